"""Forums and meetings: which ones a user may see, what they may do with one
(meetings.capabilities), and the logged fetch of one."""

from dataclasses import replace
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.capabilities import WRITER_BASES
from cases.models import DataKind
from cases.selectors import (
    child_bases_for,
    child_capabilities,
    child_get_for,
    child_list_visible_to,
)
from trivsel.audit.models import Action, Basis
from trivsel.audit.services import (
    access_log_record,
    access_log_record_many,
    get_or_refuse,
    refuse,
)
from trivsel.organisation.selectors import leads_unit

from ..capabilities import NO_ACCESS, ORGANISER, PARENT, PARTICIPANT, MeetingCapabilities
from ..models import (
    AgendaItem,
    Forum,
    Meeting,
    Minutes,
    MinutesStatus,
    ParticipantKind,
)
from .topics import (
    MEETING_SOURCE,
    _profile,
    log_topic,
    meetings_the_family_takes_part_in,
    with_topic_facts,
)


def is_forum_leader(user, forum):
    return leads_unit(user, forum.unit_id)


def forum_list_visible_to(user):
    """Forums of the user's municipality that they are a member of, or that belong to one of
    their units (the unit's staff submit agenda items)."""
    profile = _profile(user)
    if profile is None:
        return Forum.objects.none()
    return Forum.objects.filter(
        Q(members=user) | Q(unit__in=profile.units.all()),
        municipality_id=user.municipality_id,
    ).distinct()


def forum_get_for(user, pk, *, purpose=""):
    return get_or_refuse(
        forum_list_visible_to(user).select_related("unit"), pk, actor=user, purpose=purpose
    )


def next_meeting_day(forum):
    """The forum's cadence after its latest meeting (or a week from today): a suggestion only."""
    latest = forum.meetings.order_by("-starts_at").values_list("starts_at", flat=True).first()
    if latest is None:
        return timezone.localdate() + timezone.timedelta(days=7)
    return max(
        timezone.localdate(latest) + timezone.timedelta(days=forum.cadence_days),
        timezone.localdate(),
    )


def _organiser_q(user):
    return Q(tovholder=user) | Q(chair=user) | Q(created_by=user)


def meeting_list_visible_to(user, *, access=None):
    """Meetings the user may open, as one query. A network meeting also needs a basis for its
    child: minutes-kind access (the parents' consent, statutory, the guardian's own), or — for
    the organisers setting it up — the enrolment or statutory basis they create it on.
    `access`: the user's ChildAccess (cases.selectors), if the page has read one — the same
    children, given as ids rather than as the grants' subqueries."""
    if not user.is_authenticated or user.municipality_id is None:
        return Meeting.objects.none()

    def child_visible(**kwargs):
        if access is not None:
            return access.visible("child_id", **kwargs)
        return Q(child__in=child_list_visible_to(user, **kwargs))

    meetings = Meeting.objects.filter(municipality_id=user.municipality_id)
    if _profile(user) is None:
        # A guardian (or a young person): the network meetings about their own children (about
        # themself) that they take part in. A meeting about the child without them — its purpose
        # may be a concern about the home — is not theirs to see.
        return meetings.filter(
            child_visible(kind=DataKind.MINUTES, bases=[Basis.GUARDIAN, Basis.YOUNG_PERSON]),
            pk__in=meetings_the_family_takes_part_in(user),
        )
    involved = (
        _organiser_q(user)
        | Q(participants__user=user)
        | Q(forum__in=forum_list_visible_to(user).values("pk"))
    )
    child_ok = (
        Q(child__isnull=True)
        | child_visible(kind=DataKind.MINUTES)
        | (_organiser_q(user) & child_visible(kind=DataKind.BASIC, bases=WRITER_BASES))
    )
    ids = meetings.filter(involved).values("pk")
    return Meeting.objects.filter(child_ok, pk__in=ids)


def _is_organiser(user, meeting):
    return user.pk in (meeting.tovholder_id, meeting.chair_id, meeting.created_by_id) or (
        meeting.forum_id is not None and is_forum_leader(user, meeting.forum)
    )


def meeting_capabilities(user, meeting, *, child_can=None, may_open=None):
    """What `user` may do with `meeting` (meetings.capabilities), decided here once:
    meeting_get_for hands it out as `meeting.can`, and every write service asks it again through
    meeting_require, so a page and a service cannot disagree. `may_open` and `child_can` (the
    user's capabilities on a network meeting's child, cases.capabilities) may come from a fetch
    that has asked already.

    Someone who may not open the meeting may do nothing with it — but put the child's guardians on
    a network meeting's list where they are on it themselves with a writer basis for the child
    (the teacher who starts a dialogue-based notification, before the parents' consent lets her
    open the meeting)."""
    if not user.is_authenticated or meeting.municipality_id != user.municipality_id:
        return NO_ACCESS
    if may_open is None:
        may_open = meeting_list_visible_to(user).filter(pk=meeting.pk).exists()
    organiser = may_open and _is_organiser(user, meeting)
    if meeting.child_id:
        if child_can is None:
            child_can = child_capabilities(user, meeting.child_id)
        plans = child_can.plan_network_meeting
        # Asked only where it decides something (add_parents).
        on_list = (
            plans
            and not organiser
            and meeting.participants.filter(user=user, kind=ParticipantKind.STAFF).exists()
        )
        if not may_open:
            return replace(NO_ACCESS, plans_for_child=plans, on_list=on_list)
        read_minutes = DataKind.MINUTES in child_can.kinds
        records_consent = child_can.record_consent
        # The young person reads what is meant for the family: the parents' copy.
        parent = child_can.is_family
    else:
        if not may_open:
            return NO_ACCESS
        plans = records_consent = on_list = parent = False
        read_minutes = _may_read_forum_minutes(user, meeting, organiser=organiser)
    if parent:
        viewer = PARENT
    elif organiser:
        viewer = ORGANISER
    else:
        viewer = PARTICIPANT
    return MeetingCapabilities(
        viewer=viewer,
        read_minutes=read_minutes,
        is_forum=meeting.forum_id is not None,
        is_tovholder=user.pk == meeting.tovholder_id,
        plans_for_child=plans,
        records_consent_for_child=records_consent,
        on_list=on_list,
    )


def meeting_require(user, meeting, need):
    """A service's own check that the user may do `need` (a meetings.capabilities property) with
    the meeting (or the meeting of that id): no write relies on a view having asked. The meeting
    is read again, as its tovholder may have been handed over since the page was shown. Returns
    the capabilities."""
    meeting = Meeting.objects.select_related("forum").get(pk=getattr(meeting, "pk", meeting))
    can = meeting_capabilities(user, meeting)
    if not can.may(need):
        raise PermissionDenied
    return can


def meeting_get_for(user, pk, *, purpose, need=None):
    """The meeting, if the user may open it (and, with `need`, may do that with it: a
    meetings.capabilities property); otherwise 404 (logged). Carries `can`, what the user may do
    with it (meeting_capabilities), and, for a network meeting, the fetched `child` with its basis.
    The look is logged with the meeting's topic (log_topic)."""
    meeting = get_or_refuse(
        with_topic_facts(meeting_list_visible_to(user)).select_related(
            "forum__unit", "child", "tovholder", "chair", "municipality"
        ),
        pk,
        actor=user,
        purpose=purpose,
    )
    child_can = None
    if meeting.child_id:
        child_can = child_capabilities(user, meeting.child_id)
        read_minutes = DataKind.MINUTES in child_can.kinds
        kind, bases = (DataKind.MINUTES, None) if read_minutes else (DataKind.BASIC, WRITER_BASES)
        meeting.child = child_get_for(
            user,
            meeting.child_id,
            kind=kind,
            bases=bases,
            purpose=purpose,
            topic=log_topic(meeting).topic,
        )
        child_can = meeting.child.can
    else:
        access_log_record(
            actor=user,
            action=Action.READ,
            basis=Basis.ADMINISTRATION,
            obj=meeting,
            purpose=purpose,
        )
    meeting.can = meeting_capabilities(user, meeting, child_can=child_can, may_open=True)
    if need is not None and not meeting.can.may(need):
        refuse(actor=user, what=MEETING_SOURCE, pk=pk, purpose=purpose)
    return meeting


def _may_read_forum_minutes(user, meeting, *, organiser):
    """Reading (and so writing and printing) a forum meeting's minutes: its organisers, its
    members and its participants — each only with a basis of their own for every child on its
    agenda. The minutes' sections (what goes well, the challenges, the decisions…) are about the
    whole meeting and cannot be cut per child, so one child the reader has no basis for closes
    the minutes to them (404, logged) rather than showing them with that child left out. The
    unit's other staff see the meeting only to put items on its agenda."""
    involved = (
        organiser
        or meeting.forum.members.filter(pk=user.pk).exists()
        or meeting.participants.filter(user=user).exists()
    )
    if not involved:
        return False
    return not (
        meeting.agenda_items.filter(child__isnull=False)
        .exclude(child__in=child_list_visible_to(user))
        .exists()
    )


def forum_minutes_children_logged(user, minutes, *, action, purpose):
    """Log a look at (or an export of) a forum meeting's minutes once per child on its agenda,
    so each child's parents see it in their access log. The basis is the user's own where they
    have one, else the agenda item's (the forum's consent or the one-meeting exchange)."""
    items = [
        i
        for i in AgendaItem.objects.filter(meeting_id=minutes.meeting_id, child__isnull=False)
        .select_related("meeting")
        .only("child_id", "consent_id", "exchange_id", "meeting__starts_at")
        .order_by("pk")
    ]
    if not items:
        return False
    own = child_bases_for(user, list({i.child_id for i in items}))
    looks = {}
    for item in items:
        fallback = Basis.CONSENT if item.consent_id else Basis.MEETING_EXCHANGE
        looks.setdefault(
            item.child_id, (own.get(item.child_id, fallback), log_topic(item.meeting, item=item))
        )
    _log_many_by_topic(
        user,
        action,
        [(minutes, child_id, basis, topic) for child_id, (basis, topic) in looks.items()],
        purpose=purpose,
    )
    return True


def _log_many_by_topic(user, action, looks, *, purpose):
    """access_log_record_many for looks of (object, child id, basis, LogTopic): one insert per
    topic and not-before."""
    by_topic = {}
    for obj, child_id, basis, topic in looks:
        by_topic.setdefault(topic, []).append((obj, child_id, basis))
    for topic, rows in by_topic.items():
        access_log_record_many(
            actor=user,
            action=action,
            looks=rows,
            purpose=purpose,
            topic=topic.topic,
            guardian_not_before=topic.not_before,
        )


def upcoming_meetings_for(user, *, forum=None, limit=50):
    meetings = with_topic_facts(meeting_list_visible_to(user)).filter(
        starts_at__gte=timezone.now() - HELD_AFTER
    )
    if forum is not None:
        meetings = meetings.filter(forum=forum)
    return meetings.select_related("forum", "child", "tovholder").order_by("starts_at")[:limit]


# A meeting stays among the upcoming ones for half a day after it starts; after that it is held.
HELD_AFTER = timedelta(hours=12)


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def past_meetings_for(user, *, forum_id=None, since=None, until=None):
    """The held meetings the user may open (meeting_list_visible_to: nothing more), newest first,
    optionally of one forum and between two days (both included). Each carries `approved` (an
    approved version of its minutes exists) and `has_draft`, for its minutes' state (the
    template's minutes_state)."""
    meetings = with_topic_facts(meeting_list_visible_to(user)).filter(
        starts_at__lt=timezone.now() - HELD_AFTER
    )
    if forum_id is not None:
        meetings = meetings.filter(forum_id=forum_id)
    if since is not None:
        meetings = meetings.filter(starts_at__gte=_day_start(since))
    if until is not None:
        meetings = meetings.filter(starts_at__lt=_day_start(until + timedelta(days=1)))
    return (
        meetings.annotate(
            has_draft=Exists(
                Minutes.objects.filter(meeting_id=OuterRef("pk"), status=MinutesStatus.DRAFT)
            )
        )
        .select_related("forum", "child", "tovholder")
        .order_by("-starts_at", "-pk")
    )


def meeting_children_logged(user, meetings, *, purpose):
    """Log the look at the children named on a list of network meetings, each with its basis:
    minutes-kind where the user has it, else the organiser's own basis."""
    network = [m for m in meetings if m.child_id]
    if not network:
        return
    children = list({m.child_id for m in network})
    bases = child_bases_for(user, children, kind=DataKind.MINUTES)
    missing = [pk for pk in children if pk not in bases]
    if missing:
        bases.update(child_bases_for(user, missing, kind=DataKind.BASIC))
    # One look per child and topic: two meetings about one child, one with the parents and one
    # without, are two different things for the parents' log.
    looks = {
        (m.child_id, log_topic(m)): (
            m.child,
            m.child_id,
            bases.get(m.child_id, Basis.ADMINISTRATION),
        )
        for m in network
    }
    _log_many_by_topic(
        user,
        Action.READ,
        [(*look, topic) for (_pk, topic), look in looks.items()],
        purpose=purpose,
    )
