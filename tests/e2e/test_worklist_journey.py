"""Mit overblik is the work list: a pædagog and her leader sign in, read what waits for them
(axe-core checks the page) and click through to the pages where the work is done."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.services.tasks import task_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_mit_overblik_to_the_work_in_one_click(school, log_in, axe_violations):
    today = timezone.localdate()
    task_create(
        child=school.child,
        title="Tal med forældrene",
        owner=school.paedagog,
        due_date=today - timedelta(days=1),
    )

    page = log_in("mette")
    assert axe_violations(page) == []
    tasks = page.locator("section[aria-labelledby=worklist-tasks]")
    assert tasks.get_by_role("heading", name="Mine opgaver (1)").is_visible()
    assert tasks.get_by_text("Overskredet").is_visible()  # in words, not colour alone
    tasks.get_by_role("link", name="Tal med forældrene · Alma Hansen").click()
    page.wait_for_url(f"**/boern/{school.child.pk}/")
    page.get_by_role("heading", name="Alma Hansen").first.wait_for()

    page.goto("/")
    marks = page.locator("section[aria-labelledby=worklist-ratings]")
    assert marks.get_by_text("0 af 2 vurderet").is_visible()
    marks.get_by_role("link", name="Mejsestuen · Børnehaven Mejsen").click()
    page.wait_for_url(f"**/trivsel/runde/{school.round.pk}/")
    assert page.locator("form.trivsel-rating-row").count() == 2

    leader = log_in("lone")
    assert axe_violations(leader) == []
    rounds = leader.locator("section[aria-labelledby=worklist-rounds]")
    assert rounds.get_by_text("2 fagpersoner mangler at vurdere alle børn").is_visible()
    rounds.get_by_role("link", name="Mejsestuen · Børnehaven Mejsen").click()
    leader.wait_for_url(f"**/trivsel/runde/{school.round.pk}/")
    assert leader.locator("form[action$='/faelles/'] button").is_visible()
