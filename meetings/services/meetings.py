"""Planning a meeting: a forum's meeting, a network meeting around one child, and handing the
tovholder role over."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    DataKind,
    TimelineKind,
)
from cases.selectors import child_require
from cases.services import timeline_add
from trivsel.audit.models import Action
from trivsel.locking import row_lock

from ..models import (
    Meeting,
)
from ..selectors import (
    MEETING_SOURCE,
    is_forum_leader,
    meeting_require,
)
from .common import _day, _log, _same_municipality
from .participants import _absent_if_added_after_approval, _staff_participant

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
