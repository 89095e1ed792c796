from celery import shared_task

from trivsel.notifications.services import job_heartbeat_record

from .services import retention_sweep


@shared_task(name="trivsel.retention.tasks.retention_sweep")
def retention_sweep_task():
    removed = retention_sweep()
    job_heartbeat_record(name="retention")
    return {str(k): v for k, v in removed.items()}
