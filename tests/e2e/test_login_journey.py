import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_paedagog_logs_in_and_sees_my_overview(world, page, axe_violations):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Log ind på Trivsel+"
    assert axe_violations(page) == []

    page.get_by_label("Brugernavn").fill("mette")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()

    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == "Mit overblik"
    # The work list, with the count in each heading.
    assert page.get_by_role("heading", name="Mine opgaver (0)").is_visible()
    assert axe_violations(page) == []


def test_a_worried_citizen_finds_the_form_from_the_login_page(world, page, axe_violations):
    page.goto("/")
    page.get_by_role("link", name="Er du bekymret for et barn?").click()
    page.wait_for_url("**/underret/")
    assert page.locator("h1").inner_text() == "Er du bekymret for et barn?"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Solby Kommune").click()
    page.wait_for_url("**/underret/901/")
    assert page.locator("h1").inner_text() == "Underret kommunen om et barn"
    assert axe_violations(page) == []


def test_a_wrong_password_is_explained_and_the_form_keeps_the_user_name(world, page):
    page.goto("/log-ind/")
    page.get_by_label("Brugernavn").fill("mette")
    page.get_by_label("Adgangskode").fill("forkert kode")
    page.get_by_role("button", name="Log ind").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Brugernavn").input_value() == "mette"


def test_the_skip_link_moves_focus_to_the_content(world, page):
    page.goto("/log-ind/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skipnav"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_the_pages_run_no_blocked_inline_code(world, page):
    """The CSP forbids inline scripts; a page that relied on one would log a violation."""
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/log-ind/")
    page.get_by_label("Brugernavn").fill("mette")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")
    assert violations == []
