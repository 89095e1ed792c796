"""The dialogue-based notification: the conversation with the parents, the meeting with the
social worker, and the approved minutes that are the notification."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import DataKind, Task, TaskStatus
from cases.selectors import unit_leaders
from cases.services import task_complete, task_create
from meetings.models import ParticipantKind
from meetings.services.meetings import network_meeting_create
from meetings.services.participants import participant_add
from trivsel.audit.models import Action, Basis
from trivsel.locking import row_lock
from trivsel.organisation.models import Role
from trivsel.organisation.selectors import leads_unit

from ..models import Channel, DialogueUnderretning, Notifier, Route, Underretning
from ..selectors import caseworkers_of
from .common import _check_child_seen, _check_own_unit, _create, _log, _save, _timeline

DIALOGUE_INVITE_TASK = "referrals.dialogue_invite"


@transaction.atomic
def dialogue_start(
    *, actor, child, unit, category, parents_conversation, parents_agreed, suspected_violence
):
    """The teacher or pædagog records the conversation with the parents and their agreement."""
    if suspected_violence:
        raise ValidationError(
            _(
                "When violence or abuse is suspected, the dialogue route is not used and the"
                " parents are not told: send a classic notification."
            )
        )
    if not parents_agreed:
        raise ValidationError(
            {"parents_agreed": _("The parents must agree to a dialogue-based notification.")}
        )
    _check_own_unit(actor, unit)
    _check_child_seen(actor, child)
    dialogue = DialogueUnderretning.objects.create(
        municipality_id=child.municipality_id,
        child=child,
        unit=unit,
        started_by=actor,
        category=category,
        parents_conversation=parents_conversation.strip(),
        parents_agreed_at=timezone.now(),
    )
    _log(
        actor,
        Action.CREATE,
        dialogue,
        child_id=child.pk,
        basis=Basis.ENROLMENT,
        purpose=_("Dialogue-based notification"),
    )
    # The leader of the unit invites the social worker: a task tells each leader so.
    for leader in unit_leaders(unit):
        task_create(
            child=child,
            title=_("Invite the social worker to a dialogue-based notification meeting"),
            owner=leader,
            due_date=timezone.localdate() + timedelta(days=3),
            created_by=actor,
            # A dialogue-based notification is the social-work side's: the task tells of it.
            data_kind=DataKind.NOTIFICATIONS,
            source_type=DIALOGUE_INVITE_TASK,
            source_id=dialogue.pk,
        )
    return dialogue


@transaction.atomic
def dialogue_invite(*, actor, dialogue, social_worker, starts_at, place):
    """The leader invites the socialrådgiver and plans the meeting, which the leader chairs. The
    meeting is a network meeting of the meetings app; the social worker sees the short type of
    concern here beforehand, not the child's record."""
    if not leads_unit(actor, dialogue.unit_id):
        raise ValidationError(_("Only a leader of the unit invites the social worker."))
    row_lock(dialogue)  # two presses at once plan one meeting
    if dialogue.meeting_id:
        raise ValidationError(_("The meeting is already planned."))
    if not caseworkers_of(actor).filter(pk=social_worker.pk).exists():
        raise ValidationError({"social_worker": _("Choose one of the intake's caseworkers.")})
    meeting = network_meeting_create(
        actor=actor,
        child=dialogue.child,
        purpose=_("Dialogue-based notification: %(concern)s")
        % {"concern": dialogue.get_category_display()},
        starts_at=starts_at,
        place=place,
        tovholder=actor,
        title=_("Dialogue-based notification about %(name)s") % {"name": dialogue.child.first_name},
        # The minutes are the notification, signed by everyone present (DOMAIN.md §9).
        minutes_need_confirmation=True,
    )
    participant_add(
        actor=actor,
        meeting=meeting,
        kind=ParticipantKind.STAFF,
        user=social_worker,
        role=str(Role.SOCIAL_WORKER.label),
    )
    if dialogue.started_by_id != actor.pk:
        participant_add(
            actor=actor, meeting=meeting, kind=ParticipantKind.STAFF, user=dialogue.started_by
        )
    dialogue.meeting, dialogue.social_worker = meeting, social_worker
    dialogue.save(update_fields=["meeting", "social_worker"])
    for task in Task.objects.filter(
        source_type=DIALOGUE_INVITE_TASK,
        source_id=str(dialogue.pk),
        owner=actor,
        status=TaskStatus.OPEN,
    ):
        task_complete(actor=actor, task=task)
    return dialogue


@transaction.atomic
def dialogue_invite_parents(*, actor, dialogue):
    """The teacher or pædagog puts the child's guardians on the meeting's list."""
    row_lock(dialogue)  # two presses at once put each guardian on the list once
    if not dialogue.meeting_id:
        raise ValidationError(_("The leader plans the meeting first."))
    if actor.pk != dialogue.started_by_id and not leads_unit(actor, dialogue.unit_id):
        raise ValidationError(_("Only the unit's staff invite the parents."))
    added = 0
    present = set(dialogue.meeting.participants.values_list("guardian_id", flat=True))
    for guardian in dialogue.child.guardians.all():
        if guardian.pk not in present:
            participant_add(
                actor=actor,
                meeting=dialogue.meeting,
                kind=ParticipantKind.PARENT,
                guardian=guardian,
            )
            added += 1
    return added


@transaction.atomic
def dialogue_meeting_held(*, actor, dialogue):
    """The social worker heard the concern at the meeting: the notification exists from now, its
    clocks running from the meeting's time (Barnets lov § 136: received is when the municipality
    learned of it). The minutes become its content when approved and confirmed
    (minutes_approved); no missing confirmation holds back the 24-hour assessment. Called when
    the tovholder records who was present, and by beat once the meeting is over (`actor` None).
    Safe to call twice: the notification is made once."""
    dialogue = (
        DialogueUnderretning.objects.select_for_update(of=("self",))
        .select_related("child", "started_by", "unit", "social_worker", "meeting")
        .get(pk=dialogue.pk)
    )
    if dialogue.underretning_id or dialogue.meeting_id is None:
        return dialogue.underretning
    meeting = dialogue.meeting
    received_at = min(meeting.starts_at, timezone.now())
    underretning = _create(
        municipality_id=dialogue.municipality_id,
        route=Route.DIALOGUE,
        notifier_kind=Notifier.PROFESSIONAL,
        channel=Channel.DIALOGUE_MEETING,
        received_at=received_at,
        category=dialogue.category,
        child=dialogue.child,
        # Until the minutes are approved: where the concern was raised, not what was said.
        text=_(
            "Raised at the dialogue meeting on %(date)s. The approved minutes will be the"
            " notification's content."
        )
        % {"date": timezone.localtime(received_at).strftime("%d.%m.%Y %H:%M")},
        notifier=dialogue.started_by,
        notifier_name=dialogue.started_by.get_full_name(),
        notifier_unit=dialogue.unit,
        notifier_email=dialogue.started_by.email,
        # The dialogue meeting's record of the child's voice stays on the dialogue, shown with
        # the notification; the intake records its own.
        assigned_to=dialogue.social_worker,
    )
    dialogue.underretning = underretning
    dialogue.save(update_fields=["underretning"])
    _timeline(underretning, actor, _("Dialogue-based notification received at the meeting"))
    return underretning


def attendance_recorded(*, actor, minutes):
    """The meetings app's hook: who was present is recorded, so the meeting has been held."""
    dialogue = DialogueUnderretning.objects.filter(
        meeting_id=minutes.meeting_id, underretning__isnull=True
    ).first()
    if dialogue is not None:
        dialogue_meeting_held(actor=actor, dialogue=dialogue)


DIALOGUE_CONFIRMATION_TASK = "referrals.dialogue_confirmation"


def dialogue_meetings_sweep(*, now=None):
    """Beat: every dialogue meeting that is over gets its notification (the tovholder may not
    have recorded who was present), and the leaders of the unit get a task for every one whose
    minutes are still not approved DIALOGUE_CONFIRMATION_DAYS after the meeting — a confirmation
    is missing, or the minutes are not written. Safe to run twice. Returns the counts."""
    now = now or timezone.now()
    meeting_over = now - timedelta(minutes=settings.DIALOGUE_MEETING_MINUTES)
    held = 0
    for dialogue in DialogueUnderretning.objects.filter(
        underretning__isnull=True, meeting__starts_at__lte=meeting_over
    ).only("pk")[:500]:
        dialogue_meeting_held(actor=None, dialogue=dialogue)
        held += 1
    tasks = 0
    waited = meeting_over - timedelta(days=settings.DIALOGUE_CONFIRMATION_DAYS)
    for dialogue in (
        DialogueUnderretning.objects.filter(
            underretning__isnull=False,
            underretning__minutes__isnull=True,
            meeting__starts_at__lte=waited,
        )
        .exclude(
            Exists(
                Task.objects.filter(
                    source_type=DIALOGUE_CONFIRMATION_TASK,
                    source_id=Cast(OuterRef("pk"), CharField()),
                )
            )
        )
        .select_related("child", "unit", "meeting")[:500]
    ):
        tasks += _confirmation_tasks(dialogue)
    return {"held": held, "tasks": tasks}


@transaction.atomic
def _confirmation_tasks(dialogue):
    created = 0
    for leader in unit_leaders(dialogue.unit):
        task_create(
            child=dialogue.child,
            title=_(
                "The minutes of the dialogue meeting are not approved yet: follow up the"
                " confirmations still missing"
            ),
            owner=leader,
            due_date=timezone.localdate() + timedelta(days=1),
            data_kind=DataKind.NOTIFICATIONS,
            source_type=DIALOGUE_CONFIRMATION_TASK,
            source_id=dialogue.pk,
        )
        created += 1
    return created


def minutes_approved(*, actor, minutes):
    """The meetings app's hook: the approved minutes of a dialogue meeting become the content of
    the notification received at the meeting (made now if the meeting was not yet recorded as
    held), with the agreed next steps; with no plan, a task for the social worker."""
    dialogue = (
        DialogueUnderretning.objects.filter(meeting_id=minutes.meeting_id)
        .select_related("unit")
        .first()
    )
    if dialogue is None:
        return None
    underretning = dialogue_meeting_held(actor=actor, dialogue=dialogue)
    underretning = Underretning.objects.select_for_update().get(pk=underretning.pk)
    if underretning.minutes_id:
        return underretning  # a correction approved later: the notification keeps the first
    underretning.minutes = minutes
    underretning.text = minutes.agreements or minutes.challenges or underretning.text
    _save(underretning, "minutes", "text")
    _timeline(underretning, actor, _("Dialogue-based notification: the minutes are approved"))
    for task in Task.objects.filter(
        source_type=DIALOGUE_CONFIRMATION_TASK, source_id=str(dialogue.pk), status=TaskStatus.OPEN
    ):
        task_complete(actor=actor, task=task)
    has_plan = minutes.action_items.exists()
    if not has_plan and dialogue.social_worker_id:
        task_create(
            child=dialogue.child,
            title=_("No plan was agreed: take the notification to the team at once"),
            owner=dialogue.social_worker,
            due_date=timezone.localdate() + timedelta(days=1),
            created_by=actor,
            data_kind=DataKind.NOTIFICATIONS,
            source_type="referrals.dialogue",
            source_id=dialogue.pk,
        )
    return underretning
