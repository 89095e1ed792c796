from celery import shared_task

from .lockout import login_failures_prune


@shared_task(name="trivsel.organisation.tasks.login_failures_prune")
def login_failures_prune_task():
    return login_failures_prune()
