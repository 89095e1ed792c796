"""On a tablet (768 px) and a phone (375 px): every main page fits the screen's width, the main
menu folds into the DKFDS drawer, the rating buttons are big enough for a thumb, and axe-core
finds no WCAG 2.1 A/AA violation. At 1280 px the main menu fits one line.

One browser context per width keeps the module lean: the pages are visited in a row."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetings import services as meeting_services
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def day_care(school):
    """The open round of `school` and a network meeting about Alma that Mette leads."""
    starts = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=3), time(10, 0))
    )
    school.meeting = meeting_services.network_meeting_create(
        actor=school.leader,
        child=school.child,
        purpose="Fælles aftaler om sprog og samspil",
        starts_at=starts,
        place="Børnehaven Mejsen, mødelokalet",
        tovholder=school.paedagog,
    )
    return school


def _logged_in_page(browser, live_server, viewport, username):
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport=viewport)
    page = context.new_page()
    page.goto("/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/")
    return context, page


def _fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# Buttons, the menu's links and the rating positions: visible ones smaller than 44 × 44 px.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'button, a.button, .mainmenu a, label.trivsel-position, .function-link')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.width < 44 || r.height < 44)
  .map(([e, r]) => `${e.tagName} "${e.textContent.trim().slice(0, 30)}" ${r.width}x${r.height}`)"""


def _paedagog_pages(world):
    return [
        "/",
        "/boern/",
        f"/boern/{world.child.pk}/",
        "/trivsel/",
        f"/trivsel/runde/{world.round.pk}/",
        f"/trivsel/barn/{world.child.pk}/",
        "/moeder/",
        f"/moeder/{world.meeting.pk}/",
        "/overleveringer/",
        "/opgaver/",
        "/underretninger/mine/",
        "/notifikationer/",
    ]


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["768", "375"])
def test_the_main_pages_fit_a_tablet_and_a_phone(
    day_care, browser, live_server, axe_violations, viewport
):
    context, page = _logged_in_page(browser, live_server, viewport, "mette")
    try:
        problems = {}
        for url in _paedagog_pages(day_care):
            page.goto(url)
            found = [] if _fits_the_width(page) else ["scrolls sideways"]
            found += page.evaluate(SMALL_TARGETS)
            found += axe_violations(page)
            if found:
                problems[url] = found
        assert problems == {}

        # The rating page: each position button is at least 44 × 44 px and carries its text.
        page.goto(f"/trivsel/runde/{day_care.round.pk}/")
        buttons = page.locator("form.trivsel-rating-row label.trivsel-position")
        assert buttons.count() >= 3
        for index in range(buttons.count()):
            box = buttons.nth(index).bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44
        assert buttons.first.inner_text().strip() == "Grøn"

        # From Mit overblik one tap reaches the work: the first line of the list opens its page.
        page.goto("/")
        page.locator(".trivsel-worklist-items a").first.click()
        page.wait_for_load_state()
        assert page.url.rstrip("/") != live_server.url
        assert page.locator("h1").first.is_visible() and _fits_the_width(page)
        assert axe_violations(page) == []

        # The menu is folded: the button shows, the links do not until the drawer opens.
        menu_button = page.get_by_role("button", name="Menu")
        assert menu_button.is_visible()
        assert not page.get_by_role("link", name="Møder").is_visible()
        menu_button.click()
        drawer = page.get_by_role("dialog", name="Menu")
        drawer.get_by_role("link", name="Møder").click()
        page.wait_for_url("**/moeder/")
        assert not drawer.is_visible()
        assert page.locator("h1").first.is_visible()
    finally:
        context.close()


def test_a_guardian_page_fits_a_phone(world, browser, live_server, axe_violations):
    context, page = _logged_in_page(browser, live_server, PHONE, "maria")
    try:
        assert page.get_by_text("Alma Hansen").first.is_visible()
        assert _fits_the_width(page)
        assert axe_violations(page) == []
    finally:
        context.close()


def test_the_main_menu_fits_one_line_at_1280(world, browser, live_server):
    context, page = _logged_in_page(browser, live_server, {"width": 1280, "height": 800}, "mette")
    try:
        assert not page.get_by_role("button", name="Menu").is_visible()
        items = page.locator(".navigation-menu .mainmenu > li:not(.more-option)")
        tops = {items.nth(i).evaluate("e => e.offsetTop") for i in range(items.count())}
        assert len(tops) == 1
        # Every item is shown: none was folded into DKFDS's "Mere" overflow menu.
        assert page.locator(".navigation-menu .more-option").is_hidden()
        assert page.get_by_role("link", name="Mit overblik").is_visible()
        assert page.get_by_role("link", name="Møder").is_visible()
    finally:
        context.close()


def test_the_second_login_step_on_a_phone_has_no_menu_but_a_way_out(world, browser, live_server):
    TOTPDevice.objects.create(user=world.paedagog, name="app", confirmed=True)
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/log-ind/")
        page.get_by_label("Brugernavn").fill("mette")
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url("**/log-ind/kode/**")
        assert page.get_by_role("button", name="Log ud", exact=True).is_visible()
        assert page.get_by_role("button", name="Menu").count() == 0
        assert page.locator("#notification-count").count() == 0
        assert _fits_the_width(page)
    finally:
        context.close()
