"""The figures job counts each app's figures under the right group, unit and municipality, and
a second run gives the same counts (issue #18)."""

from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from cases.models import Handover
from meetings.models import Meeting, Participant
from tests import factories as f
from trivsel.figures.counting import figures_count
from trivsel.figures.models import FigureCount


def _counts(world, figure, level, **where):
    rows = FigureCount.objects.filter(municipality=world.solby, figure=figure, level=level, **where)
    totals = {}
    for row in rows:
        totals[row.key] = totals.get(row.key, 0) + row.count
    return totals


def test_it_counts_positions_per_group_unit_and_municipality(figures_world):
    world = figures_world
    assert _counts(world, "screening.positions", "group", group=world.room) == {
        "groen": 6,
        "gul": 2,
    }
    assert _counts(world, "screening.positions", "unit", unit=world.school) == {
        "groen": 9,
        "roed": 3,
    }
    assert _counts(world, "screening.positions", "municipality") == {
        "groen": 15,
        "gul": 2,
        "roed": 3,
    }
    # Nabo's counts are Nabo's: nothing of Solby there.
    assert not FigureCount.objects.filter(
        municipality=world.nabo_kommune, figure="screening.positions"
    ).exists()


def test_network_meetings_count_under_the_unit_the_child_is_enrolled_in(figures_world):
    world = figures_world
    for days, parent_there in [(3, True)] * 6 + [(4, False)] * 2:
        meeting = Meeting.objects.create(
            municipality=world.solby,
            child=world.child,
            title="Netværksmøde",
            starts_at=timezone.now() - timedelta(days=days),
            place="Mejsen",
            tovholder=world.paedagog,
            created_by=world.leader,
        )
        Participant.objects.create(
            meeting=meeting, kind="parent", name="Maria", role="Mor", present=parent_there
        )
    figures_count(municipality_id=world.solby.pk)
    assert _counts(world, "meetings.parents", "unit", unit=world.kindergarten) == {
        "True": 6,
        "False": 2,
    }
    assert _counts(world, "meetings.parents", "unit", unit=world.school) == {}


def test_running_the_job_twice_changes_nothing(figures_world):
    before = sorted(
        FigureCount.objects.values_list("figure", "level", "unit", "group", "month", "key", "count")
    )
    figures_count(municipality_id=figures_world.solby.pk)
    figures_count(municipality_id=figures_world.nabo_kommune.pk)
    after = sorted(
        FigureCount.objects.values_list("figure", "level", "unit", "group", "month", "key", "count")
    )
    assert before == after


def test_a_handover_counts_once_for_the_unit_that_sent_it(figures_world):
    # Counted for the receiver too, a view of both units (their district, a leader's units
    # together) would add it twice.
    world = figures_world
    sent = timezone.now() - timedelta(days=2)
    for _ in range(6):
        Handover.objects.create(
            child=f.ChildFactory(municipality=world.solby),
            transition="boernehave_skole",
            sending_unit=world.kindergarten,
            receiving_unit=world.school,
            transition_date=sent.date(),
            created_by=world.leader,
            follow_up_days=90,
            sent_at=sent,
            acknowledged_at=sent + timedelta(days=1),
        )
    figures_count(municipality_id=world.solby.pk)
    assert _counts(world, "cases.handovers", "unit", unit=world.kindergarten) == {"True:False": 6}
    assert _counts(world, "cases.handovers", "unit", unit=world.school) == {}
    assert _counts(world, "cases.handovers", "municipality") == {"True:False": 6}
    both = FigureCount.objects.filter(
        municipality=world.solby, figure="cases.handovers", level="unit"
    ).aggregate(total=Sum("count"))["total"]
    assert both == 6
