"""Minutes: the draft written with optimistic locking, its decisions and actions, approval
(actions owned by staff become cases tasks) and corrections as new versions."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    DataKind,
    Task,
    TaskStatus,
    TimelineKind,
)
from cases.services import EditConflict, task_create, timeline_add
from trivsel.audit.models import Action
from trivsel.extension_points import ExtensionPoint
from trivsel.locking import row_lock

from ..models import (
    MINUTES_SECTIONS,
    ActionItem,
    ActionStatus,
    Decision,
    Minutes,
    MinutesConfirmation,
    MinutesStatus,
)
from ..rules import approval_problems
from ..selectors import (
    ACTION_SOURCE,
    MEETING_SOURCE,
    meeting_require,
)
from .common import MinutesLocked, _log, _same_municipality

__all__ = ["EditConflict"]


# --- Minutes ------------------------------------------------------------------------------------


@transaction.atomic
def minutes_start(*, actor, meeting):
    """The draft to write in: the open draft, or the first version."""
    meeting_require(actor, meeting, "write_minutes")
    draft = meeting.minutes.filter(status=MinutesStatus.DRAFT).first()
    if draft:
        return draft
    if meeting.minutes.exists():
        raise MinutesLocked
    try:
        with transaction.atomic():  # two editors opening at once get the same draft
            return Minutes.objects.create(meeting=meeting, number=1, updated_by=actor)
    except IntegrityError:
        return meeting.minutes.get(status=MinutesStatus.DRAFT)


@transaction.atomic
def minutes_update(*, actor, minutes, lock, **fields):
    """Save the sections only if nobody saved since `lock` was read and the minutes are still a
    draft. Raises MinutesLocked or EditConflict; nothing is overwritten either way."""
    meeting_require(actor, minutes.meeting_id, "write_minutes")
    changes = {k: v for k, v in fields.items() if k in MINUTES_SECTIONS or k == "next_meeting"}
    # What the row held at `lock` (the update below succeeds only at that lock).
    changed = any(getattr(minutes, k) != v for k, v in changes.items())
    updated = Minutes.objects.filter(pk=minutes.pk, lock=lock, status=MinutesStatus.DRAFT).update(
        lock=lock + 1, updated_by=actor, updated_at=timezone.now(), **changes
    )
    if not updated:
        current = Minutes.objects.only("status").get(pk=minutes.pk)
        if current.status != MinutesStatus.DRAFT:
            raise MinutesLocked
        raise EditConflict
    if changed or minutes.lock != lock:
        _confirmations_void(minutes)
    minutes.refresh_from_db()
    return minutes


def _check_draft(minutes):
    """Before a change of the draft's content. The row lock makes an approval wait for this
    change (and this change wait for an approval), so nothing is added to minutes that are being
    locked; confirmations already given were of other words and no longer count, and the content
    version moves on so a confirmation of the words read before is refused."""
    row = (
        Minutes.objects.select_for_update()
        .filter(pk=minutes.pk)
        .values_list("status", "lock")
        .first()
    )
    if row is None or row[0] != MinutesStatus.DRAFT:
        raise MinutesLocked
    Minutes.objects.filter(pk=minutes.pk).update(lock=F("lock") + 1)
    minutes.lock = row[1] + 1
    _confirmations_void(minutes)


def _confirmations_void(minutes):
    MinutesConfirmation.objects.filter(minutes_id=minutes.pk).delete()


@transaction.atomic
def decision_add(*, actor, minutes, text, reason):
    meeting_require(actor, minutes.meeting_id, "write_minutes")
    _check_draft(minutes)
    if not text.strip() or not reason.strip():
        raise ValidationError(_("A decision needs both the decision and its reason."))
    return Decision.objects.create(minutes=minutes, text=text.strip(), reason=reason.strip())


@transaction.atomic
def decision_remove(*, actor, decision):
    meeting_require(actor, decision.minutes.meeting_id, "write_minutes")
    _check_draft(decision.minutes)
    decision.delete()


@transaction.atomic
def decision_mark_parents_informed(*, actor, decision):
    """The tovholder confirms the parents have been told. Allowed after approval: it records
    follow-up, it does not change what was decided."""
    meeting = decision.minutes.meeting
    if not meeting_require(actor, meeting, "read_minutes").is_tovholder:
        raise ValidationError(_("Only the tovholder marks that the parents have been informed."))
    row_lock(decision)  # marked once: a second press keeps the first time and person
    if decision.parents_informed_at is None:
        decision.parents_informed_at = timezone.now()
        decision.parents_informed_by = actor
        decision.save(update_fields=["parents_informed_at", "parents_informed_by"])
    return decision


@transaction.atomic
def action_item_add(*, actor, minutes, what, owner=None, owner_name="", due_date=None):
    meeting_require(actor, minutes.meeting_id, "write_minutes")
    _check_draft(minutes)
    if not what.strip():
        raise ValidationError({"what": _("Write what is to be done.")})
    if owner is not None:
        _same_municipality(minutes.meeting.municipality_id, owner)
    return ActionItem.objects.create(
        minutes=minutes,
        what=what.strip(),
        owner=owner,
        owner_name=owner_name.strip(),
        due_date=due_date,
    )


@transaction.atomic
def action_item_remove(*, actor, item):
    meeting_require(actor, item.minutes.meeting_id, "write_minutes")
    _check_draft(item.minutes)
    item.delete()


# Apps above meetings (referrals: the minutes of a dialogue-based notification *are* the
# notification) react to an approval here, inside its transaction, without meetings importing
# them (DESIGN.md §2). Each function is called as function(actor=…, minutes=…).
after_minutes_approved = ExtensionPoint("after minutes approved")


@transaction.atomic
def minutes_approve(*, actor, minutes):
    """Approval locks the minutes, replaces the version it corrects and turns the action items
    owned by staff into tasks (once: a corrected version keeps the tasks it inherited)."""
    minutes = (
        Minutes.objects.select_for_update().select_related("meeting__tovholder").get(pk=minutes.pk)
    )
    if minutes.status != MinutesStatus.DRAFT:
        raise MinutesLocked
    if not meeting_require(actor, minutes.meeting, "write_minutes").is_tovholder:
        raise ValidationError(_("Only the meeting's tovholder can approve the minutes."))
    problems = approval_problems(minutes)
    if problems:
        raise ValidationError(problems)
    meeting = minutes.meeting
    if minutes.previous_id:
        _tasks_follow_the_correction(minutes)
    for item in minutes.action_items.filter(owner__isnull=False, task__isnull=True):
        item.task = task_create(
            child=meeting.child,
            title=item.what,
            owner=item.owner,
            due_date=item.due_date,
            created_by=actor,
            data_kind=DataKind.MINUTES if meeting.child_id else DataKind.BASIC,
            source_type=ACTION_SOURCE,
            source_id=item.pk,
            # Its entry on the child's timeline is seen by those who may open the meeting.
            timeline_source_type=MEETING_SOURCE,
            timeline_source_id=meeting.pk,
        )
        item.save(update_fields=["task"])
    if minutes.previous_id:
        Minutes.objects.filter(pk=minutes.previous_id).update(status=MinutesStatus.SUPERSEDED)
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_by = actor
    minutes.approved_at = timezone.now()
    minutes.save(update_fields=["status", "approved_by", "approved_at"])
    if meeting.child_id:
        timeline_add(
            child=meeting.child,
            kind=TimelineKind.MEETING,
            data_kind=DataKind.MINUTES,
            actor=actor,
            text=_("Minutes of %(title)s approved (version %(number)s)")
            % {"title": meeting.title, "number": minutes.number},
            source_type=MEETING_SOURCE,
            source_id=meeting.pk,
        )
    _log(actor, Action.CHANGE, minutes, meeting=meeting, purpose=_("Approve minutes"))
    after_minutes_approved.call_each(actor=actor, minutes=minutes)
    return minutes


def _tasks_follow_the_correction(minutes):
    """A correction replaces its version's action items: tasks of items it removed are
    cancelled, tasks it carries over take its what/who/by when (an item no longer owned by staff
    loses its task)."""
    carried = {}
    for item in minutes.action_items.filter(task__isnull=False).select_related("task"):
        task = item.task
        if item.owner_id is None:
            item.task = None
            item.save(update_fields=["task"])
            continue
        carried[task.pk] = item
        changes = {"title": item.what, "owner_id": item.owner_id, "due_date": item.due_date}
        if any(getattr(task, k) != v for k, v in changes.items()):
            Task.objects.filter(pk=task.pk).update(**changes)
    old_tasks = ActionItem.objects.filter(minutes_id=minutes.previous_id, task__isnull=False)
    Task.objects.filter(pk__in=old_tasks.values("task_id"), status=TaskStatus.OPEN).exclude(
        pk__in=list(carried)
    ).update(status=TaskStatus.CANCELLED)


@transaction.atomic
def action_item_mark_done(*, actor, item):
    """The tovholder sees the agreements carried out: an action of approved minutes is marked
    done (and its task completed), so it stops carrying over to the next agenda."""
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("minutes__meeting")
        .get(pk=item.pk)
    )
    meeting = item.minutes.meeting
    if not meeting_require(actor, meeting, "read_minutes").is_tovholder:
        raise ValidationError(_("Only the tovholder marks an action as done."))
    if item.minutes.status != MinutesStatus.APPROVED:
        raise ValidationError(_("Only approved minutes can have actions marked as done."))
    now = timezone.now()
    if item.status == ActionStatus.OPEN:
        item.status = ActionStatus.DONE
        item.save(update_fields=["status"])
    if item.task_id:
        Task.objects.filter(pk=item.task_id, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, completed_at=now
        )
    _log(actor, Action.CHANGE, item, meeting=meeting, purpose=_("Action done"))
    return item


# What a new version takes over from the one it corrects, besides the sections.
DECISION_COPIED = ("text", "reason", "parents_informed_at", "parents_informed_by_id")
ACTION_ITEM_COPIED = ("what", "owner_id", "owner_name", "due_date", "status", "task_id")


def _copy_into(draft, rows, fields):
    rows = list(rows)
    if rows:
        type(rows[0]).objects.bulk_create(
            type(row)(minutes=draft, **{f: getattr(row, f) for f in fields}) for row in rows
        )


@transaction.atomic
def minutes_new_version(*, actor, minutes, reason):
    """A correction of approved minutes: a new draft with everything copied, pointing back to
    the approved version, which stays valid until the correction is approved."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    meeting_require(actor, minutes.meeting_id, "write_minutes")
    if minutes.status != MinutesStatus.APPROVED:
        raise ValidationError(_("Only the approved version can be corrected."))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the minutes are corrected.")})
    if Minutes.objects.filter(meeting_id=minutes.meeting_id, status=MinutesStatus.DRAFT).exists():
        raise ValidationError(_("A correction is already being written."))
    draft = Minutes.objects.create(
        meeting_id=minutes.meeting_id,
        number=minutes.number + 1,
        previous=minutes,
        correction_reason=reason.strip(),
        updated_by=actor,
        **{s: getattr(minutes, s) for s in MINUTES_SECTIONS},
        next_meeting=minutes.next_meeting,
    )
    _copy_into(draft, minutes.decisions.all(), DECISION_COPIED)
    _copy_into(draft, minutes.action_items.all(), ACTION_ITEM_COPIED)
    return draft
