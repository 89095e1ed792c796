import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(browser, live_server):
    """`log_in("mette")`: a page logged in as that user, in a browser session of its own (its own
    cookies), so one test can follow several people through a journey."""
    contexts = []

    def _log_in(username):
        context = browser.new_context(
            base_url=live_server.url, locale="da-DK", accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/log-ind/")
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url("**/")
        return page

    yield _log_in
    for context in contexts:
        context.close()


@pytest.fixture
def axe_violations():
    """The WCAG 2.1 A/AA violations axe-core finds on the page, as readable lines."""
    axe = Axe()

    def _violations(page):
        results = axe.run(page, options=WCAG_21_AA)
        return [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"]
        ]

    return _violations
