"""A fagchef opens /tal/, narrows it to one unit (the figures swap in place), and downloads a
table as CSV and the report as PDF, then reads it on a phone; axe-core checks the page, charts
included."""

from pathlib import Path

import pytest

from tests.figures.conftest import figures_world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_fagchef_reads_filters_and_downloads_the_figures(figures_world, log_in, axe_violations):  # noqa: F811
    page = log_in("frede")
    page.goto("/tal/")
    page.get_by_role("heading", name="Tal", exact=True).wait_for()
    page.locator("canvas[data-drawn]").first.wait_for()  # Chart.js drew under the CSP
    assert axe_violations(page) == []

    page.get_by_label("Sted").select_option(label="Åskolen")
    page.get_by_role("rowheader", name="2.A").first.wait_for()  # the groups of the one unit
    assert "sted=u%3A" in page.url or "sted=u:" in page.url
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent “Fælles positioner pr. gruppe” som CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "2.A;skjult;0;skjult;12" in content

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent tallene som PDF-rapport").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # On a phone: the page fits the screen's width (the tables scroll in their own box).
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/tal/")
    page.locator("canvas[data-drawn]").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
