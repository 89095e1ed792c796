from django.db.models import F
from django.utils import timezone

from .models import JobHeartbeat


def job_heartbeat_record(*, name):
    # One upsert-like statement pair; safe when two workers run the job at the same moment.
    now = timezone.now()
    updated = JobHeartbeat.objects.filter(name=name).update(last_run_at=now, runs=F("runs") + 1)
    if not updated:
        JobHeartbeat.objects.get_or_create(name=name, defaults={"last_run_at": now, "runs": 1})
    return now
