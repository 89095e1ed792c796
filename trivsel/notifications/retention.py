"""How long queued e-mails are kept (trivsel.retention; README "Sletning og opbevaring")."""

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from trivsel.retention.registry import RecordType, retention_record_types

from .models import OutgoingEmail


def expired_emails(*, municipality_id, before, held):
    # An e-mail to an address (a notifier's receipt, an invitation) belongs to no municipality:
    # those are asked for with municipality_id=None and go by the default period.
    whose = (
        Q(recipient__isnull=True)
        if municipality_id is None
        else Q(recipient__municipality_id=municipality_id)
    )
    return (
        OutgoingEmail.objects.filter(whose)
        .annotate(retention_event=Coalesce("sent_at", "failed_at"))
        .filter(retention_event__lt=before)
    )


RECORD_TYPES = [
    RecordType(
        key="notifications.email",
        label=_("E-mails queued to be sent"),
        event=_("after they were sent or given up"),
        default_months=1,
        expired=expired_emails,
        order=110,
        without_municipality=True,
    ),
]

for record_type in RECORD_TYPES:
    retention_record_types.add(record_type)
