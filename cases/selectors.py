"""Reads of children's data. Every view goes through these: they fetch and authorize in one step,
answer 404 for missing and forbidden alike, and write the access log."""

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis
from trivsel.audit.services import access_log_record, access_log_record_many
from trivsel.organisation.models import SOCIAL_WORK_ROLES

from .access import BASIS_PRIORITY, live_grants, permission_ids
from .models import (
    Child,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    DataKind,
    Enrolment,
    Task,
    TaskStatus,
    TimelineEntry,
    TimelineKind,
)


def current_enrolments():
    today = timezone.localdate()
    return Enrolment.objects.filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)


def enrolled_counts_by_group(groups):
    """How many children are enrolled in each group today: {group id: count}, one query."""
    rows = (
        current_enrolments()
        .filter(group__in=groups)
        .values("group")
        .annotate(children=Count("child", distinct=True))
    )
    return {row["group"]: row["children"] for row in rows}


def _grants(user, kind, bases=None):
    """The user's live grants of one kind: their own rows and their units'/groups' rows."""
    permission = {"permission_id": permission_ids()[DataKind(kind)]}
    if bases is not None:
        permission["basis__in"] = list(bases)
    live = live_grants()
    own = ChildUserObjectPermission.objects.filter(live, user_id=user.pk, **permission)
    via_groups = ChildGroupObjectPermission.objects.filter(
        live, group__user__id=user.pk, **permission
    )
    return own, via_groups


def child_list_visible_to(user, *, kind=DataKind.BASIC, bases=None):
    """The children this user may see information of `kind` about (on one of `bases`, if
    given), as one query."""
    if not user.is_authenticated or user.municipality_id is None:
        return Child.objects.none()
    own, via_groups = _grants(user, kind, bases)
    granted = own.values("content_object_id").union(via_groups.values("content_object_id"))
    # Tenancy on top of every grant.
    return Child.objects.filter(pk__in=granted, municipality_id=user.municipality_id)


def child_bases_for(user, child_ids, *, kind=DataKind.BASIC, bases=None):
    """{child id: the basis of the user's access} for a page of children, in one query."""
    own, via_groups = _grants(user, kind, bases)
    rows = own.filter(content_object_id__in=child_ids).values_list("content_object_id", "basis")
    rows = rows.union(
        via_groups.filter(content_object_id__in=child_ids).values_list("content_object_id", "basis")
    )
    rank = {basis: i for i, basis in enumerate(BASIS_PRIORITY)}
    found = {}
    for child_id, basis in rows:
        if child_id not in found or rank.get(basis, 99) < rank.get(found[child_id], 99):
            found[child_id] = basis
    return found


def _log_denied(user, pk, purpose):
    access_log_record(
        actor=user,
        action=Action.READ,
        basis=Basis.DENIED,
        purpose=purpose,
        detail=f"cases.child #{str(pk)[:20]}",
    )


def child_get_for(user, pk, *, kind=DataKind.BASIC, purpose="", bases=None):
    """The child, if the user may see information of `kind` about it (on one of `bases`, if
    given); otherwise 404 (and the attempt is logged). The child carries `access_basis`."""
    try:
        child = child_list_visible_to(user, kind=kind, bases=bases).get(pk=int(pk))
    except (Child.DoesNotExist, ValueError, TypeError):
        if user.is_authenticated:
            _log_denied(user, pk, purpose)
        raise Http404 from None
    child.access_basis = child_bases_for(user, [child.pk], kind=kind, bases=bases)[child.pk]
    access_log_record(
        actor=user,
        action=Action.READ,
        basis=child.access_basis,
        obj=child,
        child_id=child.pk,
        purpose=purpose,
    )
    return child


def access_log_children(user, children, *, purpose="", detail="", kind=DataKind.BASIC):
    """Log a look at several children at once (a list page), each with its own basis."""
    children = list(children)
    if children:
        bases = child_bases_for(user, [c.pk for c in children], kind=kind)
        access_log_record_many(
            actor=user,
            action=Action.SEARCH if detail else Action.READ,
            looks=[(child, child.pk, bases[child.pk]) for child in children],
            purpose=purpose,
            detail=detail,
        )


def children_of_guardian(user):
    """A guardian's own children (party access), logged with that basis."""
    children = list(
        child_list_visible_to(user)
        .filter(guardianship__guardian__user=user, guardianship__has_custody=True)
        .order_by("first_name")
    )
    access_log_children(user, children, purpose=_("My overview"))
    return children


def child_kinds_for(user, child_id):
    """The kinds of information about one child this user may see now, in one query."""
    live = live_grants()
    own = ChildUserObjectPermission.objects.filter(
        live, user_id=user.pk, content_object_id=child_id
    ).values_list("permission_id", flat=True)
    via_groups = ChildGroupObjectPermission.objects.filter(
        live, group__user__id=user.pk, content_object_id=child_id
    ).values_list("permission_id", flat=True)
    granted = set(own.union(via_groups))
    return {kind for kind, permission_id in permission_ids().items() if permission_id in granted}


def timeline_visible_to(user, child, kinds, *, for_guardian=False):
    """The child's timeline entries of the kinds this user may see (from child_kinds_for).
    Guardians do not see the professionals' internal follow-up tasks."""
    entries = TimelineEntry.objects.filter(child=child, data_kind__in=kinds)
    if for_guardian:
        entries = entries.exclude(kind=TimelineKind.TASK)
    return entries.select_related("actor")


def siblings_visible_to(user, child):
    """Brothers and sisters (same household or a shared guardian) — only those the user may see
    themselves, so a family link never widens access."""
    related = Q(guardianship__guardian__in=child.guardians.all())
    if child.household_id:
        related |= Q(household_id=child.household_id)
    return child_list_visible_to(user).filter(related).exclude(pk=child.pk).distinct()


def involvements_visible_to(child, kinds):
    """The involvement register. The social-work side's involvement reveals that there is a
    notification or case, so only those who may see notifications see it: parents are not told
    before a notification when violence or abuse is suspected (DOMAIN.md §5)."""
    involvements = child.involvements.select_related("person", "unit")
    if DataKind.NOTIFICATIONS not in kinds:
        involvements = involvements.exclude(
            person__staff_profile__roles__overlap=list(SOCIAL_WORK_ROLES)
        )
    return involvements


def task_list_for(user):
    """My open tasks; a task about a child I can no longer see is not shown (nor its title)."""
    return (
        Task.objects.filter(owner=user, status=TaskStatus.OPEN)
        .filter(Q(child__isnull=True) | Q(child__in=child_list_visible_to(user)))
        .select_related("child")
        .order_by("due_date", "pk")
    )
