"""The notification clocks reach the caseworker (or a teamleder while unassigned) through the
platform's reminder sweep, once, without anything about the child."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from referrals import services
from trivsel.notifications.models import Notification as InApp
from trivsel.notifications.services import email_outbox_drain, reminders_sweep

pytestmark = pytest.mark.django_db


def test_an_unassigned_notification_reminds_the_team_leader_once(intake):
    n = services.underretning_submit(
        actor=intake.teacher,
        category="neglect",
        text="Alma Hansen er ofte alene.",
        child=intake.child,
        unit=intake.school,
    )
    later = timezone.now() + timedelta(hours=20)
    assert reminders_sweep(now=later, kinds=["referrals.notification"])["notified"] == 1
    assert reminders_sweep(now=later, kinds=["referrals.notification"])["notified"] == 0
    reminder = InApp.objects.get(kind="referrals.notification")
    assert reminder.recipient == intake.team_leader
    assert reminder.link == f"/underretninger/{n.pk}/"
    email_outbox_drain(now=later)
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "Alma" not in body and "alene" not in body


def test_the_assigned_caseworker_is_reminded_of_the_next_clock(intake):
    n = services.underretning_submit(
        actor=intake.teacher, category="neglect", text="-", child=intake.child, unit=intake.school
    )
    services.underretning_assess(actor=intake.social_worker, underretning=n, triage="advice")
    n.refresh_from_db()
    # Assessed: the next clock is the receipt, 6 working days on.
    assert n.next_deadline == n.receipt_due
    reminders_sweep(now=n.receipt_due - timedelta(hours=1), kinds=["referrals.notification"])
    assert InApp.objects.get(kind="referrals.notification").recipient == intake.social_worker
