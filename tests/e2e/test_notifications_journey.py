"""A reminder falls due → the bell shows the count → the notifications page lists it → marked
as read, the bell goes quiet. Checked with axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Task
from trivsel.notifications.services import reminders_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_due_task_rings_the_bell_and_is_marked_read(world, log_in, axe_violations):
    Task.objects.create(
        child=world.child,
        owner=world.paedagog,
        title="Ring til Almas mor",
        due_date=timezone.localdate() + timedelta(days=1),
    )
    reminders_sweep()

    page = log_in("mette")

    bell = page.locator("#notification-count")
    bell.get_by_text("1 ulæst").wait_for(state="attached")
    page.get_by_role("link", name="Notifikationer").click()
    page.wait_for_url("**/notifikationer/")
    assert page.locator("h1").inner_text() == "Notifikationer"
    assert page.get_by_text("En opfølgningsopgave forfalder").is_visible()
    assert "Alma" not in page.locator("main").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Markér som læst").click()
    page.get_by_role("cell", name="Læst", exact=True).wait_for()
    # A locator wait, not wait_for_function: the CSP forbids evaluating strings (unsafe-eval).
    page.locator("#notification-count .badge").wait_for(state="detached")
    assert page.locator("#status-region").inner_text() == "Markeret som læst."
    assert axe_violations(page) == []

    page.get_by_label("Én e-mail om dagen", exact=False).check()
    page.get_by_role("button", name="Gem valg af e-mail").click()
    assert page.get_by_text("Du får nu én e-mail om dagen").is_visible()
    assert axe_violations(page) == []
