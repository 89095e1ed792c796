"""A task only the log-masking test's worker knows (it starts the worker with --include): it
logs and fails on a CPR number, as a task given one in a bad row might."""

from celery import shared_task
from celery.utils.log import get_task_logger

log = get_task_logger(__name__)


@shared_task(name="tests.security.fail_on_a_cpr_number")
def fail_on_a_cpr_number(cpr):
    log.warning("Looking for the child with CPR %s", cpr)
    raise LookupError(f"No child with CPR {cpr}")
