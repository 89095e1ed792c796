"""The difference attack across the filter (issue #18): a viewer who looks at every place and
every period /tal/ offers her (and so every CSV and PDF, which show the same tables) must not be
able to work out one hidden count, by subtracting shown ones or by any other linear reckoning.

A small municipality with two districts gets small counts in every table of the page that counts
children or cases (positions, rated by the deadline, follow-up, no joint assessment, the
notifications' sources, routes, clocks and repeats, the caseload, meetings, decisions, action
items, handovers and forløb), counted by the figures job. Then every cell of those tables is
collected through every place × period, each as the linear sum it is of the finest counts the
job stores (a group's, what a unit holds beyond its groups, what the municipality holds beyond
its units). What a viewer knows besides the cells is added as
known sums: two figures of the same things (by source and by route) have the same total. A
hidden cell is given away when its sum is a linear combination of shown sums (with the counts a
shown zero holds known to be zero): checked exactly, with fractions, and by plain subtraction as
a viewer would try it."""

import random
from datetime import datetime, time, timedelta
from fractions import Fraction

import pytest
from django.utils import timezone

from tests import factories as f
from trivsel.organisation.models import Role

# Every table of the page that counts children or cases: {table key: (figure, its rows)}.
# "month": a row per month of the period, the scope's units together; "today": one row of the
# day of the refresh; "place": a row per unit (per group of one unit) for the period;
# "place-today": the same for the day of the refresh; "caseworker": a row per caseworker.
TABLES = {
    "positions-month": ("screening.positions", "month"),
    "positions-place": ("screening.positions", "place"),
    "rated-by-deadline": ("screening.rated", "place"),
    "follow-up": ("screening.follow_up", "place"),
    "without-joint-assessment": ("screening.unassessed", "place-today"),
    "source": ("notifications.source", "month"),
    "route": ("notifications.route", "month"),
    "clock-assessment": ("notifications.clock.assessment", "month"),
    "clock-receipt": ("notifications.clock.receipt", "month"),
    "clock-investigation": ("notifications.clock.investigation", "month"),
    "repeats": ("notifications.repeats", "month"),
    "caseload": ("caseload", "caseworker"),
    "parents-present": ("meetings.parents", "month"),
    "minutes-in-time": ("meetings.minutes", "month"),
    "decisions-told": ("meetings.decisions", "month"),
    "action-items": ("meetings.action_items", "today"),
    "handovers": ("cases.handovers", "month"),
    "forlob": ("cases.forlob", "today"),
}


@pytest.fixture
def districts(world):
    """Two districts of two units each, seven groups of sixteen enrolled children, a few rounds
    each over the last two years with realistic small counts (mostly green; a few yellow and
    red, often fewer than five), and over the same two years a few dozen notifications, network
    meetings, handovers and forløb: every table holds counts below five and above."""
    from screening.defaults import install_default_templates
    from screening.models import FormTemplate, JointAssessment, Rating, Round

    install_default_templates(FormTemplate)
    template = FormTemplate.objects.filter(municipality=None).first()
    layout = {
        ("Nord", "Nordhaven"): ["Nordstuen", "Nordreden"],
        ("Nord", "Nordskolen"): ["N-1A", "N-1B"],
        ("Syd", "Sydhaven"): ["Sydstuen", "Sydreden"],
        ("Syd", "Sydskolen"): ["S-1A"],
    }
    # The marks and follow-ups draw from their own generator: the positions stay those of a
    # world where hiding per equation alone gives a count away (the rule's exact check is
    # needed, suppression.py step 3).
    generator, marking = random.Random(1818), random.Random(1819)
    this_month = timezone.localdate().replace(day=10)
    units, groups, children, assessments, ratings = {}, {}, [], [], []
    for (district, unit_name), group_names in layout.items():
        unit = f.UnitFactory(municipality=world.solby, name=unit_name, district=district)
        units[unit_name] = unit
        for name in group_names:
            group = groups[name] = f.GroupFactory(unit=unit, name=name)
            enrolled = [f.ChildFactory(municipality=world.solby) for _n in range(16)]
            for child in enrolled:
                f.EnrolmentFactory(child=child, group=group, start=date_of(this_month, 30))
            children += enrolled
            # Two rounds a year, the schools' a month after the kindergartens'.
            for months_back in (2, 8, 14, 20):
                months_back += "skolen" in unit_name
                deadline = date_of(this_month, months_back)
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
                    for child, position in zip(enrolled, positions, strict=False)
                ]
                # Most children rated by the deadline, a few not.
                ratings += [
                    Rating(round=round_, child=child, rater=world.leader, position="groen")
                    for child in enrolled[marking.choice([0, 0, 1, 3, 6]) :]
                ]
    JointAssessment.objects.bulk_create(assessments)
    Rating.objects.bulk_create(ratings)
    for round_ in Round.objects.filter(group__in=groups.values()):
        Rating.objects.filter(round=round_).update(updated_at=at(round_.deadline))
    _follow_ups(world, marking, assessments)
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
    _notifications(world, generator, this_month, list(units.values()), children)
    _meetings(world, generator, this_month, children)
    _handovers(world, generator, this_month, units, children)
    from trivsel.figures.counting import figures_count

    figures_count(municipality_id=world.solby.pk)
    return world


def date_of(day, months_back):
    index = day.year * 12 + day.month - 1 - months_back
    return day.replace(year=index // 12, month=index % 12 + 1)


def at(day, hours=12):
    zone = timezone.get_default_timezone()
    return timezone.make_aware(datetime.combine(day, time(0)), zone) + timedelta(hours=hours)


def _follow_ups(world, generator, assessments):
    """A follow-up task done for some of the yellow and red positions."""
    from cases.models import Task

    for assessment in assessments:
        if assessment.position != "groen" and generator.random() < 0.4:
            Task.objects.create(
                child=assessment.child,
                title="Opfølgning",
                owner=world.leader,
                due_date=assessment.round.deadline,
                status="done",
                completed_at=at(assessment.round.deadline),
                source_type="screening.action",
                source_id=str(assessment.pk),
            )


def _notifications(world, generator, this_month, units, children):
    """About seventy over two years from the units' professionals, citizens and anonymous
    notifiers, some about the same child again, each clock kept or missed; three caseworkers
    hold the open ones about a child."""
    from referrals.models import Notifier, Route, Underretning

    caseworkers = [
        f.StaffFactory(
            user=f.UserFactory(username=f"sagsbehandler{n}", municipality=world.solby),
            roles=[Role.SOCIAL_WORKER],
            units=[world.authority],
        ).user
        for n in range(3)
    ]
    kinds = [Notifier.PROFESSIONAL] * 6 + [Notifier.CITIZEN] * 2 + [Notifier.ANONYMOUS]
    for _n in range(70):
        kind = generator.choice(kinds)
        received = at(date_of(this_month, generator.randint(1, 22)), generator.randint(8, 15))
        child = generator.choice(children[:30]) if generator.random() < 0.7 else None
        investigated = child is not None and generator.random() < 0.3
        Underretning.objects.create(
            municipality=world.solby,
            route=generator.choice([Route.CLASSIC] * 3 + [Route.DIALOGUE]),
            category="child_wellbeing",
            text="…",
            notifier_kind=kind,
            notifier_unit=generator.choice(units) if kind == Notifier.PROFESSIONAL else None,
            received_at=received,
            child=child,
            assigned_to=generator.choice(
                [caseworkers[0]] * 12 + [caseworkers[1]] * 3 + caseworkers[2:]
            )
            if child
            else None,
            assessed_at=received + timedelta(hours=generator.choice([2, 5, 30])),
            receipt_sent_at=received + timedelta(days=generator.choice([1, 2, 12]))
            if kind != Notifier.ANONYMOUS
            else None,
            investigation_started_at=received + timedelta(days=3) if investigated else None,
            investigation_finished_at=received + timedelta(days=generator.choice([60, 150]))
            if investigated
            else None,
        )


def _meetings(world, generator, this_month, children):
    """Network meetings about enrolled children: parents there or not, minutes approved within a
    week, later or not yet, decisions told to the parents or not, action items due or overdue."""
    from meetings.models import ActionItem, Decision, Meeting, Minutes, Participant

    for _n in range(45):
        starts = at(date_of(this_month, generator.randint(1, 22)), 9)
        meeting = Meeting.objects.create(
            municipality=world.solby,
            child=generator.choice(children),
            title="Netværksmøde",
            starts_at=starts,
            place="Huset",
            tovholder=world.leader,
            created_by=world.leader,
        )
        Participant.objects.create(
            meeting=meeting,
            kind="parent",
            name="Forælder",
            role="Mor",
            present=generator.random() < 0.8,
        )
        delay = generator.choice([2, 3, 5, 10, None])
        minutes = Minutes.objects.create(
            meeting=meeting,
            status="draft" if delay is None else "approved",
            approved_by=None if delay is None else world.leader,
            approved_at=None if delay is None else starts + timedelta(days=delay),
        )
        if delay is None:
            continue
        for _d in range(generator.choice([0, 1, 2])):
            Decision.objects.create(
                minutes=minutes,
                text="Beslutning",
                reason="Fordi",
                parents_informed_at=starts + timedelta(days=1)
                if generator.random() < 0.7
                else None,
            )
        if generator.random() < 0.5:
            ActionItem.objects.create(
                minutes=minutes,
                what="Ring",
                owner=world.leader,
                due_date=timezone.localdate() + timedelta(days=generator.choice([-20, 20, 40])),
            )


def _handovers(world, generator, this_month, units, children):
    """Handovers from the kindergartens to the schools, acknowledged or not, evaluated or not;
    open forløb whose review date is kept or has passed."""
    from cases.models import Forlob, Handover, Task

    pairs = [
        (units["Nordhaven"], units["Nordskolen"]),
        (units["Sydhaven"], units["Sydskolen"]),
        (units["Nordhaven"], units["Sydskolen"]),
    ]
    for child in generator.sample(children, 28):
        sender, receiver = generator.choice(pairs)
        sent = at(date_of(this_month, generator.randint(1, 22)))
        acknowledged = generator.random() < 0.8
        handover = Handover.objects.create(
            child=child,
            transition="boernehave_skole",
            sending_unit=sender,
            receiving_unit=receiver,
            transition_date=sent.date(),
            strengths="Glad",
            professional_view="Tryghed",
            created_by=world.leader,
            follow_up_days=90,
            sent_at=sent,
            acknowledged_at=sent + timedelta(days=2) if acknowledged else None,
        )
        if acknowledged and generator.random() < 0.6:
            Task.objects.create(
                child=child,
                title="Evaluér overgangen",
                owner=world.leader,
                due_date=sent.date(),
                status="done",
                completed_at=sent + timedelta(days=90),
                source_type="cases.handover.evaluate",
                source_id=str(handover.pk),
            )
    for child in generator.sample(children, 14):
        Forlob.objects.create(
            child=child,
            title="Forløb",
            tovholder=world.leader,
            opened_at=timezone.localdate() - timedelta(days=100),
            review_date=timezone.localdate() + timedelta(days=generator.choice([-10, 10, 30])),
        )


def _layouts():
    from trivsel.figures.counting import figure_layouts

    return {layout.figure: layout for provide in figure_layouts for layout in provide()}


class _Reckoning:
    """The finest counts of the municipality's figures (atoms) and each place's count as a sum
    of them ({atom: coefficient}). A group's count is its own; a unit's is what it holds beyond
    its groups (none for a figure shown per group: every count of it belongs to a group) plus
    its groups'; the municipality's is its units' plus what it holds beyond them (a citizen's
    notification)."""

    def __init__(self, world):
        from trivsel.figures.counting import counting_starts
        from trivsel.figures.models import FigureCount
        from trivsel.figures.suppression import OPEN
        from trivsel.organisation.models import Group, Unit

        self.layouts = _layouts()
        self.open = OPEN
        self.units = list(
            Unit.objects.filter(municipality=world.solby).values_list("pk", flat=True)
        )
        self.groups_of = {unit: [] for unit in self.units}
        self.by_name = {}
        for pk, name, unit_id, unit_name in Group.objects.filter(
            unit__municipality=world.solby
        ).values_list("pk", "name", "unit_id", "unit__name"):
            self.groups_of[unit_id].append(pk)
            self.by_name[("g", name)] = pk
            self.by_name[("u", unit_name)] = unit_id
        for pk, name in Unit.objects.filter(municipality=world.solby).values_list("pk", "name"):
            self.by_name[("u", name)] = pk
        today = timezone.localdate()
        self.months = [date_of(today.replace(day=1), back) for back in range(30)]
        self.months = [month for month in self.months if month >= counting_starts(today)]
        stored = {}
        for figure, level, unit, group, month, key, count in FigureCount.objects.filter(
            municipality=world.solby
        ).values_list("figure", "level", "unit_id", "group_id", "month", "key", "count"):
            stored[(figure, level, unit, group, month, key)] = count
        self.values = {}
        for (figure, level, unit, group, month, key), count in stored.items():
            if level == "group":
                self._add((figure, "g", group, month, key), count)
            elif level == "unit":
                beyond = count - sum(
                    stored.get((figure, "group", unit, g, month, key), 0)
                    for g in self.groups_of[unit]
                )
                self._add((figure, "u", unit, month, key), beyond)
            else:
                of_units = sum(
                    stored.get((figure, "unit", u, None, month, key), 0) for u in self.units
                )
                self._add((figure, "m", None, month, key), count - of_units)

    def _add(self, atom, count):
        assert count >= 0, atom
        if count:
            self.values[atom] = self.values.get(atom, 0) + count

    def group(self, figure, group, month, key):
        return {(figure, "g", group, month, key): Fraction(1)}

    def unit(self, figure, unit, month, key):
        layout = self.layouts[figure]
        form = {(figure, "u", unit, month, key): Fraction(1)}
        if layout.place_rows:
            form = {}
        for group in self.groups_of[unit]:
            form |= self.group(figure, group, month, key)
        return form

    def municipality(self, figure, month, key):
        layout = self.layouts[figure]
        form = {
            atom: value
            for unit in self.units
            for atom, value in self.unit(figure, unit, month, key).items()
        }
        if layout.municipality == self.open:
            form[(figure, "m", None, month, key)] = Fraction(1)
        return form

    def known(self):
        """The sums a viewer knows are zero whatever the counts: two figures of the same things
        (same_total_as) have the same total at every place and month."""
        forms = []
        for layout in self.layouts.values():
            if not layout.same_total_as:
                continue
            other = self.layouts[layout.same_total_as]
            for month in self.months:
                places = [("m", None)] + [("u", unit) for unit in self.units]
                places += [("g", g) for unit in self.units for g in self.groups_of[unit]]
                for kind, place in places:
                    form = {}
                    for figure, sign in ((layout.figure, 1), (other.figure, -1)):
                        for key in self.layouts[figure].keys:
                            form[(figure, kind, place, month, key)] = Fraction(sign)
                    forms.append(form)
        return forms


def _visible(world, reckoning, user):
    """Every cell of the tables through every place and period she may choose:
    [(table key, {atom: coefficient} it adds up, shown value or None when hidden)]."""
    from trivsel.figures.forms import FigureFilterForm
    from trivsel.figures.periods import months_of
    from trivsel.figures.presentation import shown_tables
    from trivsel.figures.selectors import figures_for

    form = FigureFilterForm(user=user)
    caseworkers = _caseworkers(world)
    cells = []
    for place, _label in form.fields["sted"].choices:
        for period_key, _label in form.fields["periode"].choices:
            scope, period, sections = figures_for(
                user, place=place, period_key=period_key, purpose="test"
            )
            months = months_of(period)
            for section in shown_tables(sections):
                for shown in section["tables"]:
                    table = shown["table"].key
                    assert table in TABLES, f"{table}: a table this test does not attack"
                    figure, rows = TABLES[table]
                    if figure == "caseload":
                        for label, value in shown["body"]:
                            cells.append((table, {("caseload", label): Fraction(1)}, _value(value)))
                        if shown["footer"]:
                            total = {("caseload", label): Fraction(1) for label in caseworkers}
                            cells.append((table, total, _value(shown["footer"][1])))
                        continue
                    keys = reckoning.layouts[figure].keys

                    def place_of(kind, pk, figure=figure):
                        nodes = reckoning.group if kind == "g" else reckoning.unit
                        return lambda month, key: nodes(figure, pk, month, key)

                    def scope_of(figure=figure, scope=scope):
                        if scope.whole_municipality:
                            return lambda month, key: reckoning.municipality(figure, month, key)
                        return _summed(
                            [place_of("u", unit) for unit in scope.unit_ids],
                        )

                    row_months = [None] if rows.endswith("today") else months
                    kind = "g" if len(scope.unit_ids) == 1 else "u"
                    for index, (label, *values) in enumerate(shown["body"]):
                        if rows == "month":
                            node, at_months = scope_of(), [months[index]]
                        elif rows == "today":
                            node, at_months = scope_of(), [None]
                        else:
                            node = place_of(kind, reckoning.by_name[(kind, label)])
                            at_months = row_months
                        cells += _row(table, node, values, keys, at_months)
                    if shown["footer"]:
                        if rows.startswith("place"):
                            footer_node = _summed([place_of("u", u) for u in scope.unit_ids])
                        else:
                            footer_node = scope_of()
                        cells += _row(table, footer_node, shown["footer"][1:], keys, row_months)
    return cells


def _caseworkers(world):
    from referrals.models import Status, Underretning

    rows = (
        Underretning.objects.filter(municipality=world.solby, assigned_to__isnull=False)
        .exclude(status=Status.CLOSED)
        .values_list("assigned_to__first_name", "assigned_to__last_name", "child")
        .order_by()
        .distinct()
    )
    counted = {}
    for first, last, _child in rows:
        label = f"{first} {last}".strip()
        counted[label] = counted.get(label, 0) + 1
    return counted


def _value(shown):
    return None if shown == "skjult" else shown


def _summed(nodes):
    def node(month, key):
        form = {}
        for one in nodes:
            for atom, value in one(month, key).items():
                form[atom] = form.get(atom, 0) + value
        return form

    return node


def _row(table, node, values, keys, months):
    """A row's cells (the keys, then the total when there are several; a share after them is no
    count) as (table, {atom: coefficient}, value)."""
    columns = [[key] for key in keys] + ([list(keys)] if len(keys) > 1 else [])
    cells = []
    for value, its_keys in zip(values, columns, strict=False):
        form = {}
        for month in months:
            for key in its_keys:
                for atom, coefficient in node(month, key).items():
                    form[atom] = form.get(atom, 0) + coefficient
        cells.append((table, form, _value(value)))
    return cells


def _given_away(cells, known):
    """{table: [hidden sums whose value follows from the shown ones]}, the shown and the hidden
    sums. A shown zero gives away every count in it (none is negative)."""
    known_zero = set().union(*(form for _t, form, value in cells if value == 0))

    def without_zeros(form):
        return frozenset((a, c) for a, c in form.items() if a not in known_zero and c)

    shown = {without_zeros(form) for _t, form, value in cells if value}
    shown |= {without_zeros(form) for form in known}
    hidden = {}
    for table, form, value in cells:
        if value is None:
            hidden.setdefault(without_zeros(form), set()).add(table)
    order = {
        atom: index
        for index, atom in enumerate(sorted({a for s in shown for a, _c in s}, key=repr))
    }
    basis = _echelon(shown, order)
    given_away = {}
    for form, tables in hidden.items():
        if not _reduce(basis, form, order):
            for table in tables:
                given_away.setdefault(table, []).append(form)
    return given_away, shown, hidden


def _echelon(forms, order):
    """Row echelon form (pivot atom -> row with 1 there), in exact fractions."""
    basis = {}
    for form in forms:
        row = _reduce(basis, form, order)
        if row:
            pivot = min(row, key=order.__getitem__)
            scale = row[pivot]
            basis[pivot] = {atom: value / scale for atom, value in row.items()}
    return basis


def _reduce(basis, form, order):
    """What is left of the row after subtracting the basis rows (each row's pivot is its
    smallest atom, so the pivots are taken in increasing order once). An atom no shown sum holds
    cannot be cancelled: the row is left as it is."""
    row = dict(form)
    if any(atom not in order for atom in row):
        return row
    while pivots := [atom for atom in row if atom in basis]:
        pivot = min(pivots, key=order.__getitem__)
        factor = row[pivot]
        for atom, value in basis[pivot].items():
            row[atom] = row.get(atom, 0) - factor * value
            if not row[atom]:
                del row[atom]
    return row


def _subtracted(shown, hidden):
    """The attack as a viewer tries it: a shown count minus shown counts inside it (the sums of
    whole counts only)."""

    def plain(form):
        return (
            {atom for atom, coefficient in form if coefficient == 1}
            if all(coefficient == 1 for _atom, coefficient in form)
            else None
        )

    shown_sets = [s for s in map(plain, shown) if s]
    found = []
    for target in filter(None, map(plain, hidden)):
        for whole in shown_sets:
            if not target < whole:
                continue
            rest = set(whole - target)
            for part in sorted((p for p in shown_sets if p <= rest), key=len, reverse=True):
                if part <= rest:
                    rest -= part
            if not rest:
                found.append(target)
                break
    return found


@pytest.mark.parametrize("persona", ["fagchef", "area_leader"])
def test_no_hidden_count_can_be_worked_out_through_every_place_and_period(districts, persona):
    user = getattr(districts, persona)
    reckoning = _Reckoning(districts)
    cells = _visible(districts, reckoning, user)
    values = reckoning.values | {
        ("caseload", label): n for label, n in _caseworkers(districts).items()
    }
    # The test reads each cell as the sum it is (or what it proves would prove nothing).
    wrong = [
        (table, value)
        for table, form, value in cells
        if value is not None and value != sum(c * values.get(a, 0) for a, c in form.items())
    ]
    assert wrong == []
    # A count hidden in one view and shown in another would undo the hiding (a unit's total in
    # its own table of groups, in its district's table and in the municipality's).
    seen = {}
    for table, form, value in cells:
        seen.setdefault(frozenset(form.items()), set()).add((table, value is None))
    assert [tables for tables in seen.values() if len({hidden for _t, hidden in tables}) > 1] == []
    given_away, shown, hidden = _given_away(cells, reckoning.known())
    # Every table she sees holds something to attack: counts shown and counts hidden.
    tables = {table for table, _form, _value in cells}
    attacked = {table for table, _form, value in cells if value is None}
    assert tables - attacked == set()
    assert _subtracted(shown, hidden) == []
    assert given_away == {}


def test_the_csv_and_the_pdf_hide_the_same_cells_as_the_page(districts, login, tmp_path):
    """What the attack above reads from the page is what the exports give: for every table of a
    district's figures with a hidden cell, the CSV holds the page's rows cell for cell and the
    PDF report the same cells in the same order."""
    import csv
    import io
    import subprocess
    from collections import Counter

    from django.urls import reverse

    client = login(districts.fagchef)
    query = {"sted": "d:Nord", "periode": "12m"}
    page = client.get(reverse("figures:figures"), query)
    pdf = tmp_path / "tal.pdf"
    pdf.write_bytes(client.get(reverse("figures:figures_pdf"), query).content)
    words = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split()

    def without_total(words):
        return [word for word in words if word not in ("I", "alt")]

    text = " ".join(without_total(words))
    captions = {
        str(shown["table"].caption)
        for section in page.context["sections"]
        for shown in section["tables"]
    }
    compared = []
    for section in page.context["sections"]:
        for shown in section["tables"]:
            rows = [*shown["body"], *([shown["footer"]] if shown["footer"] else [])]
            if not any("skjult" in row for row in rows):
                continue
            table = shown["table"]
            url = reverse("figures:figures_csv", args=[section["key"], table.key])
            response = client.get(url, query)
            exported = list(
                csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
            )
            assert exported[3:] == [[str(cell) for cell in row] for row in rows], table.key
            # pdftotext does not keep a table's cells in order (a row label may come last): the
            # PDF's part from the caption to the next holds the same cells and as many hidden.
            cells = without_total(
                [word for row in rows for cell in row for word in str(cell).split()]
            )
            start = text.index(str(table.caption))
            end = min(
                [text.find(c, start + 1) for c in captions if c in text[start + 1 :]] or [None]
            )
            part = text[start:end].split()
            assert Counter(cells) <= Counter(part), table.key
            assert part.count("skjult") == cells.count("skjult"), table.key
            compared.append(table.key)
    assert {"source", "handovers", "parents-present", "rated-by-deadline"} <= set(compared)
