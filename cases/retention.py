"""How long the child's record is kept (trivsel.retention; README "Sletning og opbevaring")."""

from django.db.models import DateField, F, Q
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trivsel.retention.registry import (
    RecordType,
    retention_legal_holds,
    retention_record_types,
    without_protected_references,
)

from .insight.selectors import insight_pending_child_ids
from .models import Consent, Forlob, Handover, Task, TaskStatus


def expired_handovers(*, municipality_id, before, held):
    rows = Handover.objects.filter(
        child__municipality_id=municipality_id,
        transition_date__lt=timezone.localdate(before),
    ).exclude(child_id__in=held)
    return without_protected_references(rows).annotate(retention_event=F("transition_date"))


def expired_consents(*, municipality_id, before, held):
    # A consent ends when it is withdrawn or its period runs out (a refusal: its period too).
    ended = Coalesce(Cast("withdrawn_at", DateField()), "valid_until")
    rows = (
        Consent.objects.filter(child__municipality_id=municipality_id)
        .annotate(retention_event=ended)
        .filter(retention_event__lt=timezone.localdate(before))
        .exclude(child_id__in=held)
    )
    # A consent a handover, a referral or a meeting was made under goes with that record.
    return without_protected_references(rows)


def expired_forlob(*, municipality_id, before, held):
    return (
        Forlob.objects.filter(
            child__municipality_id=municipality_id,
            closed_at__lt=timezone.localdate(before),
        )
        .exclude(child_id__in=held)
        .annotate(retention_event=F("closed_at"))
    )


def expired_tasks(*, municipality_id, before, held):
    # Open tasks are kept; a task cancelled without a completion time counts from its creation.
    return (
        Task.objects.filter(
            owner__municipality_id=municipality_id,
            status__in=[TaskStatus.DONE, TaskStatus.CANCELLED],
        )
        .annotate(retention_event=Coalesce("completed_at", "created_at"))
        .filter(retention_event__lt=before)
        .exclude(Q(child_id__in=held))
    )


RECORD_TYPES = [
    RecordType(
        key="cases.handover",
        label=_("Handovers"),
        event=_("after the date of the transition"),
        default_months=36,
        expired=expired_handovers,
        order=30,
    ),
    RecordType(
        key="cases.consent",
        label=_("Consents"),
        event=_("after the consent ended (withdrawn or expired)"),
        default_months=60,
        expired=expired_consents,
        order=50,
    ),
    RecordType(
        key="cases.forlob",
        label=_("Forløb and plans"),
        event=_("after the forløb was closed"),
        default_months=60,
        expired=expired_forlob,
        order=60,
    ),
    RecordType(
        key="cases.task",
        label=_("Tasks"),
        event=_("after the task was done or cancelled"),
        default_months=36,
        expired=expired_tasks,
        order=70,
    ),
]

for record_type in RECORD_TYPES:
    retention_record_types.add(record_type)

# An insight request not yet answered holds everything about the child: what the answer must
# contain cannot be deleted while it is being prepared (GDPR art. 15).
retention_legal_holds.add(insight_pending_child_ids)
