"""A young person of 16 logs in with their own login, finds their page on Mit overblik, gives
the consent that waits for them and writes their own words in their plan. Every page on the way
is checked with axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Consent, ConsentStatus, DataKind
from tests.cases.test_young_person import make_young_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_young_person_answers_their_consent_and_writes_their_own_words(
    world, log_in, axe_violations
):
    child, _own, _parent = make_young_person(world, age_years=16)
    today = timezone.localdate()
    services.forlob_open(
        actor=world.teacher,
        child=child,
        title="Fremmøde",
        tovholder=world.teacher,
        review_date=today + timedelta(days=60),
    )
    services.consent_record(
        actor=world.teacher,
        child=child,
        given_by_child=True,
        kinds=[DataKind.BASIC],
        units=[world.kindergarten],
        purpose="Råd fra børnehavens leder",
        valid_from=today,
        valid_until=today + timedelta(days=30),
        paper=False,
    )

    young = log_in("emil")
    assert young.get_by_role("heading", name="Din side (1)").is_visible()
    assert axe_violations(young) == []
    young.get_by_role("link", name="Emil Berg").first.click()
    assert young.locator("h1").inner_text() == "Emil Berg"
    assert axe_violations(young) == []

    young.get_by_role("button", name="Giv samtykke").click()
    young.get_by_text("Tak. Dit samtykke er givet.").wait_for()
    assert Consent.objects.get().status == ConsentStatus.GIVEN

    young.get_by_role("link", name="Skriv dine egne ord i planen").click()
    assert axe_violations(young) == []
    young.get_by_label("Med dine egne ord").fill("Jeg vil gerne i skole, men morgenerne er svære.")
    young.get_by_role("button", name="Gem mine ord").click()
    young.get_by_text("Dine egne ord er gemt i planen.").wait_for()
    assert young.get_by_text("Jeg vil gerne i skole, men morgenerne er svære.").is_visible()
    assert axe_violations(young) == []
