"""Writes for meetings: forums' meetings and agenda intake, network meetings with the parents'
consent before any invitation, minutes with optimistic locking, approval and corrections, and
action items that become cases Tasks."""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import (
    Child,
    Consent,
    ConsentStatus,
    DataKind,
    ExchangeGrant,
    Involvement,
    Task,
    TaskStatus,
    TimelineKind,
    consent_default_end,
    consent_last_day,
)
from cases.selectors import child_bases_for, child_require
from cases.services import EditConflict, consent_record, task_create, timeline_add
from trivsel.audit.models import Action, Basis
from trivsel.audit.services import access_log_record
from trivsel.jobs import enqueue, enqueue_on_commit
from trivsel.locking import row_lock
from trivsel.organisation.models import SOCIAL_WORK_ROLES, Group

from .models import (
    MINUTES_SECTIONS,
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaKind,
    ConfirmationMethod,
    Decision,
    ForumConsent,
    ForumKind,
    Meeting,
    Minutes,
    MinutesConfirmation,
    MinutesStatus,
    Participant,
    ParticipantKind,
    PdfJob,
    PdfJobStatus,
)
from .selectors import (
    ACTION_SOURCE,
    MEETING_SOURCE,
    is_forum_leader,
    log_topic,
    meeting_require,
)

__all__ = ["EditConflict"]

logger = logging.getLogger(__name__)

# The tasks by name: the services never import the tasks module (it imports this one).
SEND_INVITATIONS_TASK = "meetings.tasks.send_invitations"
RENDER_PDF_TASK = "meetings.tasks.render_pdf_job"

# What the network meeting's consent covers: the child's basic data and the minutes.
NETWORK_CONSENT_KINDS = [DataKind.BASIC, DataKind.MINUTES]
NETWORK_CONSENT_DAYS_AFTER = 180


class MinutesLocked(Exception):
    """The minutes are approved: only a new version can change them."""


class NeedsConfirmation(Exception):
    """The input is allowed but looks risky; the user must confirm it."""

    def __init__(self, warnings):
        super().__init__(" ".join(warnings))
        self.warnings = warnings


def _same_municipality(municipality_id, *people):
    for person in people:
        if person is not None and person.municipality_id != municipality_id:
            raise ValidationError(_("Only people of the meeting's municipality."))


def _log(actor, action, obj, *, meeting, purpose, item=None):
    """Log a change of a meeting (or of `item` on its agenda) with the child it concerns, the
    actor's basis and the meeting's topic (selectors.log_topic)."""
    child_id = item.child_id if item is not None else meeting.child_id
    basis = Basis.ADMINISTRATION
    if child_id is not None:
        basis = child_bases_for(actor, [child_id]).get(child_id, Basis.ADMINISTRATION)
    topic = log_topic(meeting, item=item, fresh=True)
    access_log_record(
        actor=actor,
        action=action,
        basis=basis,
        obj=obj,
        child_id=child_id,
        purpose=purpose,
        topic=topic.topic,
        guardian_not_before=topic.not_before,
    )


# --- Meetings -----------------------------------------------------------------------------------


@transaction.atomic
def forum_meeting_create(
    *, actor, forum, title, starts_at, place, tovholder, chair=None, purpose=""
):
    if not (is_forum_leader(actor, forum) or forum.members.filter(pk=actor.pk).exists()):
        raise PermissionDenied
    _same_municipality(forum.municipality_id, tovholder, chair)
    _check_forum_member(forum, tovholder, "tovholder")
    if chair is not None:
        _check_forum_member(forum, chair, "chair")
    meeting = Meeting.objects.create(
        municipality_id=forum.municipality_id,
        forum=forum,
        title=title,
        purpose=purpose,
        starts_at=starts_at,
        place=place,
        tovholder=tovholder,
        chair=chair,
        created_by=actor,
    )
    for member in forum.members.filter(is_active=True):
        _staff_participant(meeting, member)
    _staff_participant(meeting, tovholder)
    return meeting


def _check_forum_member(forum, person, field):
    """A forum's tovholder and chair are among its members: the parents' consent to discussing
    their child in the forum names its members, and the minutes are the members' (DOMAIN.md §8)."""
    if not forum.members.filter(pk=person.pk, is_active=True).exists():
        message = {
            "tovholder": _("The tovholder must be one of the forum's members."),
            "chair": _("The chair must be one of the forum's members."),
        }[field]
        raise ValidationError({field: message})


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
def network_meeting_create(
    *,
    actor,
    child,
    purpose,
    starts_at,
    place,
    tovholder,
    title="",
    minutes_need_confirmation=False,
):
    """A network meeting around one child, called by staff around the child (enrolment or the
    social-work side). The tovholder and the caller are on the participant list from the start.
    With `minutes_need_confirmation`, everyone present confirms the minutes before approval."""
    child_require(actor, child, "plan_network_meeting")
    _same_municipality(child.municipality_id, tovholder)
    if not (purpose or "").strip():
        raise ValidationError({"purpose": _("Write the purpose of the meeting.")})
    if starts_at < timezone.now() - timedelta(days=1):
        raise ValidationError({"day": _("The meeting cannot be in the past.")})
    meeting = Meeting.objects.create(
        municipality_id=child.municipality_id,
        child=child,
        title=title or _("Network meeting about %(name)s") % {"name": child.first_name},
        purpose=purpose.strip(),
        starts_at=starts_at,
        place=place,
        tovholder=tovholder,
        chair=actor,
        created_by=actor,
        minutes_need_confirmation=minutes_need_confirmation,
    )
    _staff_participant(meeting, tovholder, _("Tovholder"))
    _staff_participant(meeting, actor)
    timeline_add(
        child=child,
        kind=TimelineKind.MEETING,
        data_kind=DataKind.MINUTES,
        actor=actor,
        text=_("Network meeting planned for %(date)s, tovholder %(name)s")
        % {"date": _day(starts_at), "name": tovholder.get_full_name()},
        source_type=MEETING_SOURCE,
        source_id=meeting.pk,
    )
    _log(actor, Action.CREATE, meeting, meeting=meeting, purpose=_("Plan network meeting"))
    return meeting


def _day(moment):
    return date_format(timezone.localtime(moment), "d.m.Y H:i")


@transaction.atomic
def meeting_hand_over(*, actor, meeting, tovholder):
    """A new tovholder; there is never a moment with none. A forum meeting's is one of the
    forum's members."""
    meeting_require(actor, meeting, "hand_over")
    _same_municipality(meeting.municipality_id, tovholder)
    if meeting.forum_id:
        _check_forum_member(meeting.forum, tovholder, "tovholder")
    row_lock(meeting)
    if meeting.tovholder_id == tovholder.pk:
        return meeting  # handed over a moment ago (a double click): once in the log
    meeting.tovholder = tovholder
    meeting.save(update_fields=["tovholder"])
    _absent_if_added_after_approval(meeting, _staff_participant(meeting, tovholder, _("Tovholder")))
    _log(actor, Action.CHANGE, meeting, meeting=meeting, purpose=_("New tovholder"))
    return meeting


# --- Participants, consent and invitations --------------------------------------------------


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


def staff_participant_users(meeting):
    return [
        p.user
        for p in meeting.participants.filter(kind=ParticipantKind.STAFF).select_related("user")
    ]


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


def consent_problem(meeting):
    """Why invitations may not go out yet (None when they may)."""
    if not meeting.is_network:
        return None
    consent = meeting.consent
    if consent is None:
        return _("Record the parents' consent to the purpose and the participants first.")
    consent = Consent.objects.prefetch_related("recipient_people").get(pk=consent.pk)
    if consent.status == ConsentStatus.AWAITING_GUARDIAN:
        return _("The parents have not yet confirmed the consent.")
    if consent.status == ConsentStatus.REFUSED:
        return _("The parents refused consent. The meeting cannot be held on this basis.")
    if consent.status == ConsentStatus.WITHDRAWN:
        return _("The parents withdrew their consent. Talk with them before inviting anyone.")
    if consent.valid_until < timezone.localdate(meeting.starts_at):
        return _("The consent expires before the meeting. Record a new consent.")
    covered = {u.pk for u in consent.recipient_people.all()}
    missing = [u.get_full_name() for u in staff_participant_users(meeting) if u.pk not in covered]
    if missing:
        return _(
            "The consent does not cover %(names)s. The parents must consent to every participant:"
            " record a new consent."
        ) % {"names": ", ".join(missing)}
    # The consent names the people on the list when it was recorded: a parent, the child or an
    # external person added later is not covered either.
    later = meeting.participants.filter(added_at__gt=consent.recorded_at)
    if later.exists():
        return _(
            "Some participants were added after the parents' consent: %(names)s. The parents"
            " must consent to every participant: record a new consent."
        ) % {"names": ", ".join(p.name for p in later)}
    return None


@transaction.atomic
def meeting_invite(*, actor, meeting, base_url):
    """Invite everyone not invited yet. The e-mails go from a worker after the commit and carry
    a link only — nothing about the child or the purpose."""
    meeting_require(actor, meeting, "manage")
    problem = consent_problem(meeting)
    if problem:
        raise ValidationError(problem)
    now = timezone.now()
    count = meeting.participants.filter(invited_at__isnull=True).update(invited_at=now)
    _log(actor, Action.CHANGE, meeting, meeting=meeting, purpose=_("Send invitations"))
    enqueue_on_commit(SEND_INVITATIONS_TASK, meeting.pk, base_url)
    return count


class InvitationsIncomplete(Exception):
    """Some invitations could not be sent; they stay unsent for the next try."""


def invitations_send(*, meeting_id, base_url):
    """Send each invitation once, however often this runs. Each participant's row is locked
    while their e-mail goes (a parallel run skips it) and is marked sent only after a successful
    send; a failure leaves that one unsent for the retry and does not stop the others."""
    from django.core.mail import send_mail
    from django.urls import reverse

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    link = base_url.rstrip("/") + reverse("meetings:meeting_detail", args=[meeting.pk])
    sent, failed = 0, 0
    pending = (
        meeting.participants.filter(invited_at__isnull=False, invitation_sent_at__isnull=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    for participant_pk in list(pending):
        try:
            with transaction.atomic():
                participant = (
                    Participant.objects.select_for_update(skip_locked=True)
                    .filter(pk=participant_pk, invitation_sent_at__isnull=True)
                    .first()
                )
                if participant is None:
                    continue
                send_mail(
                    _("Invitation to a meeting"),
                    _(
                        "You are invited to a meeting on %(date)s.\n\n"
                        "Log in to Trivsel+ to see the invitation:\n%(link)s\n"
                    )
                    % {"date": _day(meeting.starts_at), "link": link},
                    None,
                    [participant.email],
                )
                participant.invitation_sent_at = timezone.now()
                participant.save(update_fields=["invitation_sent_at"])
        except Exception:
            logger.exception("Invitation to participant %s not sent", participant_pk)
            failed += 1
        else:
            sent += 1
    if failed:
        raise InvitationsIncomplete(f"{failed} not sent, {sent} sent")
    return sent


# --- Agenda -------------------------------------------------------------------------------------

CPR_LIKE = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")


def _theme_warnings(meeting, text):
    warnings = []
    if CPR_LIKE.search(text):
        warnings.append(_("The text contains something that looks like a CPR number."))
    words = set(re.findall(r"\b[A-ZÆØÅ][\wæøåÆØÅ-]+", text))
    if words:
        named = Child.objects.filter(
            municipality_id=meeting.municipality_id,
            first_name__in=words,
            last_name__in=words,
        ).exists()
        if named:
            warnings.append(_("The text contains the name of a child."))
    return warnings


def _has_open_authority_case(child):
    today = timezone.localdate()
    return Involvement.objects.filter(
        Q(end__isnull=True) | Q(end__gte=today),
        child=child,
        person__staff_profile__roles__overlap=list(SOCIAL_WORK_ROLES),
    ).exists()


def _covers(consent, member):
    """Does the consent name this member as a recipient: by name, by unit, or by a role within a
    named unit? A role alone names nobody (cases.access gives it nothing either)."""
    if member.pk in {p.pk for p in consent.recipient_people.all()}:
        return True
    profile = member.staff_profile_or_none
    if profile is None:
        return False
    unit_ids = {u.pk for u in consent.recipient_units.all()}
    in_unit = bool(unit_ids & {u.pk for u in profile.units.all()})
    if consent.recipient_roles:
        return in_unit and bool(set(consent.recipient_roles) & set(profile.roles))
    return in_unit


# What a forum consent covers: discussing the child's basic situation in the forum.
FORUM_CONSENT_KINDS = [DataKind.BASIC]


@transaction.atomic
def forum_consent_record(
    *,
    actor,
    forum,
    child,
    guardian,
    valid_until,
    purpose="",
    paper=True,
    paper_date=None,
    refused=False,
):
    """The parents' consent to discussing their child in this forum, naming its members. Staff
    around the child record it (enrolment or statutory, as in cases); it is then a basis for
    this forum's agenda and for no other meeting."""
    if not forum.takes_named_children:
        raise ValidationError(_("This forum discusses general topics only, never a named child."))
    if child.municipality_id != forum.municipality_id:
        raise ValidationError(_("Only children of the forum's municipality."))
    child_require(actor, child, "record_consent")
    members = list(forum.members.filter(is_active=True))
    if not members:
        raise ValidationError(_("The forum has no members to consent to yet."))
    text = _("Discussing the child in %(forum)s (members: %(names)s).") % {
        "forum": forum.name,
        "names": ", ".join(m.get_full_name() or m.username for m in members),
    }
    if (purpose or "").strip():
        text = f"{text} {purpose.strip()}"
    consent = consent_record(
        actor=actor,
        child=child,
        guardian=guardian,
        kinds=FORUM_CONSENT_KINDS,
        people=members,
        purpose=text,
        valid_from=timezone.localdate(),
        valid_until=valid_until,
        paper=paper,
        paper_date=paper_date,
        refused=refused,
    )
    ForumConsent.objects.create(forum=forum, consent=consent)
    return consent


def _forum_consents(forum, child, day):
    """Consents given for discussing the child in this forum, valid on the day. A network
    meeting's or a handover's consent is for its own purpose and recipients, never this."""
    return (
        Consent.objects.filter(
            child=child,
            status=ConsentStatus.GIVEN,
            valid_from__lte=day,
            valid_until__gte=day,
            forum_link__forum=forum,
            handover__isnull=True,
        )
        .exclude(pk__in=Meeting.objects.filter(consent__isnull=False).values("consent_id"))
        .prefetch_related("recipient_units", "recipient_people")
        .order_by("-recorded_at")
    )


def agenda_basis(meeting, child):
    """The consent or the one-meeting exchange that lets this meeting's forum discuss the
    child, or a ValidationError with the reason."""
    if child.municipality_id != meeting.municipality_id:
        raise ValidationError(_("Only children of the meeting's municipality."))
    forum = meeting.forum
    if not forum.takes_named_children:
        raise ValidationError(
            _(
                "This forum discusses general topics only, never a named child. Write the item as a"
                " general theme."
            )
        )
    if forum.kind == ForumKind.CROSS_DISCIPLINARY and _has_open_authority_case(child):
        raise ValidationError(
            _(
                "This child cannot be taken up in the cross-disciplinary team. Talk with your"
                " leader about the right way forward."
            )
        )
    members = list(forum.members.filter(is_active=True).prefetch_related("staff_profile__units"))
    day = timezone.localdate(meeting.starts_at)
    for consent in _forum_consents(forum, child, day):
        if all(_covers(consent, m) for m in members):
            return {"consent": consent}
    exchanges = (
        ExchangeGrant.objects.filter(child=child)
        .filter(Q(meeting_date=day) | Q(follow_up_date=day))
        .prefetch_related("participants")
    )
    for exchange in exchanges:
        if {m.pk for m in members} <= {p.pk for p in exchange.participants.all()}:
            return {"exchange": exchange}
    raise ValidationError(
        _(
            "There is no basis for discussing this child in the forum: the parents' consent must"
            " name the forum's members, or record an exchange without consent for this meeting's"
            " day."
        )
    )


@transaction.atomic
def agenda_item_add(
    *,
    actor,
    meeting,
    kind,
    title,
    description="",
    child=None,
    group=None,
    confirmed=False,
):
    """An item on a forum meeting's agenda, by someone who may submit to the forum; an item about
    a named child also needs the submitter's own basis for the child, and the forum's basis for
    discussing it (agenda_basis). After the deadline only the organisers add items."""
    if meeting.forum_id is None:
        raise ValidationError(_("A network meeting's agenda is its purpose."))
    can = meeting_require(actor, meeting, "submit_agenda_item")
    deadline = timezone.localdate(meeting.starts_at) - timedelta(
        days=meeting.forum.agenda_deadline_days
    )
    if timezone.localdate() > deadline and not can.submit_late:
        raise ValidationError(
            _(
                "The deadline for this meeting's agenda was %(date)s. Ask the leader, or choose a"
                " later meeting."
            )
            % {"date": deadline.strftime("%d.%m.%Y")}
        )
    basis = {}
    if kind == AgendaKind.CHILD:
        if child is None:
            raise ValidationError({"child": _("Choose the child.")})
        child_require(actor, child, "open_page")
        basis = agenda_basis(meeting, child)
        group = None
    elif kind == AgendaKind.CLASS:
        if (
            group is None
            or not Group.objects.filter(
                pk=group.pk, unit__municipality_id=meeting.municipality_id
            ).exists()
        ):
            raise ValidationError({"group": _("Choose the class or group.")})
        child = None
    elif kind == AgendaKind.THEME:
        child = group = None
        warnings = _theme_warnings(meeting, f"{title}\n{description}")
        if warnings and not confirmed:
            raise NeedsConfirmation(warnings)
    else:
        raise ValidationError({"kind": _("Choose what the item is about.")})
    item = AgendaItem.objects.create(
        meeting=meeting,
        kind=kind,
        child=child,
        group=group,
        title=title.strip(),
        description=description.strip(),
        submitted_by=actor,
        **basis,
    )
    if child is not None:
        timeline_add(
            child=child,
            kind=TimelineKind.MEETING,
            data_kind=DataKind.BASIC,
            actor=actor,
            text=_("On the agenda of %(forum)s on %(date)s")
            % {"forum": meeting.forum.name, "date": _day(meeting.starts_at)},
            source_type=MEETING_SOURCE,
            source_id=meeting.pk,
        )
        _log(actor, Action.CREATE, item, meeting=meeting, item=item, purpose=_("Agenda item"))
    return item


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


def approval_problems(minutes, *, participants=None):
    """Everything that stops approval, as clear sentences. `participants` may come with their
    `confirmation` of these minutes already read (selectors.confirmations_overview)."""
    problems = []
    meeting = minutes.meeting
    if meeting.tovholder_id is None or not meeting.tovholder.is_active:
        problems.append(_("The meeting has no active tovholder. Hand the role over first."))
    elif (
        meeting.forum_id
        and not meeting.forum.members.filter(pk=meeting.tovholder_id, is_active=True).exists()
    ):
        # A meeting planned before the rule, or a tovholder who has left the forum since.
        problems.append(
            _(
                "The tovholder is not one of the forum's members. Hand the role over to a member"
                " first."
            )
        )
    if meeting.minutes_need_confirmation:
        problems += confirmation_problems(minutes, participants=participants)
    for item in minutes.action_items.all():
        missing = []
        if not item.owner_id and not item.owner_name:
            missing.append(_("who"))
        if item.due_date is None:
            missing.append(_("by when"))
        if missing:
            problems.append(
                _("The action “%(what)s” lacks %(missing)s.")
                % {"what": item.what, "missing": _(" and ").join(str(m) for m in missing)}
            )
    # The parents' copy also shows the meeting's title and purpose and why it was corrected.
    header, words = minutes.colour_words_for_parents()
    if header:
        problems.append(
            _(
                "The minutes use colour words (%(words)s) in the title, purpose or reason for the"
                " correction, which the parents read. Describe the concern in plain words."
            )
            % {"words": ", ".join(header)}
        )
    if words:
        problems.append(
            _(
                "The minutes use colour words (%(words)s) in text the parents read. Describe the"
                " concern in plain words; internal notes are the only place for them."
            )
            % {"words": ", ".join(words)}
        )
    return problems


# --- Attendance and confirmations ---------------------------------------------------------------


def confirmation_problems(minutes, *, participants=None):
    """Why the minutes of a meeting that needs confirmation are not confirmed yet: attendance
    not recorded, or people present who have not confirmed this version. Names only of people on
    the meeting's own list."""
    if participants is None:
        participants = list(Participant.objects.filter(meeting_id=minutes.meeting_id))
        confirmed = set(
            MinutesConfirmation.objects.filter(minutes_id=minutes.pk).values_list(
                "participant_id", flat=True
            )
        )
    else:
        confirmed = {p.pk for p in participants if p.confirmation is not None}
    problems = []
    unrecorded = [p.name for p in participants if p.present is None]
    if unrecorded:
        problems.append(
            _("Record who was present at the meeting. Not recorded yet: %(names)s.")
            % {"names": ", ".join(unrecorded)}
        )
    elif not any(p.present for p in participants):
        problems.append(_("Nobody is recorded as present at the meeting."))
    missing = [p.name for p in participants if p.present and p.pk not in confirmed]
    if missing:
        problems.append(
            _(
                "Everyone present must confirm the minutes before they are approved. Not"
                " confirmed yet: %(names)s."
            )
            % {"names": ", ".join(missing)}
        )
    return problems


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


# Apps above meetings (referrals: the minutes of a dialogue-based notification *are* the
# notification) react to an approval here, inside its transaction, without meetings importing
# them (DESIGN.md §2). Each hook is called as hook(actor=…, minutes=…).
_minutes_approved_hooks = []


def minutes_approved_hook_register(hook):
    if hook not in _minutes_approved_hooks:
        _minutes_approved_hooks.append(hook)


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
    for hook in _minutes_approved_hooks:
        hook(actor=actor, minutes=minutes)
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
    Decision.objects.bulk_create(
        Decision(
            minutes=draft,
            text=d.text,
            reason=d.reason,
            parents_informed_at=d.parents_informed_at,
            parents_informed_by_id=d.parents_informed_by_id,
        )
        for d in minutes.decisions.all()
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            minutes=draft,
            what=a.what,
            owner_id=a.owner_id,
            owner_name=a.owner_name,
            due_date=a.due_date,
            status=a.status,
            task_id=a.task_id,
        )
        for a in minutes.action_items.all()
    )
    return draft


# --- PDF jobs -----------------------------------------------------------------------------------


# A rendered PDF is personal data in the database: it is kept only long enough to be fetched.
PDF_JOB_KEEP = timedelta(days=1)


@transaction.atomic
def pdf_job_create(*, actor, minutes, variant):
    # Rendered for the requester: she reads these minutes (a draft only as its organiser).
    can = meeting_require(actor, minutes.meeting_id, "read_minutes")
    if minutes.status == MinutesStatus.DRAFT and not can.read_drafts:
        raise PermissionDenied
    PdfJob.objects.filter(created_at__lt=timezone.now() - PDF_JOB_KEEP).delete()
    job = PdfJob.objects.create(minutes=minutes, variant=variant, requested_by=actor)
    enqueue_on_commit(RENDER_PDF_TASK, job.pk)
    return job


def pdf_job_run(*, job_id):
    """Render a queued job, moving its status along so the requester sees real progress."""
    from .pdf import render_minutes_pdf

    claimed = PdfJob.objects.filter(pk=job_id, status=PdfJobStatus.QUEUED).update(
        status=PdfJobStatus.LAYOUT, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = PdfJob.objects.select_related("minutes", "requested_by").get(pk=job_id)

    def writing(pages):
        PdfJob.objects.filter(pk=job_id).update(status=PdfJobStatus.WRITING, pages=pages)

    try:
        pdf, pages = render_minutes_pdf(
            job.minutes_id, variant=job.variant, user=job.requested_by, on_layout=writing
        )
    except Exception:
        PdfJob.objects.filter(pk=job_id).update(
            status=PdfJobStatus.FAILED, finished_at=timezone.now()
        )
        raise
    PdfJob.objects.filter(pk=job_id).update(
        status=PdfJobStatus.DONE, pdf=pdf, pages=pages, finished_at=timezone.now()
    )
    return job_id


# --- Work the workers have not taken ------------------------------------------------------------

# Work handed to the workers (trivsel/jobs.py) that none has taken after this is handed over
# again: the broker was away, or the message was lost.
JOB_RESEND_AFTER = timedelta(minutes=1)
# A PDF job started longer ago than this lost its worker (killed in the middle): back in line.
PDF_JOB_LEASE = timedelta(minutes=10)
# Invitations are handed over again for this long; after that the tovholder sees them unsent.
INVITATION_RESEND_FOR = timedelta(days=2)


def jobs_resend(*, now=None):
    """Beat's sweep: hand queued PDF jobs and unsent invitations to the workers again. Safe to
    run as often as wanted: a PDF job is claimed by one worker (pdf_job_run), an invitation is
    sent once (invitations_send). Returns (PDF jobs, meetings) handed over."""
    now = now or timezone.now()
    PdfJob.objects.filter(
        status__in=[PdfJobStatus.LAYOUT, PdfJobStatus.WRITING], started_at__lt=now - PDF_JOB_LEASE
    ).update(status=PdfJobStatus.QUEUED)
    jobs = list(
        PdfJob.objects.filter(
            status=PdfJobStatus.QUEUED, created_at__lt=now - JOB_RESEND_AFTER
        ).values_list("pk", flat=True)
    )
    meetings = list(
        Participant.objects.filter(
            invitation_sent_at__isnull=True,
            invited_at__lt=now - JOB_RESEND_AFTER,
            invited_at__gte=now - INVITATION_RESEND_FOR,
        )
        .exclude(email="")
        .order_by("meeting_id")
        .values_list("meeting_id", flat=True)
        .distinct()
    )
    for job_id in jobs:
        enqueue(RENDER_PDF_TASK, job_id)
    for meeting_id in meetings:
        enqueue(SEND_INVITATIONS_TASK, meeting_id, settings.SITE_URL)
    return len(jobs), len(meetings)
