"""How long meetings and their minutes are kept (trivsel.retention)."""

from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from trivsel.retention.registry import (
    RecordType,
    retention_record_types,
    without_protected_references,
)

from .models import AgendaItem, Meeting


def expired_meetings(*, municipality_id, before, held):
    """Meetings held before `before`, with their agenda, participants and every version of the
    minutes. A forum meeting with a held child on its agenda is kept whole."""
    held_on_agenda = AgendaItem.objects.filter(meeting=OuterRef("pk"), child_id__in=held)
    rows = (
        Meeting.objects.filter(municipality_id=municipality_id, starts_at__lt=before)
        .exclude(child_id__in=held)
        .exclude(Exists(held_on_agenda))
    )
    return without_protected_references(rows).annotate(retention_event=F("starts_at"))


RECORD_TYPES = [
    RecordType(
        key="meetings.meeting",
        label=_("Meetings and minutes"),
        event=_("after the meeting was held"),
        default_months=60,
        expired=expired_meetings,
        order=40,
    ),
]

for record_type in RECORD_TYPES:
    retention_record_types.add(record_type)
