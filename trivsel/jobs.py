"""Handing work to the Celery workers without making Redis a single point of failure
(DESIGN.md §4). The work is always a row in the database first, written in the caller's
transaction (a queued PDF job, an invitation marked to send, an e-mail on the outbox); the task
only says "there is work". So the hand-over is tried once, after commit, with a short timeout,
and a broker that does not answer costs the request nothing: beat's sweeps find the rows and
hand them over again."""

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def enqueue(task_name, *args):
    """Send the task by name now; False (and a warning in the log) if the broker is away."""
    timeout = settings.REDIS_TIMEOUT_SECONDS
    options = {
        **(current_app.conf.broker_transport_options or {}),
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        # One attempt: kombu would otherwise retry the connection for seconds.
        "max_retries": 1,
        "interval_start": 0,
        "connect_retries_timeout": timeout,
    }
    try:
        with current_app.connection_for_write(
            connect_timeout=timeout, transport_options=options
        ) as connection:
            current_app.send_task(task_name, args=args, connection=connection, retry=False)
    except (OperationalError, RedisError, OSError) as error:
        log.warning("Broker unavailable, %s left for beat: %s", task_name, type(error).__name__)
        return False
    return True


def enqueue_on_commit(task_name, *args):
    """Hand the task over once the caller's transaction has committed (never for work that
    was rolled back)."""
    transaction.on_commit(lambda: enqueue(task_name, *args))
