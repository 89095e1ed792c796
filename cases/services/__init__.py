"""Writes to the child's record, one module per subject. Each service enforces its rules, records
timeline and audit entries, and rebuilds the child's grants in the same transaction when a source
of access changes.

The other apps import from here (`from cases.services import consent_record`); inside cases,
import from the subject's module."""

from .consent import consent_answer, consent_record, consent_withdraw
from .enrolment import (
    exchange_grant_create,
    involvement_add,
    statutory_involvement_add,
)
from .forlob import (
    PLAN_FIELDS,
    EditConflict,
    forlob_close,
    forlob_hand_over,
    forlob_open,
    forlob_own_view_write,
    forlob_plan_update,
)
from .heard import child_heard_check
from .tasks import task_complete, task_create
from .timeline import timeline_add

__all__ = [
    "PLAN_FIELDS",
    "EditConflict",
    "child_heard_check",
    "consent_answer",
    "consent_record",
    "consent_withdraw",
    "exchange_grant_create",
    "forlob_close",
    "forlob_hand_over",
    "forlob_open",
    "forlob_own_view_write",
    "forlob_plan_update",
    "involvement_add",
    "statutory_involvement_add",
    "task_complete",
    "task_create",
    "timeline_add",
]
