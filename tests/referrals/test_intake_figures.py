"""The intake's figures on its dashboard (issue #16, point 6): notifications received, and the
24-hour assessments, receipts and investigations done within their deadlines, this month and each
of the last twelve — counted from the clocks' deadlines in SQL, for the user's municipality."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from referrals import services
from referrals.models import Outcome, Route, Triage, Underretning
from referrals.selectors import intake_figures_for

pytestmark = pytest.mark.django_db

MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


def _month_back(day, months):
    first = day.replace(day=1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def _at(day, hours=12):
    return timezone.make_aware(datetime.combine(day, time(hours)))


def _label(day):
    return f"{MONTHS[day.month - 1]} {day.year}"


def _notify(world):
    return services.underretning_submit(
        actor=world.teacher,
        category="child_wellbeing",
        text="Alma er ofte sulten og træt om morgenen.",
        child=world.child,
        unit=world.school,
    )


def _row(figures, month):
    return next(row for row in figures["months"] if row["month"] == month)


def test_the_figures_count_each_clock_in_time_or_late(intake, login):
    today = timezone.localdate()
    month = _month_back(today, 6)  # four months later is still in the past
    base = _at(month.replace(day=10))
    with time_machine.travel(base, tick=False):
        late, in_time = _notify(intake), _notify(intake)
    with time_machine.travel(base + timedelta(hours=2), tick=False):
        services.underretning_assess(
            actor=intake.social_worker,
            underretning=in_time,
            triage=Triage.ADVICE,
            outcome=Outcome.INVESTIGATION,
        )
    with time_machine.travel(base + timedelta(hours=30), tick=False):
        # Assessed 30 hours after it came: late.
        services.underretning_assess(
            actor=intake.social_worker, underretning=late, triage=Triage.ADVICE
        )
    with time_machine.travel(base + timedelta(days=4), tick=False):
        # By letter, within the 6 working days: in time. The other receipt is never sent.
        services.underretning_send_receipt(
            actor=intake.social_worker, underretning=late, via="letter"
        )
    in_time.refresh_from_db()
    finished = in_time.investigation_due_at + timedelta(days=1)
    with time_machine.travel(finished, tick=False):
        # One day after the 4 months: late.
        services.underretning_mark(
            actor=intake.social_worker, underretning=in_time, step="investigation"
        )
    # Another municipality's notification, assessed in time, never counts here.
    Underretning.objects.create(
        municipality=intake.nabo_kommune,
        route=Route.CLASSIC,
        category="child_wellbeing",
        text="Nabo",
        received_at=base,
        assessed_at=base + timedelta(hours=1),
    )
    cache.clear()

    figures = intake_figures_for(intake.social_worker)
    assert figures["any"] and len(figures["months"]) == 13
    assert figures["months"][0]["month"] == today.replace(day=1)
    row = _row(figures, month)
    assert row["received"] == 2
    assert row["assessment"] == {"in_time": 1, "total": 2, "percent": 50}
    assert row["receipt"] == {"in_time": 1, "total": 2, "percent": 50}
    due_month = timezone.localdate(in_time.investigation_due_at - timedelta(microseconds=1))
    assert _row(figures, due_month.replace(day=1))["investigation"] == {
        "in_time": 0,
        "total": 1,
        "percent": 0,
    }
    assert sum(r["investigation"]["total"] for r in figures["months"]) == 1
    assert sum(r["received"] for r in figures["months"]) == 2

    page = login(intake.team_leader).get("/underretninger/").content.decode()
    assert page.count("<caption>") == 1 and page.count('scope="row"') == 13
    assert "<title>" not in page.split("<caption>")[1]  # the table is in the page's body
    assert _label(today) in page and _label(month) in page
    assert "1 af 2 (50 %)" in page


def test_figures_only_for_the_own_municipality_and_a_line_when_there_is_nothing(intake, login):
    Underretning.objects.create(
        municipality=intake.nabo_kommune,
        route=Route.CLASSIC,
        category="child_wellbeing",
        text="Nabo",
        received_at=timezone.now() - timedelta(days=3),
    )
    figures = intake_figures_for(intake.social_worker)
    assert not figures["any"]
    assert all(row["received"] == 0 for row in figures["months"])
    page = login(intake.social_worker).get("/underretninger/").content.decode()
    assert "Ingen underretninger modtaget i de seneste tolv måneder endnu." in page
    assert "<caption>" not in page


def test_a_running_clock_is_not_counted_yet(intake):
    n = _notify(intake)
    figures = intake_figures_for(intake.social_worker)
    row = figures["months"][0]
    assert row["received"] == 1
    # Received just now: nothing due yet, nothing done.
    assert row["assessment"]["total"] == row["receipt"]["total"] == 0
    services.underretning_assess(actor=intake.social_worker, underretning=n, triage=Triage.ADVICE)
    figures = intake_figures_for(intake.social_worker)  # the write expired the cache
    due_month = timezone.localdate(n.assessment_due_at).replace(day=1)
    if due_month == figures["months"][0]["month"]:
        assert figures["months"][0]["assessment"] == {"in_time": 1, "total": 1, "percent": 100}


def test_the_figures_are_one_query(intake, django_assert_num_queries):
    _notify(intake)
    cache.clear()
    with django_assert_num_queries(1):
        intake_figures_for(intake.social_worker)
    with django_assert_num_queries(0):  # from the cache
        intake_figures_for(intake.social_worker)


def test_the_dashboard_with_its_figures_has_a_constant_number_of_queries(
    intake, login, django_assert_max_num_queries, django_assert_num_queries
):
    def notify_and_assess(count):
        for _ in range(count):
            n = _notify(intake)
            services.underretning_assess(
                actor=intake.social_worker, underretning=n, triage=Triage.ADVICE
            )

    client = login(intake.social_worker)
    client.get("/underretninger/")  # the session's first save is not the page's
    notify_and_assess(2)
    cache.clear()  # the worst case: counts, caseload and figures computed, not cached
    with django_assert_max_num_queries(15) as few:
        client.get("/underretninger/")
    figures = [q["sql"] for q in few.captured_queries if "UNION ALL" in q["sql"]]
    assert len(figures) == 1  # the figures are one query
    notify_and_assess(30)
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/underretninger/")
    assert "<caption>" in response.content.decode()


def test_the_shared_table_follows_a_new_notification_at_once(intake, login):
    client = login(intake.social_worker)
    this_month = _label(timezone.localdate())

    def received_this_month():
        page = client.get("/underretninger/").content.decode()
        row = page.split(f'<th scope="row">{this_month}</th>')[1].split("</tr>")[0]
        return int(row.split("<td>")[1].split("</td>")[0])

    _notify(intake)
    assert received_this_month() == 1
    assert received_this_month() == 1  # now from the cache
    _notify(intake)
    # The table is shared from the cache, but a notification received expires it.
    assert received_this_month() == 2
