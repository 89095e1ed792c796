"""The minutes as PDF: a user's own PDF jobs and what a PDF shows."""

from django.db.models import Prefetch

from cases.selectors import (
    child_list_visible_to,
)
from trivsel.audit.services import (
    get_or_refuse,
)

from ..models import (
    ActionItem,
    AgendaItem,
    Minutes,
    MinutesConfirmation,
    Participant,
    ParticipantKind,
    PdfJob,
)
from .minutes import carried_over_actions


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
