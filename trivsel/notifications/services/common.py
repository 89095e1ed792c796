"""What the notification services share: the hand-over of the outbox's drain to the workers and
the back-off of a failed e-mail."""

from datetime import timedelta

from trivsel.jobs import enqueue

EMAIL_DRAIN_TASK = "trivsel.notifications.tasks.email_outbox_drain"


def _enqueue_email_drain():
    # By name: the services never import the tasks module. Beat drains the outbox every minute
    # anyway, so a broker that is away loses nothing.
    enqueue(EMAIL_DRAIN_TASK)


def _backoff(attempts):
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))
