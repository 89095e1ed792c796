"""How long the child's record is kept (trivsel.retention; README "Sletning og opbevaring")."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import DateField, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trivsel.audit.models import AccessLogEntry, Action, Basis
from trivsel.retention.registry import (
    PROTECTION_ERRORS,
    RecordType,
    retention_legal_holds,
    retention_record_types,
    without_protected_references,
)

from .insight.selectors import insight_pending_child_ids
from .models import (
    Child,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    Consent,
    Enrolment,
    ExchangeGrant,
    Forlob,
    Guardian,
    Guardianship,
    Handover,
    Household,
    InsightRequest,
    Involvement,
    Task,
    TaskStatus,
    TimelineEntry,
)


def expired_handovers(*, municipality_id, before, held):
    rows = Handover.objects.filter(
        child__municipality_id=municipality_id,
        transition_date__lt=timezone.localdate(before),
    ).exclude(child_id__in=held)
    return without_protected_references(rows).annotate(retention_event=F("transition_date"))


def expired_consents(*, municipality_id, before, held):
    # A consent ends when it is withdrawn or its period runs out (a refusal: its period too).
    ended = Coalesce(Cast("withdrawn_at", DateField()), "valid_until")
    rows = (
        Consent.objects.filter(child__municipality_id=municipality_id)
        .annotate(retention_event=ended)
        .filter(retention_event__lt=timezone.localdate(before))
        .exclude(child_id__in=held)
    )
    # A consent a handover, a referral or a meeting was made under goes with that record.
    return without_protected_references(rows)


def expired_forlob(*, municipality_id, before, held):
    return (
        Forlob.objects.filter(
            child__municipality_id=municipality_id,
            closed_at__lt=timezone.localdate(before),
        )
        .exclude(child_id__in=held)
        .annotate(retention_event=F("closed_at"))
    )


def expired_tasks(*, municipality_id, before, held):
    # Open tasks are kept; a task cancelled without a completion time counts from its creation.
    return (
        Task.objects.filter(
            owner__municipality_id=municipality_id,
            status__in=[TaskStatus.DONE, TaskStatus.CANCELLED],
        )
        .annotate(retention_event=Coalesce("completed_at", "created_at"))
        .filter(retention_event__lt=before)
        .exclude(Q(child_id__in=held))
    )


def expired_timeline_entries(*, municipality_id, before, held):
    return (
        TimelineEntry.objects.filter(child__municipality_id=municipality_id, at__lt=before)
        .exclude(child_id__in=held)
        .annotate(retention_event=F("at"))
    )


# What goes with the child's record itself: who the child is and belongs to, where it was
# enrolled, who had access and why, its timeline. Everything else about the child (consents,
# forløb, handovers, marks, meetings, notifications, …) goes by its own rule first; while any of
# it is left, the child's record waits (so no other kind is ever removed before its period, and
# nothing /tal/ counts goes with the child).
CHILD_OWN_PARTS = {
    Guardianship,
    Enrolment,
    Involvement,
    ExchangeGrant,
    ChildUserObjectPermission,
    ChildGroupObjectPermission,
    TimelineEntry,
    InsightRequest,  # answered ones: a pending one holds the child (legal hold)
}


def expired_children(*, municipality_id, before, held):
    """Children with no enrolment after `before` and no entry on their timeline after it, of
    whom nothing else is left. `before` is never after the first month /tal/ counts, whatever a
    municipality's rule says (RecordType.outside_figures_window)."""
    if municipality_id is None:
        return Child.objects.none().annotate(retention_event=F("birth_date"))
    before_day = timezone.localdate(before)
    last_enrolment = (
        Enrolment.objects.filter(child=OuterRef("pk"))
        .order_by()
        .values("child")
        .annotate(last=Max("end"))
        .values("last")
    )
    last_entry = (
        TimelineEntry.objects.filter(child=OuterRef("pk"))
        .order_by()
        .values("child")
        .annotate(last=Max(Cast("at", DateField())))
        .values("last")
    )
    still_enrolled = Enrolment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=before_day), child=OuterRef("pk")
    )
    rows = (
        Child.objects.filter(municipality_id=municipality_id)
        .exclude(pk__in=held)
        .exclude(Exists(still_enrolled))
        # Greatest skips NULL: a child without enrolments counts from its last entry; a child
        # with neither has no event and is left alone.
        .annotate(retention_event=Greatest(Subquery(last_enrolment), Subquery(last_entry)))
        .filter(retention_event__lt=before_day)
    )
    for relation in Child._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.one_to_many):
            continue
        if relation.related_model in CHILD_OWN_PARTS:
            continue
        rows = rows.exclude(
            Exists(
                relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")})
            )
        )
    return rows


def _removal_logged(*, municipality_id, what, count):
    if count:
        AccessLogEntry.objects.create(
            municipality_id=municipality_id,
            actor=None,
            action=Action.DELETE,
            basis=Basis.ADMINISTRATION,
            object_type=what,
            purpose=gettext("Retention: the period has passed"),
            detail=str(count),
        )


def _logins_close(user_ids):
    """The logins of deleted children (the young person's own) and guardians: deleted, or, while
    a kept record names the person (the access log of their own look-ups), closed and left for
    the records naming them to go. A staff member's login is never touched."""
    User = get_user_model()
    logins = User.objects.filter(
        pk__in=user_ids,
        staff_profile__isnull=True,
        guardian__isnull=True,
        own_child__isnull=True,
        is_staff=False,
        is_superuser=False,
    )
    deleted = 0
    for user in logins:
        try:
            with transaction.atomic():
                user.delete()
            deleted += 1
        except PROTECTION_ERRORS:
            User.objects.filter(pk=user.pk).update(is_active=False, password=make_password(None))
    return deleted


def children_delete(batch):
    """Delete the children of the batch with what hangs on them, then their guardians and
    households that no longer belong to any child (a guardian a kept record still names, e.g. a
    forum meeting's participant, stays). Logged by kind and count only."""
    municipality_id = batch.values_list("municipality_id", flat=True).first()
    guardian_ids = list(
        Guardianship.objects.filter(child__in=batch).values_list("guardian_id", flat=True)
    )
    household_ids = list(batch.exclude(household=None).values_list("household_id", flat=True))
    login_ids = set(batch.exclude(user=None).values_list("user_id", flat=True))
    try:
        with transaction.atomic():
            _total, per_model = batch.delete()
    except PROTECTION_ERRORS:  # something new points at a child: it waits for a later night
        return 0
    removed = per_model.get(Child._meta.label, 0)
    guardians = without_protected_references(
        Guardian.objects.filter(pk__in=guardian_ids).exclude(
            Exists(Guardianship.objects.filter(guardian=OuterRef("pk")))
        )
    )
    login_ids.update(guardians.exclude(user=None).values_list("user_id", flat=True))
    _removal_logged(
        municipality_id=municipality_id,
        what="cases.guardian",
        count=guardians.delete()[1].get(Guardian._meta.label, 0),
    )
    _removal_logged(
        municipality_id=municipality_id, what="cases.login", count=_logins_close(login_ids)
    )
    households = Household.objects.filter(pk__in=household_ids).exclude(
        Exists(Child.objects.filter(household=OuterRef("pk")))
    )
    _removal_logged(
        municipality_id=municipality_id,
        what="cases.household",
        count=households.delete()[1].get(Household._meta.label, 0),
    )
    return removed


RECORD_TYPES = [
    RecordType(
        key="cases.handover",
        label=_("Handovers"),
        event=_("after the date of the transition"),
        default_months=36,
        expired=expired_handovers,
        order=30,
    ),
    RecordType(
        key="cases.consent",
        label=_("Consents"),
        event=_("after the consent ended (withdrawn or expired)"),
        default_months=60,
        expired=expired_consents,
        order=50,
    ),
    RecordType(
        key="cases.forlob",
        label=_("Forløb and plans"),
        event=_("after the forløb was closed"),
        default_months=60,
        expired=expired_forlob,
        order=60,
    ),
    RecordType(
        key="cases.task",
        label=_("Tasks"),
        event=_("after the task was done or cancelled"),
        default_months=36,
        expired=expired_tasks,
        order=70,
    ),
    RecordType(
        key="cases.timeline",
        label=_("Entries on the child's timeline"),
        event=_("after the entry was written"),
        default_months=60,
        expired=expired_timeline_entries,
        order=75,
    ),
    RecordType(
        key="cases.child",
        label=_("The child's record (basic data, family, enrolments and access)"),
        event=_(
            "after the last enrolment in the municipality ended, when nothing else about the "
            "child is kept"
        ),
        default_months=60,
        expired=expired_children,
        delete=children_delete,
        outside_figures_window=True,
        # Last: the night's run has removed the child's other records first.
        order=120,
    ),
]

for record_type in RECORD_TYPES:
    retention_record_types.add(record_type)

# An insight request not yet answered holds everything about the child: what the answer must
# contain cannot be deleted while it is being prepared (GDPR art. 15).
retention_legal_holds.add(insight_pending_child_ids)
