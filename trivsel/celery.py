import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trivsel.settings")

app = Celery("trivsel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def mask_cpr_in_the_workers_log(logger, **kwargs):
    # Celery replaces the root logger's handlers (Django's, which mask CPR numbers) with its
    # own, and gives the task loggers handlers of their own: a task that fails on a CPR number
    # would print it in the worker's log. Its handlers get the same mask.
    from trivsel.audit.logging import mask_cpr_on

    mask_cpr_on(logger)
