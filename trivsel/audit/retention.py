"""How long the access log is kept (trivsel.retention; README "Sletning og opbevaring")."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from trivsel.retention.registry import RecordType, retention_record_types

from .models import AccessLogEntry


def expired_log_entries(*, municipality_id, before, held):
    return (
        # Entries of no municipality (a refused look without a login) go by the default period.
        AccessLogEntry.objects.filter(municipality_id=municipality_id, at__lt=before)
        .exclude(child_id__in=held)
        .annotate(retention_event=F("at"))
    )


RECORD_TYPES = [
    RecordType(
        key="audit.access_log",
        label=_("The access log (who looked at what, and why)"),
        event=_("after the look-up"),
        default_months=60,
        expired=expired_log_entries,
        order=100,
        without_municipality=True,
    ),
]

for record_type in RECORD_TYPES:
    retention_record_types.add(record_type)
