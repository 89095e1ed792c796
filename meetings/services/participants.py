"""Who is on a meeting's list, the parents' consent to a network meeting, and the invitations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    DataKind,
    consent_default_end,
    consent_last_day,
)
from cases.services import consent_record
from trivsel.audit.models import Action
from trivsel.locking import row_lock
from trivsel.notifications.services import email_to_address_queue

from ..models import (
    Minutes,
    MinutesStatus,
    Participant,
    ParticipantKind,
)
from ..rules import consent_problem
from ..selectors import (
    meeting_require,
    staff_participant_users,
)
from .common import _day, _log, _same_municipality

# Rendered by the notifications outbox with the meeting's day and a link only.
INVITATION_TEMPLATE = "notifications/meeting_invitation"

# What the network meeting's consent covers: the child's basic data and the minutes.
NETWORK_CONSENT_KINDS = [DataKind.BASIC, DataKind.MINUTES]
NETWORK_CONSENT_DAYS_AFTER = 180


# --- Participants, consent and invitations --------------------------------------------------


def _staff_participant(meeting, user, role=""):
    participant, _created = Participant.objects.get_or_create(
        meeting=meeting,
        user=user,
        defaults={
            "kind": ParticipantKind.STAFF,
            "name": user.get_full_name() or user.username,
            "role": role or ", ".join(_staff_roles(user)),
            "email": user.email,
            "added_at": timezone.now(),
        },
    )
    return participant


def _staff_roles(user):
    profile = user.staff_profile_or_none
    return [str(label) for label in profile.role_labels] if profile else []


@transaction.atomic
def participant_add(*, actor, meeting, kind, user=None, guardian=None, name="", role="", email=""):
    # Who the parents are asked to consent to is decided by staff around the child, as in cases
    # (meetings.capabilities: add_participant); the child's own guardians are also put on the
    # list by the staff around the child on it.
    meeting_require(
        actor, meeting, "add_parents" if kind == ParticipantKind.PARENT else "add_participant"
    )
    if kind == ParticipantKind.STAFF:
        if user is None:
            raise ValidationError({"user": _("Choose the staff member.")})
        _same_municipality(meeting.municipality_id, user)
        if meeting.participants.filter(user=user).exists():
            raise ValidationError(
                {"user": _("%(name)s is already on the list.") % {"name": user.get_full_name()}}
            )
        participant = _staff_participant(meeting, user, role)
    elif kind == ParticipantKind.PARENT:
        if (
            guardian is None
            or not meeting.child_id
            or not guardian.guardianship_set.filter(child_id=meeting.child_id).exists()
        ):
            raise ValidationError({"guardian": _("Choose one of the child's guardians.")})
        row_lock(meeting)  # two adds of the same parent at once: the second sees the first
        if meeting.participants.filter(guardian=guardian).exists():
            raise ValidationError(
                {"guardian": _("%(name)s is already on the list.") % {"name": str(guardian)}}
            )
        participant = Participant.objects.create(
            meeting=meeting,
            kind=kind,
            guardian=guardian,
            user=guardian.user,
            name=str(guardian),
            role=role or _("Parent"),
            email=email or guardian.email,
            added_at=timezone.now(),
        )
    else:
        if not name.strip() or not role.strip():
            raise ValidationError({"name": _("Write the person's name and role.")})
        participant = Participant.objects.create(
            meeting=meeting,
            kind=kind,
            name=name.strip(),
            role=role.strip(),
            email=email,
            added_at=timezone.now(),
        )
    _absent_if_added_after_approval(meeting, participant)
    _log(actor, Action.CHANGE, meeting, meeting=meeting, purpose=_("Add participant"))
    return participant


def _absent_if_added_after_approval(meeting, participant):
    """Who was present is fixed once minutes are approved: someone put on the list later was not
    at the meeting (and a correction is confirmed by the same people present)."""
    if participant.present is not None or not meeting.minutes_need_confirmation:
        return
    if meeting.minutes.exclude(status=MinutesStatus.DRAFT).exists():
        Participant.objects.filter(pk=participant.pk).update(present=False)
        participant.present = False


@transaction.atomic
def participant_remove(*, actor, participant):
    meeting = participant.meeting
    meeting_require(actor, meeting, "manage")
    if participant.user_id == meeting.tovholder_id:
        raise ValidationError(_("The tovholder stays on the list. Hand the role over first."))
    if meeting.minutes_need_confirmation:
        # The draft's row first, as attendance and confirmations take it: nobody present drops
        # off the list while the draft waits for their confirmation.
        draft = (
            Minutes.objects.select_for_update()
            .filter(meeting_id=meeting.pk, status=MinutesStatus.DRAFT)
            .values_list("pk", flat=True)
            .first()
        )
        present = (
            Participant.objects.filter(pk=participant.pk).values_list("present", flat=True).first()
        )
        if draft is not None and present:
            raise ValidationError(
                _(
                    "%(name)s is recorded as present at the meeting and stays on the list while"
                    " the minutes wait for the confirmation of everyone present."
                )
                % {"name": participant.name}
            )
    # A confirmation of approved minutes is part of what was approved: its person stays listed.
    if participant.confirmations.exclude(minutes__status=MinutesStatus.DRAFT).exists():
        raise ValidationError(
            _("%(name)s confirmed approved minutes and stays on the list.")
            % {"name": participant.name}
        )
    participant.confirmations.all().delete()
    participant.delete()
    _log(actor, Action.CHANGE, meeting, meeting=meeting, purpose=_("Remove participant"))


@transaction.atomic
def network_consent_record(*, actor, meeting, guardian, paper=True, paper_date=None, refused=False):
    """The parents' consent to the meeting's purpose and participants, recorded through cases:
    it lets the staff on the list read the child's basic data and the minutes, nothing more,
    from today until NETWORK_CONSENT_DAYS_AFTER the meeting (within a consent's maximum)."""
    if not meeting.is_network:
        raise ValidationError(_("Only a network meeting needs this consent."))
    meeting_require(actor, meeting, "record_consent")
    staff = staff_participant_users(meeting)
    if [u.pk for u in staff] == [actor.pk] and not refused:
        raise ValidationError(
            _(
                "Put the other professionals on the list first: a consent that names only you "
                "gives you nothing you may not see already, and nobody records a consent for "
                "themselves alone."
            )
        )
    start = timezone.localdate()
    meeting_day = timezone.localdate(meeting.starts_at)
    if meeting_day > consent_last_day(start):
        raise ValidationError(
            _(
                "The meeting is more than %(months)s months away, and a consent lasts at most "
                "%(months)s months: record the parents' consent nearer the time."
            )
            % {"months": settings.CONSENT_MAX_MONTHS}
        )
    others = [p for p in meeting.participants.all() if p.kind != ParticipantKind.STAFF]
    names = ", ".join(
        [f"{u.get_full_name()}" for u in staff] + [f"{p.name} ({p.role})" for p in others]
    )
    consent = consent_record(
        actor=actor,
        child=meeting.child,
        guardian=guardian,
        kinds=NETWORK_CONSENT_KINDS,
        people=staff,
        purpose=_("Network meeting on %(date)s. Purpose: %(purpose)s. Participants: %(names)s")
        % {"date": _day(meeting.starts_at), "purpose": meeting.purpose, "names": names},
        valid_from=start,
        valid_until=consent_default_end(
            start, days=(max(start, meeting_day) - start).days + NETWORK_CONSENT_DAYS_AFTER
        ),
        paper=paper,
        paper_date=paper_date,
        refused=refused,
    )
    meeting.consent = consent
    meeting.save(update_fields=["consent"])
    return consent


@transaction.atomic
def meeting_invite(*, actor, meeting):
    """Invite everyone not invited yet. Each invitation is queued in the notifications outbox in
    this transaction (retries, back-off and give-up are the outbox's) and carries the meeting's
    day and a link only — nothing about the child or the purpose."""
    meeting_require(actor, meeting, "manage")
    problem = consent_problem(meeting)
    if problem:
        raise ValidationError(problem)
    invitees = list(meeting.participants.filter(invited_at__isnull=True))
    meeting.participants.filter(pk__in=[p.pk for p in invitees]).update(invited_at=timezone.now())
    link = reverse("meetings:meeting_detail", args=[meeting.pk])
    for participant in invitees:
        # The key is the participant's: the same invitation queued twice is one e-mail.
        email_to_address_queue(
            to_address=participant.email,
            template=INVITATION_TEMPLATE,
            key=f"meetings.participant:{participant.pk}:invitation",
            link=link,
            about_date=timezone.localdate(meeting.starts_at),
        )
    _log(actor, Action.CHANGE, meeting, meeting=meeting, purpose=_("Send invitations"))
    return len(invitees)
