"""Writes of notifications, dialogue-based notifications, referrals and consultations, one
module per route a concern takes. Each service enforces its rules, keeps the queue's next
deadline, and writes audit entries.

    intake          the classic notification: a professional's, or one written down by the
                    intake; matched to a child, assigned, assessed, its steps recorded
    public          a citizen's notification from the public page
    receipts        the receipt to the notifier and the professional's feedback (§ 137)
    child_voice     whether and how the child was heard, and the bisidder (§§ 5–6)
    dialogue        the dialogue-based notification and its meeting
    referrals       referrals to other units, made with the parents' consent
    consultations   anonymous consultations
    common          what they share: the log entry, the intake's cache, the timeline

Code imports from the module (`from referrals.services.intake import underretning_assess`).
The names are also here, so `from referrals import services; services.underretning_assess(…)`
in the tests keeps working; nothing is defined here."""

from .child_voice import child_voice_record
from .consultations import consultation_record
from .dialogue import (
    DIALOGUE_INVITE_TASK,
    dialogue_invite,
    dialogue_invite_parents,
    dialogue_meeting_held,
    dialogue_meetings_sweep,
    dialogue_start,
    minutes_approved,
)
from .intake import (
    underretning_assess,
    underretning_assign,
    underretning_mark,
    underretning_match_child,
    underretning_record,
    underretning_submit,
)
from .public import underretning_submit_public
from .receipts import underretning_send_feedback, underretning_send_receipt
from .referrals import REFERRAL_CONSENT_DAYS, referral_answer, referral_create, referral_purpose

__all__ = [
    "DIALOGUE_INVITE_TASK",
    "REFERRAL_CONSENT_DAYS",
    "child_voice_record",
    "consultation_record",
    "dialogue_invite",
    "dialogue_invite_parents",
    "dialogue_meeting_held",
    "dialogue_meetings_sweep",
    "dialogue_start",
    "minutes_approved",
    "referral_answer",
    "referral_create",
    "referral_purpose",
    "underretning_assess",
    "underretning_assign",
    "underretning_mark",
    "underretning_match_child",
    "underretning_record",
    "underretning_send_feedback",
    "underretning_send_receipt",
    "underretning_submit",
    "underretning_submit_public",
]
