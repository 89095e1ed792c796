from celery import shared_task

from trivsel.notifications.services import job_heartbeat_record

from .patterns import log_alerts_raise
from .services import lookup_samples_draw


@shared_task(name="trivsel.audit.tasks.lookup_samples_draw")
def lookup_samples_draw_task():
    drawn = lookup_samples_draw()
    job_heartbeat_record(name="log-review")
    return drawn


@shared_task(name="trivsel.audit.tasks.log_alerts_raise")
def log_alerts_raise_task():
    raised = log_alerts_raise()
    job_heartbeat_record(name="log-alerts")
    return len(raised)
