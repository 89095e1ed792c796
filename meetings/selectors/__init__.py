"""Reads for meetings, one module per part of a meeting's life:

    topics      the topic of a meeting's access-log entries (what it tells about its child)
    meetings    forums and meetings a user may see, what they may do with one, the logged fetch
    minutes     participants, agenda, minutes and the confirmations of those present
    hidden      what of the meetings the child's timeline, tasks and consents hide from whom
    choices     whom and what the forms offer
    pdf         a user's own PDF jobs and what a PDF shows

A network meeting is data about its child: it is read through the cases selectors (kind:
minutes), so the bases, the 404 for missing and forbidden alike and the access log are the same
as everywhere else. Being on a participant list grants nothing by itself.

Code imports from the module (`from meetings.selectors.minutes import minutes_get_for`). The
names are also here, so `from meetings import selectors; selectors.minutes_get_for(…)` keeps
working; nothing is defined here."""

from .choices import (
    child_list_for_agenda,
    children_for_network_meeting,
    forum_member_choices,
    tovholder_choices,
)
from .hidden import (
    consents_hidden_from,
    tasks_hidden_from,
    timeline_hidden_from,
)
from .meetings import (
    forum_get_for,
    forum_list_visible_to,
    forum_minutes_children_logged,
    is_forum_leader,
    meeting_capabilities,
    meeting_children_logged,
    meeting_get_for,
    meeting_list_visible_to,
    meeting_require,
    next_meeting_day,
    past_meetings_for,
    upcoming_meetings_for,
)
from .minutes import (
    agenda_for,
    carried_over_actions,
    confirmations_overview,
    draft_for_editor,
    draft_to_confirm,
    minutes_confirmation_get_for,
    minutes_get_for,
    minutes_versions,
    participants_of,
)
from .pdf import (
    pdf_context,
    pdf_job_get_for,
    staff_participant_users,
)
from .topics import (
    ACTION_SOURCE,
    MEETING_SOURCE,
    LogTopic,
    log_topic,
    meetings_the_family_takes_part_in,
    with_topic_facts,
)

__all__ = [
    "MEETING_SOURCE",
    "ACTION_SOURCE",
    "meetings_the_family_takes_part_in",
    "with_topic_facts",
    "LogTopic",
    "log_topic",
    "is_forum_leader",
    "forum_list_visible_to",
    "forum_get_for",
    "next_meeting_day",
    "meeting_list_visible_to",
    "meeting_capabilities",
    "meeting_require",
    "meeting_get_for",
    "forum_minutes_children_logged",
    "upcoming_meetings_for",
    "past_meetings_for",
    "meeting_children_logged",
    "participants_of",
    "agenda_for",
    "carried_over_actions",
    "minutes_versions",
    "minutes_get_for",
    "minutes_confirmation_get_for",
    "confirmations_overview",
    "draft_to_confirm",
    "draft_for_editor",
    "timeline_hidden_from",
    "tasks_hidden_from",
    "consents_hidden_from",
    "forum_member_choices",
    "tovholder_choices",
    "children_for_network_meeting",
    "child_list_for_agenda",
    "pdf_job_get_for",
    "pdf_context",
    "staff_participant_users",
]
