"""Reads for meetings. A network meeting is data about its child: it is read through the cases
selectors (kind: minutes), so the bases, the 404 for missing and forbidden alike and the access
log are the same as everywhere else. Being on a participant list grants nothing by itself."""

from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Cast
from django.utils import timezone

from cases.access import day_after
from cases.capabilities import WRITER_BASES
from cases.models import Child, DataKind, TaskStatus, TimelineKind
from cases.selectors import (
    child_bases_for,
    child_capabilities,
    child_get_for,
    child_list_visible_to,
)
from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import (
    access_log_record,
    access_log_record_many,
    get_or_refuse,
    refuse,
)
from trivsel.organisation.selectors import leads_unit, staff_choices

from .capabilities import NO_ACCESS, ORGANISER, PARENT, PARTICIPANT, MeetingCapabilities
from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaKind,
    Forum,
    Meeting,
    Minutes,
    MinutesConfirmation,
    MinutesStatus,
    Participant,
    ParticipantKind,
    PdfJob,
)

# The timeline entries (cases) about a meeting name it with this source type, the tasks (cases)
# for the action items of its minutes theirs with this one.
MEETING_SOURCE = "meetings.meeting"
ACTION_SOURCE = "meetings.action"


def _profile(user):
    return user.staff_profile_or_none if user.is_authenticated else None


def meetings_a_guardian_takes_part_in(user):
    """The meetings this guardian takes part in: those with a parent row naming them. Matched
    through their guardian record, so a login that came after they were put on the list counts
    too. The one rule for what a guardian sees of meetings: the meeting itself, its minutes, its
    entries on the child's timeline."""
    return Participant.objects.filter(kind=ParticipantKind.PARENT, guardian__user=user).values(
        "meeting_id"
    )


def _parents_take_part():
    return Exists(
        Participant.objects.filter(meeting_id=OuterRef("pk"), kind=ParticipantKind.PARENT)
    )


def _minutes_approved():
    return Exists(
        Minutes.objects.filter(meeting_id=OuterRef("pk")).exclude(status=MinutesStatus.DRAFT)
    )


def with_topic_facts(meetings):
    """Annotate a queryset of meetings with what log_topic needs, in the same query."""
    return meetings.annotate(parents_take_part=_parents_take_part(), approved=_minutes_approved())


class LogTopic(NamedTuple):
    """What a look is about (trivsel.audit Topic), and when the guardians may see it at the
    earliest (`guardian_not_before` of the access log), for every log call of the meetings app."""

    topic: str
    not_before: datetime | None = None


def log_topic(meeting, *, item=None, fresh=False):
    """What a look at a meeting (or at a child on a forum meeting's agenda, `item`) is about, for
    the child's guardians' view of the access log — an allow-list (trivsel.audit.rules). Decided
    here, once, for every log call of the meetings app:

    - a child on a forum's agenda is discussed under the forum consent the parents gave
      (CONSENT), or under the one-meeting exchange (EXCHANGE, which they see once it is over:
      not before the midnight after the meeting's day, however early the item was added or the
      agenda read — the same for a look on the exchange basis under a consent item);
    - a network meeting whose minutes everyone present must confirm is a dialogue-based
      notification: the social-work side's (SOCIAL_WORK, never shown) until its minutes are
      approved — before that, a parent may not have been told (DOMAIN.md §5, exception path);
    - a network meeting the child's guardians take part in (a parent on the list): MEETING;
    - any other network meeting is internal: its parents are not on the list, and its purpose may
      be about them (a leader's concern for the home).

    `meeting` carries `parents_take_part` and `approved` when fetched through with_topic_facts;
    otherwise (or `fresh`, after a change) they are read here. Returns a LogTopic."""
    if item is not None and item.child_id:
        # The audit rules apply the not-before only to what concerns the exchange.
        return LogTopic(
            Topic.CONSENT if item.consent_id else Topic.EXCHANGE,
            day_after(timezone.localdate(meeting.starts_at)),
        )
    if not meeting.child_id:
        return LogTopic(Topic.INTERNAL)
    approved = None if fresh else getattr(meeting, "approved", None)
    if approved is None:
        approved = meeting.minutes.exclude(status=MinutesStatus.DRAFT).exists()
    if meeting.minutes_need_confirmation and not approved:
        return LogTopic(Topic.SOCIAL_WORK)
    parents = None if fresh else getattr(meeting, "parents_take_part", None)
    if parents is None:
        parents = meeting.participants.filter(kind=ParticipantKind.PARENT).exists()
    return LogTopic(Topic.MEETING if parents else Topic.INTERNAL)


def _meetings_about_the_child_seen_by(user, child, *, for_guardian):
    """The meetings about `child` (a network meeting, or a forum agenda item) this user may open,
    as a subquery of their ids as text: a guardian, the meetings they take part in; staff, what
    meeting_list_visible_to gives them."""
    if for_guardian:
        seen = Participant.objects.filter(
            kind=ParticipantKind.PARENT, guardian__user=user, meeting__child=child
        ).values("meeting_id")
    else:
        seen = (
            meeting_list_visible_to(user)
            .filter(Q(child=child) | Q(agenda_items__child=child))
            .values("pk")
        )
    return Meeting.objects.filter(pk__in=seen).annotate(id_text=Cast("pk", CharField()))


def timeline_hidden_from(user, child, *, for_guardian):
    """The cases timeline rule of meetings: an entry about a meeting — and the entry of a task for
    an action item of its minutes ("Task for …: …") — shows only to those who may open that
    meeting (a consent to one network meeting does not tell its holder of another). Meeting entries
    from before entries named their meeting show to no one here."""
    seen = _meetings_about_the_child_seen_by(user, child, for_guardian=for_guardian)
    about_a_meeting = Q(kind=TimelineKind.MEETING) | Q(
        kind=TimelineKind.TASK, source_type=MEETING_SOURCE
    )
    return about_a_meeting & ~Q(source_type=MEETING_SOURCE, source_id__in=seen.values("id_text"))


def tasks_hidden_from(user, child):
    """The cases task rule of meetings: the task for an action item of a meeting's minutes shows
    on the child's page only to those who may open the meeting, like the minutes it comes from."""
    seen = _meetings_about_the_child_seen_by(user, child, for_guardian=False)
    tasks_seen = ActionItem.objects.filter(
        minutes__meeting__in=seen.values("pk"), task__isnull=False
    ).values("task_id")
    return Q(source_type=ACTION_SOURCE) & ~Q(pk__in=tasks_seen)


def consents_hidden_from(user, child, *, for_guardian):
    """The cases consent rule of meetings: a network meeting's consent names its purpose and
    participants, so it is listed only to those who may open the meeting — and to the guardian
    who gave it."""
    seen = _meetings_about_the_child_seen_by(user, child, for_guardian=for_guardian)
    hidden = Q(
        pk__in=Meeting.objects.filter(child=child, consent__isnull=False)
        .exclude(pk__in=seen.values("pk"))
        .values("consent_id")
    )
    # A guardian always sees a consent given in her own name: to answer or withdraw it.
    return hidden & ~Q(guardian__user=user) if for_guardian else hidden


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


def meeting_list_visible_to(user):
    """Meetings the user may open, as one query. A network meeting also needs a basis for its
    child: minutes-kind access (the parents' consent, statutory, the guardian's own), or — for
    the organisers setting it up — the enrolment or statutory basis they create it on."""
    if not user.is_authenticated or user.municipality_id is None:
        return Meeting.objects.none()
    meetings = Meeting.objects.filter(municipality_id=user.municipality_id)
    if _profile(user) is None:
        # A guardian: the network meetings about their own children that they take part in. A
        # meeting about the child without them — its purpose may be a concern about the home — is
        # not theirs to see.
        return meetings.filter(
            child__in=child_list_visible_to(user, kind=DataKind.MINUTES, bases=[Basis.GUARDIAN]),
            pk__in=meetings_a_guardian_takes_part_in(user),
        )
    involved = (
        _organiser_q(user)
        | Q(participants__user=user)
        | Q(forum__in=forum_list_visible_to(user).values("pk"))
    )
    child_ok = (
        Q(child__isnull=True)
        | Q(child__in=child_list_visible_to(user, kind=DataKind.MINUTES))
        | (
            _organiser_q(user)
            & Q(child__in=child_list_visible_to(user, kind=DataKind.BASIC, bases=WRITER_BASES))
        )
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
        parent = child_can.is_guardian
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
        starts_at__gte=timezone.now() - timezone.timedelta(hours=12)
    )
    if forum is not None:
        meetings = meetings.filter(forum=forum)
    return meetings.select_related("forum", "child", "tovholder").order_by("starts_at")[:limit]


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


def participants_of(meeting):
    return list(meeting.participants.select_related("user", "guardian"))


def agenda_for(user, meeting, *, purpose):
    """The agenda items the user may see, and how many about children they have no basis for."""
    items = list(meeting.agenda_items.select_related("child", "group__unit", "submitted_by"))
    child_ids = {i.child_id for i in items if i.child_id}
    visible = set()
    if child_ids:
        visible = child_bases_for(user, list(child_ids))
        looks = {
            i.child_id: (i.child, i.child_id, visible[i.child_id], log_topic(meeting, item=i))
            for i in items
            if i.child_id in visible
        }
        _log_many_by_topic(user, Action.READ, list(looks.values()), purpose=purpose)
    shown = [i for i in items if i.kind != AgendaKind.CHILD or i.child_id in visible]
    return shown, len(items) - len(shown)


def carried_over_actions(meeting, *, user):
    """Open action items from the approved minutes of the forum's earlier meetings: they stay on
    every next agenda until they are done. They are part of those minutes: an action from a
    meeting with a child on its agenda the user has no basis for is left out (one query)."""
    if not meeting.forum_id:
        return []
    actions = ActionItem.objects.filter(
        minutes__meeting__forum_id=meeting.forum_id,
        minutes__status=MinutesStatus.APPROVED,
        minutes__meeting__starts_at__lt=meeting.starts_at,
    ).filter(Q(task__status=TaskStatus.OPEN) | Q(task__isnull=True, status=ActionStatus.OPEN))
    if user is not None:
        no_basis = AgendaItem.objects.filter(
            meeting_id=OuterRef("minutes__meeting_id"), child__isnull=False
        ).exclude(child__in=child_list_visible_to(user))
        actions = actions.exclude(Exists(no_basis))
    return list(
        actions.select_related("owner", "task", "minutes__meeting").order_by("due_date", "pk")
    )


def minutes_versions(meeting):
    return list(meeting.minutes.select_related("approved_by", "updated_by").order_by("-number"))


def minutes_get_for(user, pk, *, purpose):
    """A version of the minutes through its meeting's access rules. Parents see only approved
    versions (and only the parents' copy, which the views enforce)."""
    minutes = get_or_refuse(
        Minutes.objects.only("pk", "meeting_id", "status"), pk, actor=user, purpose=purpose
    )
    meeting = meeting_get_for(user, minutes.meeting_id, purpose=purpose)
    # A draft is the organisers' working copy: participants and parents read approved versions.
    if not meeting.can.read_minutes or (
        minutes.status == MinutesStatus.DRAFT and not meeting.can.read_drafts
    ):
        refuse(actor=user, what=MEETING_SOURCE, pk=meeting.pk, purpose=purpose)
    minutes = (
        Minutes.objects.select_related("approved_by", "updated_by", "previous")
        .prefetch_related(
            "decisions__parents_informed_by",
            Prefetch("action_items", ActionItem.objects.select_related("owner", "task")),
        )
        .get(pk=minutes.pk)
    )
    minutes.meeting = meeting
    if meeting.forum_id:
        forum_minutes_children_logged(user, minutes, action=Action.READ, purpose=purpose)
    return minutes


def minutes_confirmation_get_for(user, pk, *, purpose):
    """A version of the minutes of a meeting that needs confirmation, for its organisers and the
    participants recorded as present (the draft too: they read what they confirm). Anyone else
    (those recorded absent or not yet recorded included) gets the same 404 as for minutes that
    do not exist. A parent's draft carries `held_from_parents` while it still has colour words
    (DOMAIN.md §12): the page then shows neither the text nor the confirm button."""
    minutes = get_or_refuse(
        Minutes.objects.only("pk", "meeting_id"), pk, actor=user, purpose=purpose
    )
    meeting = meeting_get_for(user, minutes.meeting_id, purpose=purpose)
    present = (
        meeting.can.is_organiser
        or meeting.participants.filter(Q(user=user) | Q(guardian__user=user), present=True).exists()
    )
    if not (meeting.minutes_need_confirmation and meeting.can.read_minutes and present):
        refuse(actor=user, what=MEETING_SOURCE, pk=meeting.pk, purpose=purpose)
    minutes = (
        Minutes.objects.select_related("approved_by", "updated_by", "previous")
        .prefetch_related(
            "decisions",
            Prefetch("action_items", ActionItem.objects.select_related("owner", "task")),
        )
        .get(pk=minutes.pk)
    )
    minutes.meeting = meeting
    minutes.held_from_parents = (
        meeting.can.is_parent
        and minutes.status == MinutesStatus.DRAFT
        and any(minutes.colour_words_for_parents())
    )
    if meeting.forum_id:
        forum_minutes_children_logged(user, minutes, action=Action.READ, purpose=purpose)
    return minutes


def confirmations_overview(user, minutes):
    """Who was present and who has confirmed this version, for the minutes pages: each
    participant carries `confirmation` (or None); `me` is the user's own row on the list."""
    participants = list(
        Participant.objects.filter(meeting_id=minutes.meeting_id).select_related("guardian")
    )
    confirmations = {
        c.participant_id: c for c in MinutesConfirmation.objects.filter(minutes_id=minutes.pk)
    }
    for participant in participants:
        participant.confirmation = confirmations.get(participant.pk)
    return {
        "participants": participants,
        "present": [p for p in participants if p.present],
        "attendance_recorded": all(p.present is not None for p in participants),
        "me": next(
            (
                p
                for p in participants
                if p.user_id == user.pk or (p.guardian_id and p.guardian.user_id == user.pk)
            ),
            None,
        ),
    }


def draft_to_confirm(user, meeting):
    """The pk of the draft a participant recorded as present is asked to confirm, or None."""
    if not meeting.minutes_need_confirmation or not meeting.can.read_minutes:
        return None
    # One participant row: the user's own, or their guardian row's (a parent who got a login
    # after being put on the list), and recorded present. One filter() call, so one join.
    return (
        Minutes.objects.filter(
            Q(meeting__participants__user=user) | Q(meeting__participants__guardian__user=user),
            meeting=meeting,
            status=MinutesStatus.DRAFT,
            meeting__participants__present=True,
        )
        .values_list("pk", flat=True)
        .first()
    )


def draft_for_editor(user, meeting, *, purpose):
    """The open draft of a meeting already fetched (and logged) by meeting_get_for, or None."""
    draft = (
        Minutes.objects.filter(meeting=meeting, status=MinutesStatus.DRAFT)
        .select_related("approved_by", "updated_by", "previous")
        .prefetch_related(
            "decisions__parents_informed_by",
            Prefetch("action_items", ActionItem.objects.select_related("owner", "task")),
        )
        .first()
    )
    if draft is not None:
        draft.meeting = meeting
        if meeting.forum_id:
            forum_minutes_children_logged(user, draft, action=Action.READ, purpose=purpose)
    return draft


def forum_member_choices(forum):
    """Who may be a forum meeting's tovholder or chair: the forum's active members."""
    return forum.members.filter(is_active=True).order_by("first_name", "last_name")


def tovholder_choices(user, meeting):
    """Who the tovholder role may be handed to: a forum's members, or for a network meeting the
    staff of the municipality."""
    if meeting.forum_id:
        return forum_member_choices(meeting.forum)
    return staff_choices(user)


def _choosable(children, limit):
    # A choice list that still validates with .get(): the first `limit` by name, by subquery.
    first = children.order_by("first_name", "last_name").values("pk")[:limit]
    return Child.objects.filter(pk__in=first).order_by("first_name", "last_name")


def children_for_network_meeting(user, limit=500):
    """Children the user may call a network meeting about: by enrolment or statutory basis."""
    return _choosable(child_list_visible_to(user, bases=WRITER_BASES), limit)


def child_list_for_agenda(user, limit=500):
    return _choosable(child_list_visible_to(user), limit)


def pdf_job_get_for(user, pk, *, purpose=""):
    """One of the user's own PDF jobs; anyone else's is a logged refusal."""
    return get_or_refuse(
        PdfJob.objects.select_related("minutes").filter(requested_by=user),
        pk,
        actor=user,
        purpose=purpose,
    )


def pdf_context(minutes_pk, *, variant, user=None):
    """Everything the PDF shows, in a fixed number of queries whatever the length. Agenda items
    about children `user` has no basis for are left out."""
    minutes = (
        Minutes.objects.select_related(
            "meeting__municipality",
            "meeting__forum",
            "meeting__child",
            "meeting__tovholder",
            "meeting__chair",
            "meeting__consent__guardian",
            "approved_by",
            "previous",
        )
        .prefetch_related(
            "decisions",
            Prefetch("action_items", ActionItem.objects.select_related("owner", "task")),
        )
        .get(pk=minutes_pk)
    )
    meeting = minutes.meeting
    participants = list(
        Participant.objects.filter(meeting=meeting).select_related("user", "guardian")
    )
    agenda = list(AgendaItem.objects.filter(meeting=meeting).select_related("child", "group__unit"))
    child_ids = {i.child_id for i in agenda if i.child_id}
    if child_ids and user is not None:
        visible = set(
            child_list_visible_to(user).filter(pk__in=child_ids).values_list("pk", flat=True)
        )
        agenda = [i for i in agenda if not i.child_id or i.child_id in visible]
    confirmations = []
    if meeting.minutes_need_confirmation:
        confirmations = list(
            MinutesConfirmation.objects.filter(minutes=minutes).select_related("participant")
        )
    return {
        "minutes": minutes,
        "meeting": meeting,
        "participants": participants,
        "confirmations": confirmations,
        "parents_present": _parents_present(participants),
        "agenda": agenda,
        "decisions": list(minutes.decisions.all()),
        "actions": list(minutes.action_items.all()),
        "carried_over": carried_over_actions(meeting, user=user),
        "parent_copy": variant == "parent",
    }


def _parents_present(participants):
    """The parents on the list, or only those present once attendance is recorded."""
    parents = [p for p in participants if p.kind == "parent"]
    if any(p.present is not None for p in participants):
        return [p for p in parents if p.present]
    return parents


def staff_participant_users(meeting):
    return [
        p.user
        for p in meeting.participants.filter(kind=ParticipantKind.STAFF).select_related("user")
    ]
