"""What of the meetings the child's timeline, tasks and consents (cases) hide from whom:
cases asks through meetings.apps."""

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from cases.models import TimelineKind

from ..models import (
    ActionItem,
    Meeting,
    Participant,
)
from .meetings import meeting_list_visible_to
from .topics import ACTION_SOURCE, MEETING_SOURCE, family_participant


def _meetings_about_the_child_seen_by(user, child, *, for_guardian):
    """The meetings about `child` (a network meeting, or a forum agenda item) this user may open,
    as a subquery of their ids as text: a guardian, the meetings they take part in; staff, what
    meeting_list_visible_to gives them."""
    if for_guardian:
        seen = Participant.objects.filter(family_participant(user), meeting__child=child).values(
            "meeting_id"
        )
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
    # A guardian always sees a consent given in her own name, the young person one they give
    # for themself: to answer or withdraw it.
    own = Q(guardian__user=user) | Q(given_by_child=True, child__user=user)
    return hidden & ~own if for_guardian else hidden
