"""The four statutory clocks of a notification reach the caseworker (or a teamleder while
unassigned) through the platform's reminder sweep, each on its own: once, ahead of its own
deadline, escalated on its own, and without anything about the child."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from referrals import services
from referrals.models import Underretning
from tests import factories as f
from trivsel.notifications.models import Notification as InApp
from trivsel.notifications.services import email_outbox_drain, reminders_sweep
from trivsel.organisation.models import Role

pytestmark = pytest.mark.django_db

CLOCKS = [
    "referrals.assessment",
    "referrals.receipt",
    "referrals.review",
    "referrals.investigation",
]


def send(intake):
    return services.underretning_submit(
        actor=intake.teacher,
        category="neglect",
        text="Alma Hansen er ofte alene.",
        child=intake.child,
        unit=intake.school,
    )


def sweep(now, *kinds):
    return reminders_sweep(now=now, kinds=list(kinds) or CLOCKS)


def reminded(kind, recipient=None, stage=None):
    found = InApp.objects.filter(kind=kind)
    if recipient is not None:
        found = found.filter(recipient=recipient)
    if stage is not None:
        found = found.filter(stage=stage)
    return found.exists()


@pytest.fixture
def head(intake):
    """The intake's leader: the department head the statutory clocks escalate to."""
    return f.StaffFactory(
        user=f.UserFactory(username="dorte", municipality=intake.solby, first_name="Dorte"),
        roles=[Role.LEADER],
        units=[intake.intake_unit],
    ).user


def test_an_unassigned_notification_reminds_the_team_leader_once(intake):
    n = send(intake)
    later = timezone.now() + timedelta(hours=20)
    assert sweep(later, "referrals.assessment")["notified"] == 1
    assert sweep(later, "referrals.assessment")["notified"] == 0
    reminder = InApp.objects.get(kind="referrals.assessment")
    assert reminder.recipient == intake.team_leader
    assert reminder.link == f"/underretninger/{n.pk}/"
    email_outbox_drain(now=later)
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "Alma" not in body and "alene" not in body


def test_an_unassigned_notification_escalates_to_the_head_of_the_intake(intake, head):
    n = send(intake)
    # Past the 24 hours and the two hours' grace, still nobody assigned.
    sweep(n.assessment_due_at + timedelta(hours=3), "referrals.assessment")
    assert reminded("referrals.assessment", intake.team_leader)
    assert reminded("referrals.assessment", head, stage="escalation")


def test_each_clock_is_reminded_on_its_own_with_the_caseworker(intake):
    n = send(intake)
    services.underretning_assess(actor=intake.social_worker, underretning=n, triage="advice")
    n.refresh_from_db()
    # Assessed: the receipt is reminded two days before its own deadline, to the caseworker.
    sweep(n.receipt_due_at - timedelta(days=3))
    assert not reminded("referrals.receipt")
    sweep(n.receipt_due_at - timedelta(days=1))
    assert reminded("referrals.receipt", intake.social_worker)
    assert not reminded("referrals.assessment")


def test_a_receipt_never_sent_and_a_review_never_ticked_do_not_silence_the_4_month_deadline(
    intake, head
):
    n = send(intake)
    services.underretning_assess(
        actor=intake.social_worker, underretning=n, triage="investigation", outcome="investigation"
    )
    n.refresh_from_db()
    assert n.receipt_sent_at is None and n.review_done_at is None
    sweep(n.investigation_due_at - timedelta(days=10))
    for kind in CLOCKS[1:]:
        assert reminded(kind, intake.social_worker), kind
    sweep(n.investigation_due_at + timedelta(days=2))
    assert reminded("referrals.investigation", head, stage="escalation")


def test_closing_the_notification_keeps_the_investigation_and_the_receipt_running(intake):
    n = send(intake)
    services.underretning_assess(
        actor=intake.social_worker, underretning=n, triage="investigation", outcome="investigation"
    )
    services.underretning_mark(actor=intake.social_worker, underretning=n, step="close")
    n = Underretning.objects.get(pk=n.pk)
    assert [c.name for c in n.clocks() if c.open] == ["receipt", "investigation"]
    sweep(n.investigation_due_at - timedelta(days=1))
    assert reminded("referrals.investigation", intake.social_worker)
    assert reminded("referrals.receipt", intake.social_worker)
    assert not reminded("referrals.review")
    # Finishing the investigation after the close stops its clock.
    services.underretning_mark(actor=intake.social_worker, underretning=n, step="investigation")
    n.refresh_from_db()
    assert n.investigation_finished_at and n.next_deadline == n.receipt_due_at


def test_an_overdue_review_warns_the_department_head(intake, head):
    n = send(intake)
    services.underretning_assign(
        actor=intake.team_leader, underretning=n, caseworker=intake.social_worker
    )
    n.refresh_from_db()
    sweep(n.review_due_at + timedelta(days=2), "referrals.review")
    assert reminded("referrals.review", intake.social_worker)
    assert reminded("referrals.review", head, stage="escalation")
    assert not reminded("referrals.review", intake.team_leader, stage="escalation")


def test_an_anonymous_notification_has_no_receipt_clock(intake):
    n = services.underretning_submit_public(
        municipality=intake.solby,
        client="test",
        anonymous=True,
        category="neglect",
        text="Et barn græder meget.",
        child_name="Et barn",
    )
    assert n.receipt_due_at is None
    assert [c.name for c in n.clocks()] == ["assessment", "review"]
