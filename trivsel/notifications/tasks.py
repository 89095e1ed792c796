from celery import shared_task

from .services import (
    digests_build,
    email_outbox_drain,
    job_heartbeat_record,
    password_reset_mails_send,
    reminders_sweep,
)


@shared_task(name="trivsel.notifications.tasks.heartbeat")
def heartbeat():
    job_heartbeat_record(name="heartbeat")


@shared_task(name="trivsel.notifications.tasks.reminders_sweep")
def reminders_sweep_task():
    totals = reminders_sweep()
    job_heartbeat_record(name="reminders")
    return dict(totals)


@shared_task(name="trivsel.notifications.tasks.email_outbox_drain")
def email_outbox_drain_task():
    # Also on beat: e-mails whose back-off has passed, or whose worker died, are sent from here.
    return email_outbox_drain()


@shared_task(name="trivsel.notifications.tasks.daily_digest")
def daily_digest_task():
    return digests_build()


@shared_task(name="trivsel.notifications.tasks.password_reset_mails_send")
def password_reset_mails_send_task():
    # Also on beat: requests the broker did not take, or whose mail failed, are sent from here.
    return password_reset_mails_send()
