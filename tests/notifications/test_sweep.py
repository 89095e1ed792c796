"""The sweep and the e-mails, in this process: claims, e-mails without content, no address,
SMTP failures with back-off, the daily digest."""

import logging
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests import factories as f
from tests.notifications.reminder_helpers import notified, task
from trivsel.notifications.models import Notification, OutgoingEmail
from trivsel.notifications.services import (
    digests_build,
    email_outbox_drain,
    notification_preference_set,
    reminders_sweep,
)


def test_it_sends_one_notification_and_one_email_however_often_it_runs(world):
    task(world)
    assert reminders_sweep()["notified"] == 1
    assert reminders_sweep()["notified"] == 0
    email_outbox_drain()
    email_outbox_drain()
    assert notified(world.paedagog).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.paedagog.email]


def test_the_email_has_a_link_and_nothing_about_the_child(world):
    task(world, title="Alma Hansen: samtale om bekymring")
    reminders_sweep()
    email_outbox_drain()
    message = mail.outbox[0]
    text = message.subject + message.body
    assert "http://127.0.0.1:8000/opgaver/" in message.body
    assert "Trivsel+" in message.subject
    for sensitive in ("Alma", "Hansen", "bekymring", world.child.cpr, world.child.cpr[:6]):
        assert sensitive not in text


def test_small_batches_give_the_same_result_in_more_statements(
    world, django_assert_max_num_queries
):
    for _ in range(25):
        task(world)
    with django_assert_max_num_queries(16):
        # cases.task: 25 rows in batches of 10 → 3 statements, and escalation one (it finds
        # nothing); each in its own transaction with its planner settings: 4 queries each.
        totals = reminders_sweep(batch_size=10, kinds={"cases.task"})
    assert totals["notified"] == 25
    assert Notification.objects.filter(recipient=world.paedagog).count() == 25


def test_a_user_without_an_email_address_gets_it_in_app_only_and_it_is_logged(world, caplog):
    world.paedagog.email = ""
    world.paedagog.save()
    task(world)
    with caplog.at_level(logging.INFO, logger="trivsel.notifications.services"):
        reminders_sweep()
    assert notified(world.paedagog).get().email_state == ""
    assert f"user ids {world.paedagog.pk}" in caplog.text
    email_outbox_drain()
    assert mail.outbox == []


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_smtp_failure_is_retried_with_back_off_and_sent_once(world, settings, time_machine):
    time_machine.move_to(timezone.now())
    task(world)
    reminders_sweep()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )

    assert email_outbox_drain() == {"sent": 0, "failed": 1}
    email = Notification.objects.get()
    assert email.email_state == "pending" and email.email_attempts == 1
    assert "ConnectionRefused" in email.email_last_error
    assert email.email_next_attempt_at >= timezone.now() + timedelta(seconds=59)

    assert email_outbox_drain() == {"sent": 0, "failed": 0}  # waiting for its back-off

    time_machine.shift(timedelta(seconds=61))
    assert email_outbox_drain() == {"sent": 0, "failed": 1}
    email.refresh_from_db()
    assert email.email_attempts == 2
    assert email.email_next_attempt_at >= timezone.now() + timedelta(seconds=119)  # doubled

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.shift(timedelta(seconds=121))
    assert email_outbox_drain() == {"sent": 1, "failed": 0}
    assert email_outbox_drain() == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email_state == "sent"


def test_it_gives_up_after_the_last_attempt_and_says_so(world, settings, time_machine, caplog):
    time_machine.move_to(timezone.now())
    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 2
    task(world)
    reminders_sweep()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    email_outbox_drain()
    time_machine.shift(timedelta(minutes=5))
    with caplog.at_level(logging.ERROR, logger="trivsel.notifications.services"):
        email_outbox_drain()
    assert Notification.objects.get().email_state == "failed"
    assert "giving up" in caplog.text
    assert notified(world.paedagog).count() == 1  # the in-app notification is still there


def test_an_email_claimed_by_a_worker_that_died_is_sent_after_the_lease(world, time_machine):
    time_machine.move_to(timezone.now())
    task(world)
    reminders_sweep()
    # A worker claimed it and was killed before sending.
    Notification.objects.update(
        email_claim_token="7c6d5d8e-0000-4000-8000-000000000000",
        email_claimed_until=timezone.now() + timedelta(minutes=5),
        email_attempts=1,
    )
    assert email_outbox_drain()["sent"] == 0
    time_machine.shift(timedelta(minutes=6))
    assert email_outbox_drain()["sent"] == 1
    assert len(mail.outbox) == 1


def test_a_digest_user_gets_one_email_a_day_and_none_per_notification(world, time_machine):
    now = timezone.now().replace(hour=10)
    time_machine.move_to(now)
    notification_preference_set(user=world.paedagog, daily_digest=True)
    task(world)
    task(world, days=1)
    reminders_sweep()
    email_outbox_drain()
    assert notified(world.paedagog).count() == 2
    assert not notified(world.paedagog).exclude(email_state="").exists()
    assert mail.outbox == []

    time_machine.move_to(now + timedelta(days=1))
    assert digests_build() == 1
    assert digests_build() == 0  # a second run adds nothing
    assert OutgoingEmail.objects.get().digest_date == timezone.localdate()
    email_outbox_drain()
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [world.paedagog.email]
    assert "2 notifikationer" in digest.body
    assert "Alma" not in digest.body
    assert "/notifikationer/" in digest.body


def test_a_missed_digest_day_is_caught_up_by_the_next_digest(world, time_machine):
    """Beat or the workers were down on the morning a digest was due: the next digest covers
    every day since the last one, once."""
    now = timezone.now().replace(hour=10)
    day = timezone.localdate(now)
    time_machine.move_to(now)
    notification_preference_set(user=world.paedagog, daily_digest=True)
    task(world)
    reminders_sweep()
    time_machine.move_to(now + timedelta(days=1))
    assert digests_build() == 1
    email_outbox_drain()
    assert f"1 notifikation {day:%d.%m.%Y}:" in mail.outbox[0].body
    task(world, title="Opfølgning på mødet")
    reminders_sweep()
    # No digest job ran on the morning of day 2; the next run is on day 3.
    time_machine.move_to(now + timedelta(days=2))
    task(world, title="Endnu en opgave")
    reminders_sweep()
    time_machine.move_to(now + timedelta(days=3))
    assert digests_build() == 1
    assert digests_build() == 0
    latest = OutgoingEmail.objects.latest("digest_date")
    assert latest.covers_from == day + timedelta(days=1)
    email_outbox_drain()
    since = day + timedelta(days=1)
    assert f"2 notifikationer siden {since:%d.%m.%Y}:" in mail.outbox[1].body
    assert len(mail.outbox) == 2


def test_no_digest_when_everything_was_read(world, time_machine):
    now = timezone.now().replace(hour=10)
    time_machine.move_to(now)
    notification_preference_set(user=world.paedagog, daily_digest=True)
    task(world)
    reminders_sweep()
    Notification.objects.update(read_at=timezone.now())
    time_machine.move_to(now + timedelta(days=1))
    assert digests_build() == 0


@pytest.mark.parametrize("batch_size", [1, 3])
def test_every_recipient_of_a_paged_source_is_reached(world, batch_size):
    owners = [
        f.StaffFactory(
            user=f.UserFactory(municipality=world.solby), units=[world.kindergarten]
        ).user
        for _ in range(5)
    ]
    for owner in owners:
        task(world, owner=owner)
    reminders_sweep(batch_size=batch_size, kinds={"cases.task"})
    assert set(Notification.objects.values_list("recipient", flat=True)) == {o.pk for o in owners}


def test_an_unexpected_error_while_sending_is_a_retry_and_does_not_stop_the_others(world):
    # An address with a line break (from an import, say) makes Django refuse the header: not an
    # SMTP error, but it must still be that one e-mail's retry, not the end of the drain.
    world.paedagog.email = "mette@solby.invalid\nBcc: someone@else.invalid"
    world.paedagog.save(update_fields=["email"])
    task(world)
    task(world, owner=world.leader)
    reminders_sweep()
    assert email_outbox_drain() == {"sent": 1, "failed": 1}
    broken = Notification.objects.get(recipient=world.paedagog)
    assert broken.email_state == "pending" and broken.email_attempts == 1
    assert "BadHeaderError" in broken.email_last_error
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.leader.email]
