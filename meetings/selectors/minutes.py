"""A meeting's participants, agenda and minutes, and the confirmations of those present."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from cases.models import TaskStatus
from cases.selectors import (
    child_bases_for,
    child_list_visible_to,
)
from trivsel.audit.models import Action
from trivsel.audit.services import (
    get_or_refuse,
    refuse,
)

from ..models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaKind,
    Minutes,
    MinutesConfirmation,
    MinutesStatus,
    Participant,
)
from .meetings import _log_many_by_topic, forum_minutes_children_logged, meeting_get_for
from .topics import MEETING_SOURCE, log_topic


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


def _minutes_to_show(pk, meeting, decisions):
    """The version with what its page shows, after the access check on `meeting`."""
    minutes = (
        Minutes.objects.select_related("approved_by", "updated_by", "previous")
        .prefetch_related(
            decisions, Prefetch("action_items", ActionItem.objects.select_related("owner", "task"))
        )
        .get(pk=pk)
    )
    minutes.meeting = meeting
    return minutes


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
    minutes = _minutes_to_show(minutes.pk, meeting, "decisions__parents_informed_by")
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
    minutes = _minutes_to_show(minutes.pk, meeting, "decisions")
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
