from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from .cpr import mask_cpr
from .models import AccessLogEntry, Action, Basis, Topic
from .rules import guardian_visible_from, is_on_the_social_work_side


def access_log_record(
    *,
    actor,
    action,
    basis,
    obj=None,
    child_id=None,
    purpose="",
    detail="",
    topic=Topic.INTERNAL,
    guardian_not_before=None,
    municipality=None,
):
    """Write one access-log entry. Every selector and view that touches personal data calls this.

    `detail` may carry a search term or similar free text; CPR numbers in it are masked here so
    no caller can forget it. `topic` says what the look was about: the guardians' log shows it only
    if trivsel.audit.rules allows it (an internal look, the default, never). `municipality`: the
    entry's municipality where there is no actor to take it from (a nightly import)."""
    now = timezone.now()
    return AccessLogEntry.objects.create(
        municipality_id=municipality.pk
        if municipality
        else getattr(actor, "municipality_id", None),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        basis=basis,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        child_id=child_id,
        purpose=mask_cpr(purpose)[:200],
        detail=mask_cpr(detail),
        topic=topic,
        guardian_visible_from=guardian_visible_from(
            topic=topic,
            basis=basis,
            at=now,
            not_before=guardian_not_before,
            by_social_work=is_on_the_social_work_side(actor),
        )
        if child_id
        else None,
    )


def access_log_record_many(
    *,
    actor,
    action,
    looks,
    purpose="",
    detail="",
    model=None,
    topic=Topic.INTERNAL,
    guardian_not_before=None,
):
    """One entry per (object, child id, basis) in `looks`, written in one insert (list pages).

    With `model` given, a look is (primary key, child id, basis) instead: a page served from
    the cache logs its rows without loading them as objects. `guardian_not_before` means what it
    does for access_log_record, for every entry."""
    purpose, detail = mask_cpr(purpose)[:200], mask_cpr(detail)
    if model is None:
        rows = [(obj._meta.label_lower, obj.pk, child_id, basis) for obj, child_id, basis in looks]
    else:
        label = model._meta.label_lower
        rows = [(label, pk, child_id, basis) for pk, child_id, basis in looks]
    now = timezone.now()
    by_social_work = is_on_the_social_work_side(actor)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            municipality_id=actor.municipality_id,
            actor=actor,
            action=action,
            basis=basis,
            object_type=object_type,
            object_id=str(pk),
            child_id=child_id,
            purpose=purpose,
            detail=detail,
            topic=topic,
            guardian_visible_from=guardian_visible_from(
                topic=topic,
                basis=basis,
                at=now,
                not_before=guardian_not_before,
                by_social_work=by_social_work,
            )
            if child_id
            else None,
        )
        for object_type, pk, child_id, basis in rows
    )


def access_log_refused(*, actor, what, pk, purpose=""):
    """A request for something that does not exist or that the user may not see — answered with
    the same 404 either way — is itself logged (DESIGN.md §3: no probing of ids unseen). `what`
    names the kind of object, e.g. "cases.child"."""
    if getattr(actor, "is_authenticated", False):
        access_log_record(
            actor=actor,
            action=Action.READ,
            basis=Basis.DENIED,
            purpose=purpose,
            detail=f"{what} #{str(pk)[:20]}",
        )


def refuse(*, actor, what, pk, purpose=""):
    """Log the refused look and answer 404: the one way a selector says no (DESIGN.md §3)."""
    access_log_refused(actor=actor, what=what, pk=pk, purpose=purpose)
    raise Http404


def get_or_refuse(queryset, pk, *, actor, purpose=""):
    """`queryset.get(pk=pk)` — the queryset being what the actor may see — or, for an id that is
    missing, not visible or not an id at all, a logged refusal (404). The log names the kind of
    object by its model ("cases.child")."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        pass
    refuse(actor=actor, what=queryset.model._meta.label_lower, pk=pk, purpose=purpose)


def privilege_change_record(*, actor, user, before, after):
    """Write what an administrator changed of a person's roles, units, groups, active state or
    platform privileges — who, whose, old → new — when anything changed. `before` and `after`
    are trivsel.organisation.selectors.staff_privileges_of of the person. The entry belongs to
    the person's municipality, so its other administrators see it in the access log and on the
    person's admin page, whoever made the change (a platform superuser too)."""
    changes = [
        f"{label}: {before.get(label, '–')} → {value}"
        for label, value in after.items()
        if before.get(label, "–") != value
    ]
    if not changes:
        return None
    whose = user.get_full_name() or user.username
    return AccessLogEntry.objects.create(
        municipality_id=user.municipality_id,
        actor=actor,
        action=Action.CHANGE,
        basis=Basis.ADMINISTRATION,
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        purpose=gettext("Change of roles and access"),
        detail=mask_cpr(f"{whose} ({user.username}): " + "; ".join(changes)),
        topic=Topic.INTERNAL,
    )
