from celery import shared_task

from .services import retention_sweep


@shared_task(name="trivsel.retention.tasks.retention_sweep")
def retention_sweep_task():
    # Each municipality's run is a RetentionRun row (shown on /opbevaring/), not a heartbeat:
    # /drift/ calls a job late after three heartbeats, and this one runs once a night.
    removed = retention_sweep()
    return {str(key): count for key, count in removed.items()}
