"""Attendance and confirmations: who was present, and their confirmation of the draft minutes
when the meeting needs it before approval."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from trivsel.audit.models import Action
from trivsel.extension_points import ExtensionPoint

from ..models import (
    ConfirmationMethod,
    Minutes,
    MinutesConfirmation,
    MinutesStatus,
    Participant,
    ParticipantKind,
)
from ..selectors import (
    meeting_require,
)
from .common import _log

# --- Attendance and confirmations ---------------------------------------------------------------

# Recording who was present says the meeting has been held: apps above meetings (referrals: the
# dialogue-based notification exists from its meeting) react here, inside the transaction,
# without meetings importing them. Each function is called as function(actor=…, minutes=…).
after_attendance_recorded = ExtensionPoint("after attendance recorded")


def _draft_for_confirmation(minutes):
    """The minutes row, locked against a parallel approval, if it can still be confirmed."""
    minutes = (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .filter(pk=minutes.pk)
        .first()
    )
    if minutes is None or minutes.status != MinutesStatus.DRAFT:
        raise ValidationError(
            _("These minutes are already approved. Only a draft is confirmed or changed.")
        )
    if not minutes.meeting.minutes_need_confirmation:
        raise ValidationError(
            _("The minutes of this meeting are approved by the tovholder without confirmations.")
        )
    return minutes


def _same_words(minutes, version):
    """The confirmation is of the words the person read: `version` is the content version
    (`lock`) the page showed, compared under the row lock taken by _draft_for_confirmation."""
    if version is None or version != minutes.lock:
        raise ValidationError(
            _("The minutes have changed since you opened them. Read them again before you confirm.")
        )


def _participant_of(minutes, participant):
    """The participant (or its id) read again, on this meeting's list; whether they were present
    is what the tovholder recorded last."""
    pk = participant.pk if isinstance(participant, Participant) else participant
    try:
        found = (
            Participant.objects.select_related("guardian")
            .filter(pk=int(pk), meeting_id=minutes.meeting_id)
            .first()
        )
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValidationError(_("Only the meeting's participants confirm its minutes."))
    return found


def _confirmation_create(*, actor, minutes, participant, method):
    if not participant.present:
        raise ValidationError(
            _(
                "%(name)s is not recorded as present at the meeting. Only those present confirm"
                " the minutes."
            )
            % {"name": participant.name}
        )
    if participant.kind == ParticipantKind.PARENT and any(minutes.colour_words_for_parents()):
        # Parents read the draft only once it speaks without colour words (DOMAIN.md §12); the
        # tovholder sees why among the approval problems.
        raise ValidationError(_("The minutes are not ready for the parents yet."))
    confirmation, created = MinutesConfirmation.objects.get_or_create(
        minutes=minutes,
        participant=participant,
        defaults={"method": method, "recorded_by": actor},
    )
    if created:
        _log(actor, Action.CHANGE, minutes, meeting=minutes.meeting, purpose=_("Confirm minutes"))
    return confirmation


@transaction.atomic
def attendance_record(*, actor, minutes, present):
    """The tovholder records who was present, while the minutes are a draft. Everyone else on
    the list is recorded as absent; a confirmation by someone now absent no longer counts."""
    minutes = _draft_for_confirmation(minutes)
    meeting = minutes.meeting
    if not meeting_require(actor, meeting, "write_minutes").is_tovholder:
        raise ValidationError(_("Only the tovholder records who was present."))
    if meeting.minutes.exclude(status=MinutesStatus.DRAFT).exists():
        # Who was present is a fact of the meeting, confirmed with the approved version.
        raise ValidationError(
            _(
                "Attendance is part of the approved minutes and cannot be changed. A correction"
                " is confirmed by the same people present."
            )
        )
    present = {p.pk if isinstance(p, Participant) else p for p in present}
    on_list = set(meeting.participants.values_list("pk", flat=True))
    if not present <= on_list:
        raise ValidationError(_("Choose among the meeting's participants."))
    meeting.participants.filter(pk__in=present).update(present=True)
    meeting.participants.exclude(pk__in=present).update(present=False)
    MinutesConfirmation.objects.filter(minutes=minutes).exclude(participant_id__in=present).delete()
    _log(actor, Action.CHANGE, meeting, meeting=meeting, purpose=_("Record attendance"))
    after_attendance_recorded.call_each(actor=actor, minutes=minutes)
    return len(present)


@transaction.atomic
def minutes_confirm(*, actor, minutes, version):
    """A participant present at the meeting confirms the draft with their own login (staff, or a
    guardian with a login), at the content `version` they read. Confirming twice changes
    nothing."""
    minutes = _draft_for_confirmation(minutes)
    meeting_require(actor, minutes.meeting, "read_minutes")
    _same_words(minutes, version)
    participant = (
        minutes.meeting.participants.filter(Q(user=actor) | Q(guardian__user=actor))
        .select_related("guardian")
        .first()
    )
    if participant is None:
        raise ValidationError(_("You are not on the meeting's participant list."))
    return _confirmation_create(
        actor=actor, minutes=minutes, participant=participant, method=ConfirmationMethod.OWN_LOGIN
    )


@transaction.atomic
def minutes_confirmation_record(*, actor, minutes, participant, version):
    """The tovholder records a confirmation given at the meeting, of the content `version` read
    there, for someone without a login of their own (a parent without one, the child, a
    bisidder, an external person). Staff and guardians with a login confirm themselves."""
    minutes = _draft_for_confirmation(minutes)
    if not meeting_require(actor, minutes.meeting, "write_minutes").is_tovholder:
        raise ValidationError(_("Only the tovholder records a confirmation given at the meeting."))
    _same_words(minutes, version)
    participant = _participant_of(minutes, participant)
    if participant.has_own_login:
        raise ValidationError(
            _("%(name)s has a login of their own and confirms the minutes with it.")
            % {"name": participant.name}
        )
    return _confirmation_create(
        actor=actor, minutes=minutes, participant=participant, method=ConfirmationMethod.AT_MEETING
    )
