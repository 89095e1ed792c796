"""The forløb: the child's plan, its tovholder and its closing."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import access_log_record
from trivsel.locking import row_lock

from ..models import DataKind, Forlob, SubGoal, TimelineKind
from ..selectors import child_require
from .heard import child_heard_check
from .timeline import timeline_add


class EditConflict(Exception):
    """Someone else saved the record after this edit started; nothing was overwritten."""


def _check_tovholder_pair(child, tovholder, backup):
    for person in (tovholder, backup):
        if person is not None and person.municipality_id != child.municipality_id:
            raise ValidationError(_("The tovholder must work in the child's municipality."))
    if backup is not None and backup.pk == tovholder.pk:
        raise ValidationError({"backup": _("The backup must be someone else than the tovholder.")})


@transaction.atomic
def forlob_open(
    *,
    actor,
    child,
    title,
    tovholder,
    backup=None,
    review_date,
    goal="",
    child_view="",
    parents_view="",
    ladder_step=None,
    child_heard=None,
    child_heard_note="",
):
    child_require(actor, child, "open_forlob")
    _check_tovholder_pair(child, tovholder, backup)
    child_heard_check(child=child, child_heard=child_heard, child_heard_note=child_heard_note)
    already_open = ValidationError(_("The child already has an open forløb. Work in that one."))
    if Forlob.objects.filter(child=child, closed_at__isnull=True).exists():
        raise already_open
    try:
        with transaction.atomic():  # a savepoint: a double click must not break the request
            forlob = Forlob.objects.create(
                child=child,
                title=title,
                tovholder=tovholder,
                backup=backup,
                opened_at=timezone.localdate(),
                review_date=review_date,
                goal=goal,
                child_view=child_view,
                parents_view=parents_view,
                child_heard=child_heard or "",
                child_heard_note=child_heard_note.strip(),
                **({"ladder_step": ladder_step} if ladder_step else {}),
            )
    except IntegrityError:
        raise already_open from None
    timeline_add(
        child=child,
        kind=TimelineKind.FORLOB,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("Forløb opened: %(title)s, tovholder %(name)s")
        % {"title": title, "name": tovholder.get_full_name()},
    )
    return forlob


PLAN_FIELDS = (
    "title",
    "goal",
    "child_view",
    "parents_view",
    "ladder_step",
    "review_date",
    "child_heard",
    "child_heard_note",
)


@transaction.atomic
def forlob_plan_update(*, actor, forlob, version, sub_goals=None, **changes):
    """Save the plan only if nobody saved it since `version` was read."""
    child_require(actor, forlob.child, "edit_forlob")
    if "child_heard" in changes:
        child_heard_check(
            child=forlob.child,
            child_heard=changes["child_heard"],
            child_heard_note=changes.get("child_heard_note", ""),
        )
    updated = Forlob.objects.filter(pk=forlob.pk, version=version, closed_at__isnull=True).update(
        version=version + 1, **{k: v for k, v in changes.items() if k in PLAN_FIELDS}
    )
    if not updated:
        raise EditConflict
    if sub_goals is not None:
        forlob.sub_goals.all().delete()
        SubGoal.objects.bulk_create(
            SubGoal(forlob=forlob, actor=actor_name, text=text)
            for actor_name, text in sub_goals
            if text.strip()
        )
    forlob.refresh_from_db()
    timeline_add(
        child=forlob.child,
        kind=TimelineKind.FORLOB,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("The plan of %(title)s was updated") % {"title": forlob.title},
    )
    return forlob


@transaction.atomic
def forlob_own_view_write(*, actor, forlob, version, text):
    """The young person writes their own words in the plan ("den unges egne ord"), through their
    own login. Like any edit of the plan, only on the version they read: a tovholder's save in
    between is never overwritten (nor theirs by the tovholder's)."""
    child_require(actor, forlob.child, "write_own_view")
    text = (text or "").strip()
    updated = Forlob.objects.filter(pk=forlob.pk, version=version, closed_at__isnull=True).update(
        version=version + 1, child_view=text
    )
    if not updated:
        raise EditConflict
    forlob.refresh_from_db()
    timeline_add(
        child=forlob.child,
        kind=TimelineKind.FORLOB,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("The young person wrote their own words in the plan of %(title)s")
        % {"title": forlob.title},
    )
    access_log_record(
        actor=actor,
        action=Action.CHANGE,
        basis=Basis.YOUNG_PERSON,
        obj=forlob,
        child_id=forlob.child_id,
        purpose=_("Own words in the plan"),
        topic=Topic.DAILY_CARE,
    )
    return forlob


@transaction.atomic
def forlob_hand_over(*, actor, forlob, tovholder, backup=None):
    """Hand the tovholder role to someone else; there is never a moment with two or none."""
    child_require(actor, forlob.child, "edit_forlob")
    _check_tovholder_pair(forlob.child, tovholder, backup)
    # Two hand-overs at once: the second sees the first's tovholder (the timeline says who had
    # the role), and the same hand-over pressed twice is done once.
    row_lock(forlob)
    if forlob.closed_at:
        raise ValidationError(_("The forløb is closed."))
    if (forlob.tovholder_id, forlob.backup_id) == (tovholder.pk, backup.pk if backup else None):
        return forlob
    previous = forlob.tovholder
    forlob.tovholder, forlob.backup = tovholder, backup
    forlob.version += 1
    forlob.save(update_fields=["tovholder", "backup", "version"])
    timeline_add(
        child=forlob.child,
        kind=TimelineKind.TOVHOLDER,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("Tovholder handed over from %(old)s to %(new)s")
        % {"old": previous.get_full_name(), "new": tovholder.get_full_name()},
    )
    return forlob


@transaction.atomic
def forlob_close(*, actor, forlob, decision):
    """No silent drop-off: closing needs a written decision or a named receiver."""
    child_require(actor, forlob.child, "edit_forlob")
    if not decision.strip():
        raise ValidationError(
            {"closing_decision": _("Write the decision to close, or who takes over.")}
        )
    row_lock(forlob)  # closed once, with one decision: a second close is told so
    if forlob.closed_at:
        raise ValidationError(_("The forløb has already been closed."))
    forlob.closed_at = timezone.localdate()
    forlob.closing_decision = decision.strip()
    forlob.save(update_fields=["closed_at", "closing_decision"])
    timeline_add(
        child=forlob.child,
        kind=TimelineKind.FORLOB,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("Forløb closed: %(title)s") % {"title": forlob.title},
    )
    return forlob
