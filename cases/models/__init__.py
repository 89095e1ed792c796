"""The child's record: the child, family, enrolments, the involvement register, consent, forløb
with tovholder and plan, timeline and tasks, the grant tables of the access engine and transition
handovers — one module per subject, all models of the app `cases`.

Every name is re-exported here, so `from cases.models import Child` works everywhere (and Django
finds every model when it imports the app's `models`)."""

from .children import (
    AGE_OF_MAJORITY,
    Child,
    Enrolment,
    Guardian,
    Guardianship,
    Household,
)
from .consent import (
    CONSENT_KINDS,
    Consent,
    ConsentEvidence,
    ConsentStatus,
    DataKind,
    consent_default_end,
    consent_last_day,
)
from .forlob import (
    Forlob,
    LadderStep,
    SubGoal,
)
from .grants import (
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    GrantFields,
)
from .handovers import (
    Handover,
    HandoverSeasonEvaluation,
    HandoverState,
    TransitionType,
)
from .heard import (
    ChildHeard,
    ChildHeardFields,
    child_heard_required,
)
from .imports import ImportKind, ImportRun, ImportSource, ImportStatus
from .insight import (
    InsightDecision,
    InsightDecisionKind,
    InsightRequest,
    InsightStatus,
)
from .involvement import (
    EXCHANGE_FOLLOW_UP_WITHIN_DAYS,
    EXCHANGE_MAX_DAYS_AHEAD,
    EXCHANGE_YEAR_DAYS,
    EXCHANGES_PER_YEAR,
    ExchangeGrant,
    Involvement,
)
from .tasks import (
    Task,
    TaskStatus,
)
from .timeline import (
    CONSENT_SOURCE,
    TimelineEntry,
    TimelineKind,
)

__all__ = [
    "AGE_OF_MAJORITY",
    "CONSENT_KINDS",
    "CONSENT_SOURCE",
    "EXCHANGES_PER_YEAR",
    "EXCHANGE_FOLLOW_UP_WITHIN_DAYS",
    "EXCHANGE_MAX_DAYS_AHEAD",
    "EXCHANGE_YEAR_DAYS",
    "Child",
    "ChildHeard",
    "ChildHeardFields",
    "ChildGroupObjectPermission",
    "ChildUserObjectPermission",
    "Consent",
    "ConsentEvidence",
    "ConsentStatus",
    "DataKind",
    "Enrolment",
    "ExchangeGrant",
    "Forlob",
    "GrantFields",
    "Guardian",
    "Guardianship",
    "Handover",
    "HandoverSeasonEvaluation",
    "HandoverState",
    "Household",
    "InsightDecision",
    "InsightDecisionKind",
    "InsightRequest",
    "InsightStatus",
    "ImportKind",
    "ImportRun",
    "ImportSource",
    "ImportStatus",
    "Involvement",
    "LadderStep",
    "SubGoal",
    "Task",
    "TaskStatus",
    "TimelineEntry",
    "TimelineKind",
    "TransitionType",
    "child_heard_required",
    "consent_default_end",
    "consent_last_day",
]
