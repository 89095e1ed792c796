"""What a meeting tells about its child and when: the topic of its access-log entries."""

from datetime import datetime
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.access import day_after
from trivsel.audit.models import Topic

from ..models import (
    Minutes,
    MinutesStatus,
    Participant,
    ParticipantKind,
)

# The timeline entries (cases) about a meeting name it with this source type, the tasks (cases)
# for the action items of its minutes theirs with this one.
MEETING_SOURCE = "meetings.meeting"
ACTION_SOURCE = "meetings.action"


def _profile(user):
    return user.staff_profile_or_none if user.is_authenticated else None


def family_participant(user):
    """A participant row that is this user on the family's side: a parent row naming their
    guardian record (so a login that came after they were put on the list counts too), or the
    child's own row on a meeting about the young person whose own login this is."""
    return Q(kind=ParticipantKind.PARENT, guardian__user=user) | Q(
        kind=ParticipantKind.CHILD, meeting__child__user=user
    )


def meetings_the_family_takes_part_in(user):
    """The meetings this guardian — or young person — takes part in: those with their row on the
    list (family_participant). The one rule for what the family sees of meetings: the meeting
    itself, its minutes (the parents' copy), its entries on the child's timeline."""
    return Participant.objects.filter(family_participant(user)).values("meeting_id")


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
