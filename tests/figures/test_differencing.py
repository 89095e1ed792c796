"""The difference attack across the filter (issue #18): a viewer who looks at every place and
every period /tal/ offers her (and so every CSV and PDF, which show the same tables) must not be
able to work out one hidden count, by subtracting shown ones or by any other linear reckoning.

The agreed positions of a small municipality with two districts are counted by the figures job;
then every cell of both position tables is collected through every place × period, each as the
set of the (group, month, position) counts it adds up. A hidden cell is given away when its sum
is a linear combination of shown sums (with the counts a shown zero holds known to be zero):
checked exactly, with fractions, and by plain subtraction as a viewer would try it."""

import random
from fractions import Fraction

import pytest
from django.utils import timezone

from tests import factories as f
from trivsel.organisation.models import Role

POSITIONS = ["groen", "gul", "roed"]
TABLES = ("positions-month", "positions-place")


@pytest.fixture
def districts(world):
    """Two districts of two units each, seven groups, a few rounds each over the last two years
    with realistic small counts (mostly green; a few yellow and red, often fewer than five)."""
    from screening.defaults import install_default_templates
    from screening.models import FormTemplate, JointAssessment, Round

    install_default_templates(FormTemplate)
    template = FormTemplate.objects.filter(municipality=None).first()
    layout = {
        ("Nord", "Nordhaven"): ["Nordstuen", "Nordreden"],
        ("Nord", "Nordskolen"): ["N-1A", "N-1B"],
        ("Syd", "Sydhaven"): ["Sydstuen", "Sydreden"],
        ("Syd", "Sydskolen"): ["S-1A"],
    }
    generator = random.Random(1818)
    this_month = timezone.localdate().replace(day=10)
    units, groups, assessments = {}, {}, []
    for (district, unit_name), group_names in layout.items():
        unit = f.UnitFactory(municipality=world.solby, name=unit_name, district=district)
        units[unit_name] = unit
        for name in group_names:
            group = groups[name] = f.GroupFactory(unit=unit, name=name)
            children = [f.ChildFactory(municipality=world.solby) for _n in range(16)]
            # Two rounds a year, the schools' a month after the kindergartens'.
            for months_back in (2, 8, 14, 20):
                months_back += "skolen" in unit_name
                deadline = _months_before(this_month, months_back)
                round_ = Round.objects.create(
                    group=group, template=template, deadline=deadline, opened_by=world.leader
                )
                positions = (
                    ["groen"] * generator.randint(7, 12)
                    + ["gul"] * generator.choice([0, 1, 2, 3, 4, 6])
                    + ["roed"] * generator.choice([0, 0, 1, 2])
                )
                assessments += [
                    JointAssessment(
                        round=round_, child=child, position=position, decided_by=world.leader
                    )
                    for child, position in zip(children, positions, strict=False)
                ]
    JointAssessment.objects.bulk_create(assessments)
    world.fagchef = f.StaffFactory(
        user=f.UserFactory(username="frede", municipality=world.solby),
        roles=[Role.MANAGEMENT],
    ).user
    # A leader of three of the four units: her own places are not the municipality's.
    world.area_leader = f.StaffFactory(
        user=f.UserFactory(username="olivia", municipality=world.solby),
        roles=[Role.LEADER],
        units=[units["Nordhaven"], units["Nordskolen"], units["Sydhaven"]],
    ).user
    world.units, world.groups = units, groups
    from trivsel.figures.counting import figures_count

    figures_count(municipality_id=world.solby.pk)
    return world


def _months_before(day, months):
    index = day.year * 12 + day.month - 1 - months
    return day.replace(year=index // 12, month=index % 12 + 1)


def _atoms(world):
    """{(group pk, month, position): count}: what every figure of the tables adds up."""
    from screening.models import JointAssessment

    atoms = {}
    for group_id, deadline, position in JointAssessment.objects.filter(
        round__group__unit__municipality=world.solby
    ).values_list("round__group_id", "round__deadline", "position"):
        atom = (group_id, deadline.replace(day=1), position)
        atoms[atom] = atoms.get(atom, 0) + 1
    return atoms


def _visible(user):
    """Every cell of both position tables through every place and period she may choose:
    [(frozenset of atoms it adds up, shown value or None when hidden)]."""
    from trivsel.figures.forms import FigureFilterForm
    from trivsel.figures.periods import months_of
    from trivsel.figures.presentation import shown_tables
    from trivsel.figures.selectors import figures_for
    from trivsel.organisation.models import Group

    form = FigureFilterForm(user=user)
    by_name = {}
    for group in Group.objects.filter(unit__municipality=user.municipality):
        by_name[group.name] = [group.pk]
        by_name.setdefault(group.unit.name, []).append(group.pk)
    cells = []
    for place, _label in form.fields["sted"].choices:
        for period_key, _label in form.fields["periode"].choices:
            scope, period, sections = figures_for(
                user, place=place, period_key=period_key, purpose="test"
            )
            scope_groups = [
                pk
                for pk in Group.objects.filter(unit__in=scope.unit_ids).values_list("pk", flat=True)
            ]
            months = months_of(period)
            for section in shown_tables(sections):
                for shown in section["tables"]:
                    if shown["table"].key not in TABLES:
                        continue
                    monthly = shown["table"].key == "positions-month"
                    for index, (label, *values) in enumerate(shown["body"]):
                        row_groups = scope_groups if monthly else by_name[label]
                        row_months = [months[index]] if monthly else months
                        cells += _cells(values, row_groups, row_months)
                    if shown["footer"]:
                        cells += _cells(shown["footer"][1:], scope_groups, months)
    return cells


def _cells(values, groups, months):
    """A row's cells (the positions, then the total) as (atoms, value)."""
    columns = [[position] for position in POSITIONS] + [POSITIONS]
    return [
        (
            frozenset((g, m, p) for g in groups for m in months for p in positions),
            None if value == "skjult" else value,
        )
        for value, positions in zip(values, columns, strict=True)
    ]


def _given_away(cells):
    """The hidden cells (as sums of atoms) whose value follows from the shown ones; the shown
    and the hidden sums. A shown zero gives away every count in it (none is negative)."""
    known_zero = set().union(*(sum_ for sum_, value in cells if value == 0))
    shown = {sum_ - known_zero for sum_, value in cells if value}
    hidden = {sum_ - known_zero for sum_, value in cells if value is None}
    basis = _echelon(shown)
    return [sum_ for sum_ in hidden if not _reduce(basis, sum_)], shown, hidden


def _echelon(sums):
    """Row echelon form (pivot atom -> row with 1 there) of 0/1 rows, in exact fractions."""
    basis = {}
    for sum_ in sums:
        row = _reduce(basis, sum_)
        if row:
            pivot = min(row)
            scale = row[pivot]
            basis[pivot] = {atom: value / scale for atom, value in row.items()}
    return basis


def _reduce(basis, sum_):
    """What is left of the row after subtracting the basis rows (each row's pivot is its
    smallest atom, so the pivots are taken in increasing order once)."""
    row = {atom: Fraction(1) for atom in sum_}
    while pivots := [atom for atom in row if atom in basis]:
        pivot = min(pivots)
        factor = row[pivot]
        for atom, value in basis[pivot].items():
            row[atom] = row.get(atom, 0) - factor * value
            if not row[atom]:
                del row[atom]
    return row


def _subtracted(shown, hidden):
    """The attack as a viewer tries it: a shown count minus shown counts inside it."""
    found = []
    for target in hidden:
        for whole in shown:
            if not target < whole:
                continue
            rest = set(whole - target)
            for part in sorted((p for p in shown if p <= rest), key=len, reverse=True):
                if part <= rest:
                    rest -= part
            if not rest:
                found.append(target)
                break
    return found


@pytest.mark.parametrize("persona", ["fagchef", "area_leader"])
def test_no_hidden_count_can_be_worked_out_through_every_place_and_period(districts, persona):
    user = getattr(districts, persona)
    cells = _visible(user)
    atoms = _atoms(districts)
    # The test reads each cell as the sum it is (or what it proves would prove nothing).
    for sum_, value in cells:
        assert value is None or value == sum(atoms.get(atom, 0) for atom in sum_)
    # A count hidden in one view and shown in another would undo the hiding (a unit's total in
    # its own table of groups, in its district's table and in the municipality's).
    seen = {}
    for sum_, value in cells:
        seen.setdefault(sum_, set()).add(value is None)
    assert [sum_ for sum_, hidden in seen.items() if len(hidden) > 1] == []
    given_away, shown, hidden = _given_away(cells)
    assert len(hidden) > 10 and len(shown) > 20  # the tables hold something to attack
    assert _subtracted(shown, hidden) == []
    assert given_away == []
