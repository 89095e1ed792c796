"""The social-work side's figures count the municipality's notifications, and only its own."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Notifier, Route, Underretning
from tests import factories as f
from tests.figures.conftest import count_figures

URL = reverse("figures:figures")


def _table(response, key):
    return next(
        shown
        for section in response.context["sections"]
        for shown in section["tables"]
        if shown["table"].key == key
    )


@pytest.fixture
def notified(figures_world):
    world = figures_world
    received = timezone.now() - timedelta(days=3)

    def notify(municipality, kind, count, **fields):
        for _n in range(count):
            Underretning.objects.create(
                municipality=municipality,
                route=Route.CLASSIC,
                category="child_wellbeing",
                text="…",
                notifier_kind=kind,
                received_at=received,
                **fields,
            )

    notify(world.solby, Notifier.PROFESSIONAL, 7)
    notify(world.solby, Notifier.CITIZEN, 2)
    notify(world.solby, Notifier.ANONYMOUS, 6)
    notify(world.nabo_kommune, Notifier.PROFESSIONAL, 30)
    for _n in range(6):
        child = f.ChildFactory(municipality=world.solby)
        notify(world.solby, Notifier.PROFESSIONAL, 1, child=child, assigned_to=world.social_worker)
    count_figures(world)
    return world


def test_the_team_leader_sees_the_sources_with_the_small_one_hidden(notified, login):
    response = login(notified.team_leader).get(URL)
    footer = _table(response, "source")["footer"]
    # 13 professionals (7 + 6), 2 citizens (hidden), 6 anonymous; never Nabo's 30.
    assert footer[0] == "I alt"
    assert footer[2] == "skjult"
    assert footer[4] == 21
    assert sum(value == "skjult" for value in footer[1:4]) >= 2


def test_the_caseload_counts_each_caseworkers_children(notified, login):
    response = login(notified.team_leader).get(URL)
    body = _table(response, "caseload")["body"]
    assert body == [[notified.social_worker.get_full_name(), 6]]


def test_a_unit_leader_sees_only_her_units_notifications_and_no_caseload(notified, login):
    response = login(notified.leader).get(URL)
    keys = [shown["table"].key for s in response.context["sections"] for shown in s["tables"]]
    assert "route" in keys and "caseload" not in keys and "source" not in keys
    assert all(row[1:3] == [0, 0] for row in _table(response, "route")["body"])
