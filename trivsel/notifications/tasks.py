from celery import shared_task

from .services import job_heartbeat_record


@shared_task(name="trivsel.notifications.tasks.heartbeat")
def heartbeat():
    job_heartbeat_record(name="heartbeat")
