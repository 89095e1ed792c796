"""A guardian asks for insight from her child's page; the social-work side withholds the entry
on the exception path with its reason, prepares the answer and releases it; the guardian
downloads it. axe-core checks every page on the way."""

from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import InsightRequest
from referrals.models import Route, Underretning
from tests.cases.test_insight import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_prepare_release_and_download_an_answer(world, log_in, axe_violations):
    Underretning.objects.create(
        municipality=world.solby,
        route=Route.CLASSIC,
        category="violence",
        child=world.child,
        text="Mistanke om vold fra en forælder.",
        suspected_violence=True,
        received_at=timezone.now(),
    )
    parent = log_in("maria")
    parent.goto(f"/boern/{world.child.pk}/")
    parent.get_by_role("button", name="Bed om indsigt").click()
    parent.get_by_text("Din anmodning om indsigt er modtaget").wait_for()
    assert axe_violations(parent) == []
    request = InsightRequest.objects.get()

    preparer = log_in("sara")
    preparer.get_by_role("link", name="Anmodning om indsigt af").click()
    assert axe_violations(preparer) == []
    preparer.get_by_text("Undtag (databeskyttelseslovens § 22)").click()
    preparer.get_by_label("Begrundelse").fill("Politiets efterforskning er ikke afsluttet.")
    preparer.get_by_role("button", name="Registrér beslutningen").click()
    preparer.get_by_text("Beslutningen er registreret").wait_for()
    preparer.get_by_role("button", name="Forbered svaret (PDF og JSON)").click()
    preparer.get_by_text("Svaret er forberedt").wait_for()
    assert axe_violations(preparer) == []
    preparer.get_by_role("button", name="Frigiv svaret til forælderen").click()
    preparer.get_by_text("Svaret er frigivet til forælderen").wait_for()

    parent.goto(f"/boern/{world.child.pk}/")
    assert axe_violations(parent) == []
    with parent.expect_download() as download:
        parent.get_by_role("link", name="Hent svaret (PDF)").click()
    assert download.value.suggested_filename.startswith("indsigt-")
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Alma Hansen" in text and "Mistanke om vold" not in text
    request.refresh_from_db()
    assert request.released_at is not None
