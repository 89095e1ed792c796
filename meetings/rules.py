"""The read-only checks the services and the pages share: may the invitations go out
(consent_problem), what lets a forum discuss a child (agenda_basis), what stops an approval
(approval_problems, confirmation_problems). They write nothing; a service calls them under its
locks and raises, a page shows their answer before the user tries."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ChildHeard, Consent, ConsentStatus, ExchangeGrant, Involvement
from trivsel.organisation.models import SOCIAL_WORK_ROLES

from .models import ForumKind, Meeting, MinutesConfirmation, Participant
from .selectors import staff_participant_users


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
    if minutes.child_heard and not minutes.child_heard_note.strip():
        # Barnets lov § 5: an answer carries how the child was heard, or why not.
        problems.append(
            _("Write why the child was not heard.")
            if minutes.child_heard == ChildHeard.NOT_HEARD
            else _("Write how the child was heard.")
        )
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
