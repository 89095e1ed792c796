"""The 3-month review (issue #16, point 3): when the investigation's 4-month deadline is at risk,
the review records it and the department head is told — once, without anything about the
child, and nobody else."""

import pytest

from referrals import services
from referrals.models import Outcome, Triage, Underretning
from tests import factories as f
from trivsel.notifications.models import Notification
from trivsel.organisation.models import Role

pytestmark = pytest.mark.django_db


def _investigated(intake):
    n = services.underretning_submit(
        actor=intake.teacher,
        category="neglect",
        text="Alma Hansen er ofte alene.",
        child=intake.child,
        unit=intake.school,
    )
    return services.underretning_assess(
        actor=intake.social_worker,
        underretning=n,
        triage=Triage.INVESTIGATION,
        outcome=Outcome.INVESTIGATION,
    )


@pytest.fixture
def head(intake):
    return f.StaffFactory(
        user=f.UserFactory(username="dorte", municipality=intake.solby, first_name="Dorte"),
        roles=[Role.LEADER],
        units=[intake.intake_unit],
    ).user


def test_the_review_at_risk_tells_the_department_head_once(intake, head, login):
    n = _investigated(intake)
    client = login(intake.social_worker)
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "4-måneders fristen for undersøgelsen er i fare" in page
    response = client.post(f"/underretninger/{n.pk}/opfoelgning/", {"review-at_risk": "on"})
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.review_done_at is not None and n.review_at_risk
    sent = Notification.objects.get(kind="referrals.review_at_risk")
    assert sent.recipient == head
    assert sent.link == f"/underretninger/{n.pk}/"
    assert "Alma" not in sent.title and "Hansen" not in sent.title
    # A second press records nothing new and tells nobody again.
    client.post(f"/underretninger/{n.pk}/opfoelgning/", {"review-at_risk": "on"})
    services.underretning_mark(
        actor=intake.team_leader, underretning=n, step="review", at_risk=True
    )
    assert Notification.objects.filter(kind="referrals.review_at_risk").count() == 1
    assert Notification.objects.count() == 1  # nobody else is told
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "4-måneders fristen for en undersøgelse i fare" in page


def test_without_a_leader_a_teamleder_is_told(intake):
    n = _investigated(intake)
    services.underretning_mark(
        actor=intake.social_worker, underretning=n, step="review", at_risk=True
    )
    assert [x.recipient for x in Notification.objects.all()] == [intake.team_leader]


def test_a_review_not_at_risk_tells_nobody(intake, head, login):
    n = _investigated(intake)
    login(intake.social_worker).post(f"/underretninger/{n.pk}/opfoelgning/", {})
    n.refresh_from_db()
    assert n.review_done_at is not None and not n.review_at_risk
    assert not Notification.objects.exists()


def test_without_an_investigation_there_is_no_risk_to_tick(intake, head, login):
    n = services.underretning_submit(
        actor=intake.teacher,
        category="neglect",
        text="Alma Hansen er ofte alene.",
        child=intake.child,
        unit=intake.school,
    )
    client = login(intake.social_worker)
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "Opfølgningen efter 3 måneder er gennemført" in page
    assert 'name="review-at_risk"' not in page
    client.post(f"/underretninger/{n.pk}/opfoelgning/", {"review-at_risk": "on"})
    n = Underretning.objects.get(pk=n.pk)
    assert n.review_done_at is not None and not n.review_at_risk
    assert not Notification.objects.exists()
