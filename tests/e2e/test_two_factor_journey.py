"""Two-factor login in the browser: turning it on from Min side with the key the page shows,
then logging in with the app's code. Each page passes axe and runs under the strict CSP."""

import pytest

from tests.factories import PASSWORD
from tests.two_factor.helpers import app_code, key_shown_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page):
    page.goto("/log-ind/")
    page.get_by_label("Brugernavn").fill("mette")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def test_a_paedagog_turns_on_two_factor_login_and_logs_in_with_the_code(
    world, page, axe_violations
):
    blocked = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Mette").click()
    assert page.locator("h1").inner_text() == "Min side"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Slå totrinsbekræftelse til").click()
    assert page.get_by_role("img", name="QR-kode til din godkendelsesapp").is_visible()
    assert axe_violations(page) == []
    key = key_shown_on(page.content())
    page.get_by_label("Den sekscifrede kode, som appen viser").fill(app_code(key))
    page.get_by_role("button", name="Slå totrinsbekræftelse til").click()

    assert page.locator("h1").inner_text() == "Dine gendannelseskoder"
    assert page.locator(".trivsel-recovery-codes li").count() == 10
    assert axe_violations(page) == []
    page.get_by_role("button", name="Log ud").click()

    log_in(page)
    page.wait_for_url("**/log-ind/kode/**")
    assert page.locator("h1").inner_text() == "Indtast din kode"
    assert axe_violations(page) == []
    page.get_by_label("Kode fra din app eller en gendannelseskode").fill(app_code(key, 1))
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == "Mit overblik"
    assert blocked == []
