from celery import shared_task

from trivsel.notifications.services import job_heartbeat_record

from .counting import figures_refresh


@shared_task(name="trivsel.figures.tasks.figures_refresh")
def figures_refresh_task():
    counts = figures_refresh()
    job_heartbeat_record(name="figures")
    return counts
