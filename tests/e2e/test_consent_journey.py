"""Record a consent → the recipient sees the child → the consent is withdrawn → the recipient
gets 404. Every page on the way is checked with axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consent_opens_and_withdrawal_closes_the_childs_page(world, log_in, axe_violations):
    paedagog = log_in("mette")
    paedagog.get_by_role("link", name="Børn").click()
    assert axe_violations(paedagog) == []
    paedagog.get_by_role("link", name="Alma Hansen").click()
    child_url = paedagog.url
    assert paedagog.get_by_text("170521-XXXX").is_visible()
    assert axe_violations(paedagog) == []

    paedagog.get_by_role("link", name="Registrér samtykke").click()
    # DKFDS draws its own boxes: a user clicks the label.
    paedagog.get_by_text("Stamdata", exact=True).click()
    paedagog.get_by_text("Åskolen", exact=True).click()
    paedagog.get_by_label("Formål").fill("Overlevering til skolestart")
    until = (timezone.localdate() + timedelta(days=60)).strftime("%d.%m.%Y")
    paedagog.get_by_label("Gyldig til").fill(until)
    paedagog.get_by_label("Dato på papirsamtykket").fill(timezone.localdate().strftime("%d.%m.%Y"))
    assert axe_violations(paedagog) == []
    paedagog.get_by_role("button", name="Gem samtykke").click()
    paedagog.wait_for_url(child_url)
    assert paedagog.get_by_role("cell", name="Overlevering til skolestart", exact=True).is_visible()

    teacher = log_in("jonas")
    response = teacher.goto(child_url)
    assert response.status == 200
    assert teacher.locator("h1").inner_text() == "Alma Hansen"

    paedagog.get_by_role("button", name="Tilbagekald samtykke: Overlevering til skolestart").click()
    paedagog.wait_for_url(child_url)

    response = teacher.goto(child_url)
    assert response.status == 404
    assert "Alma" not in teacher.content()


def test_a_paedagog_searches_with_the_keyboard_and_sees_the_cpr_on_request(world, log_in):
    page = log_in("mette")
    page.goto("/boern/")
    page.get_by_label("Søg på navn eller CPR-nummer").fill("alma")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Alma Hansen").wait_for()
    assert "alma" not in page.url.lower()  # the search never lands in the address bar
    page.get_by_role("link", name="Alma Hansen").click()
    page.get_by_role("button", name="Vis CPR").click()
    page.get_by_text("170521-4123").wait_for()
