"""A pædagog rates the whole group with the keyboard only; the leader runs the joint session and
the follow-up tasks appear. axe-core checks the pages on the way."""

import pytest

from screening.models import Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rating_a_group_with_the_keyboard_then_the_joint_session(school, log_in, axe_violations):
    page = log_in("mette")
    page.goto(f"/trivsel/runde/{school.round.pk}/")
    assert axe_violations(page) == []
    rows = page.locator("form.trivsel-rating-row")
    count = rows.count()
    assert count == 2

    # Keyboard only: into the first group of positions, then per child: choose, Tab to the
    # comment, type, Tab on to the next child.
    page.locator("input[name=position]").first.focus()
    for index in range(count):
        page.keyboard.press("ArrowRight" if index == 0 else "Space")  # yellow, then green
        page.keyboard.press("Tab")
        page.keyboard.type("ok")
        page.keyboard.press("Tab")
    page.get_by_text(f"{count} af {count} vurderet").wait_for()
    page.locator(f"#status-{school.child2.pk}").get_by_text("Gemt").wait_for()
    assert Rating.objects.filter(round=school.round, rater=school.paedagog).count() == count
    assert set(Rating.objects.values_list("comment", flat=True)) == {"ok"}

    leader = log_in("lone")
    leader.goto(f"/trivsel/runde/{school.round.pk}/")
    leader.locator("form[action$='/faelles/'] button").click()
    leader.wait_for_url(f"**/trivsel/runde/{school.round.pk}/oversigt/")
    assert axe_violations(leader) == []
    row = leader.locator(f"#barn-{school.child.pk}")
    row.locator("label.trivsel-position-gul").click()  # DKFDS draws the radio in the label
    row.locator("textarea[name=reflection]").fill("Vi undrer os over, at hun er stille")
    row.locator("button[type=submit]").click()
    leader.wait_for_url(f"**/oversigt/#barn-{school.child.pk}")
    leader.goto("/opgaver/")
    assert leader.get_by_text("pædagogisk handleplan", exact=False).count() >= 1
