"""Writes for meetings, one module per part of a meeting's life:

    meetings        planning a forum's or a network meeting, handing the tovholder role over
    participants    the participant list, the parents' consent to a network meeting, invitations
                    (queued in the notifications outbox)
    agenda          a forum's consent to discuss a child, agenda items
    minutes         the draft, decisions and actions, approval and corrections
    confirmations   attendance and the confirmations of those present
    pdf_jobs        the minutes as PDF, rendered by a worker
    jobs            beat's sweep of PDF jobs the workers have not taken

Code imports from the module (`from meetings.services.minutes import minutes_approve`). The
names are also here, so `from meetings import services; services.minutes_approve(…)` in the
tests keeps working; nothing is defined here."""

from .agenda import (
    FORUM_CONSENT_KINDS,
    agenda_item_add,
    forum_consent_record,
)
from .common import MinutesLocked, NeedsConfirmation
from .confirmations import (
    attendance_record,
    minutes_confirm,
    minutes_confirmation_record,
)
from .jobs import JOB_RESEND_AFTER, PDF_JOB_LEASE, jobs_resend
from .meetings import forum_meeting_create, meeting_hand_over, network_meeting_create
from .minutes import (
    EditConflict,
    action_item_add,
    action_item_mark_done,
    action_item_remove,
    after_minutes_approved,
    decision_add,
    decision_mark_parents_informed,
    decision_remove,
    minutes_approve,
    minutes_new_version,
    minutes_start,
    minutes_update,
)
from .participants import (
    INVITATION_TEMPLATE,
    NETWORK_CONSENT_DAYS_AFTER,
    NETWORK_CONSENT_KINDS,
    meeting_invite,
    network_consent_record,
    participant_add,
    participant_remove,
)
from .pdf_jobs import PDF_JOB_KEEP, RENDER_PDF_TASK, pdf_job_create, pdf_job_run

__all__ = [
    "FORUM_CONSENT_KINDS",
    "INVITATION_TEMPLATE",
    "JOB_RESEND_AFTER",
    "NETWORK_CONSENT_DAYS_AFTER",
    "NETWORK_CONSENT_KINDS",
    "PDF_JOB_KEEP",
    "PDF_JOB_LEASE",
    "RENDER_PDF_TASK",
    "EditConflict",
    "MinutesLocked",
    "NeedsConfirmation",
    "action_item_add",
    "action_item_mark_done",
    "action_item_remove",
    "agenda_item_add",
    "attendance_record",
    "decision_add",
    "decision_mark_parents_informed",
    "decision_remove",
    "forum_consent_record",
    "forum_meeting_create",
    "jobs_resend",
    "meeting_hand_over",
    "meeting_invite",
    "minutes_approve",
    "after_minutes_approved",
    "minutes_confirm",
    "minutes_confirmation_record",
    "minutes_new_version",
    "minutes_start",
    "minutes_update",
    "network_consent_record",
    "network_meeting_create",
    "participant_add",
    "participant_remove",
    "pdf_job_create",
    "pdf_job_run",
]
