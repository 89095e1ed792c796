"""Small numbers hidden so that no child can be singled out by a figure (issue #18).

Every count /tal/ can show, through any place, any period and any export, is one cell of ONE
system per municipality, and the cells are hidden there, all at once, by the figures job: a
table never decides on its own what it hides.

Why one system: a table of counts is a set of equations (each row's cells add up to its total,
each column's to its total), but so is the filter. A district's count is the sum of its units',
the municipality's the sum of its districts', a unit's the sum of its groups', a year's the sum
of its quarters' and a quarter's the sum of its months'; and two tables of the same meetings
share their totals. Hiding per rendered table let a viewer subtract: the district's table minus
the shown units gave the hidden unit. So the cells are (figure, place, time, column):

- places: the municipality ("m", its own count, which may hold more than its units: a citizen's
  notification belongs to no unit), all its units together ("a"), each district ("d:<name>"),
  each unit ("u:<pk>") and each group ("g:<pk>");
- times: each month, each quarter, each period the filter offers (every period is made of whole
  quarters: periods.py), or "now" for the counts of the day of the refresh;
- columns: the table's keys and their total ("*").

The rule (linked suppression):

1. A cell counting 1 to `minimum - 1` is hidden (primary suppression). Zeros are shown: a zero
   counts no child, and hiding zeros would force whole tables away.
2. Every equation with exactly one hidden member gets a second one: the least useful shown
   member (a column before a total, a group before a unit before a district, a month or quarter
   before a longer period; then the smallest count), until no equation has exactly one.
3. That is not enough in a system of this many linked equations (a hidden cell can be pinned by
   several equations together: the municipality less one district gives the other), so the
   result is checked exactly: Gauss-Jordan elimination in whole numbers (no rounding) on the
   hidden members of the equations, one connected part at a time. A hidden cell can be worked
   out exactly when its unit vector is in the row space of those equations, i.e. when its row of
   the reduced echelon form has no other hidden member; the shown members left in that row are
   what it is worked out from, and the least useful of them is hidden too. Steps 2-3 are
   repeated until no hidden cell can be worked out.

Why this, and not rounding: controlled rounding would change every figure a leader reads (a group
of 12 children shown as 10), while the differencing it prevents is prevented here by hiding a
few more cells, mostly small ones beside the small count; the rest of the figures stay exact.
Computing it in the job for the whole municipality, not per look, keeps /tal/ as fast as before
(one more query, for the hidden cells) and gives every viewer, every filter and every export the
same hidden cells. A place a viewer can choose that is not one of the places above (a leader's
own several units together, her units of a district) is shown only where all of its units' cells
are shown, so it adds nothing that cannot be added up from shown cells.

What it costs: at the scale of bench/figures.py (261 units in 6 districts, 5,016 groups, about
a million marks) the job hides 133,429 cells in about 30 s; about half of the agreed positions'
non-zero cells are hidden (28 % of them are below five), almost all of them a group's or a
unit's yellow or red positions, and no total of a unit, a district or the municipality. In a
very small municipality most of a year's yellow and red positions per unit are hidden: that is
what five means there. A figure that splits another's column in two is the costly case: linked,
the hiding cascades through both (so the follow-up table shows one part only: Layout).

What it does not promise: cells no table shows (a quarter of the current year the filter does
not offer yet) count as shown, which only ever hides more; and a hidden count is not worked out
*exactly*, though the shown ones and the rule that no count is negative may still bound it (as
with any suppression).
"""

from collections import defaultdict, namedtuple
from dataclasses import dataclass
from math import gcd

HIDDEN = None
TOTAL = "*"
NOW = "now"

# weight × value(total) == the sum of the values of the parts.
Equation = namedtuple("Equation", "total parts weight", defaults=[1])


def _equations(rows, columns):
    """Each equation as the list of its members' (row, column) places, the total last.

    Places: (r, c) a cell; (r, columns) the row's total; (rows, c) the column's total;
    (rows, columns) the grand total."""
    by_row = [[(r, c) for c in range(columns)] + [(r, columns)] for r in range(rows)]
    by_column = [[(r, c) for r in range(rows)] + [(rows, c)] for c in range(columns)]
    totals_row = [[(rows, c) for c in range(columns)] + [(rows, columns)]]
    totals_column = [[(r, columns) for r in range(rows)] + [(rows, columns)]]
    return by_row + by_column + totals_row + totals_column


def suppress(counts, *, minimum):
    """One table on its own (the caseload per caseworker, which no filter changes): the same
    rule as `suppress_linked`, with the table's rows, columns and totals as the equations.

    `counts`: a list of rows of non-negative integers. Returns (cells, row_totals,
    column_totals, grand_total) with every hidden value replaced by HIDDEN (None)."""
    rows = len(counts)
    columns = len(counts[0]) if rows else 0
    if not rows or not columns:
        return [], [], [], 0
    value = {(r, c): counts[r][c] for r in range(rows) for c in range(columns)}
    for r in range(rows):
        value[(r, columns)] = sum(counts[r])
    for c in range(columns):
        value[(rows, c)] = sum(counts[r][c] for r in range(rows))
    value[(rows, columns)] = sum(value[(r, columns)] for r in range(rows))
    equations = [Equation(members[-1], members[:-1]) for members in _equations(rows, columns)]
    hidden = suppress_linked(
        value,
        equations,
        minimum=minimum,
        rank=lambda place: (place[0] == rows) + (place[1] == columns),
    )

    def shown_or_hidden(place):
        return HIDDEN if place in hidden else value[place]

    cells = [[shown_or_hidden((r, c)) for c in range(columns)] for r in range(rows)]
    row_totals = [shown_or_hidden((r, columns)) for r in range(rows)]
    column_totals = [shown_or_hidden((rows, c)) for c in range(columns)]
    return cells, row_totals, column_totals, shown_or_hidden((rows, columns))


def suppress_linked(values, equations, *, minimum, rank=lambda cell: 0):
    """The hidden cells of a system of counts: `values` {cell: count}, `equations` a list of
    Equation over those cells, `rank(cell)` how useful a cell is to the reader (lower: hidden
    first as a second member). Returns the set of hidden cells; see the module's docstring."""
    hidden = {cell for cell, count in values.items() if 0 < count < minimum}
    of_cell = defaultdict(list)
    for index, equation in enumerate(equations):
        for cell in (equation.total, *equation.parts):
            of_cell[cell].append(index)

    def least_useful(members):
        shown = [cell for cell in members if cell not in hidden and values[cell] > 0]
        if not shown:
            return None
        return min(shown, key=lambda cell: (rank(cell), values[cell], repr(cell)))

    todo = list(range(len(equations)))
    while True:
        while todo:
            equation = equations[todo.pop()]
            members = (equation.total, *equation.parts)
            if sum(cell in hidden for cell in members) == 1:
                second = least_useful(members)
                if second is not None:
                    hidden.add(second)
                    todo.extend(of_cell[second])
        pinned = determined_cells(hidden, equations, of_cell)
        for cell in sorted(pinned, key=repr):
            # The shown counts it follows from: hiding one of them undoes this reckoning.
            second = least_useful(pinned[cell])
            if second is not None:
                hidden.add(second)
                todo.extend(of_cell[second])
        if not todo:
            return hidden


def determined_cells(hidden, equations, of_cell=None):
    """The hidden cells whose value follows from the shown ones by the equations, each with the
    shown cells it follows from: {cell: [shown cell, …]}. Exact (whole numbers, no rounding):
    Gauss-Jordan elimination on the hidden members, one connected part at a time."""
    if of_cell is None:
        of_cell = defaultdict(list)
        for index, equation in enumerate(equations):
            for cell in (equation.total, *equation.parts):
                of_cell[cell].append(index)
    parent = {cell: cell for cell in hidden}

    def root(cell):
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    rows = {}
    for cell in hidden:
        for index in of_cell[cell]:
            if index in rows:
                continue
            equation = equations[index]
            row = defaultdict(int)
            row[equation.total] -= equation.weight
            for part in equation.parts:
                row[part] += 1
            rows[index] = {member: value for member, value in row.items() if value}
            first, *others = [member for member in rows[index] if member in hidden]
            for other in others:
                parent[root(other)] = root(first)
    parts = defaultdict(list)
    for index in sorted(rows):
        first = next(member for member in rows[index] if member in hidden)
        parts[root(first)].append(rows[index])
    found = {}
    for part_rows in parts.values():
        found |= _pinned(part_rows, hidden)
    return found


def _pinned(rows, hidden):
    """Gauss-Jordan on sparse integer rows ({cell: coefficient}), pivoting on hidden cells only:
    a pivot whose reduced row has no other hidden member is worked out from the shown members
    left in its row. Returns {pivot: those shown members}."""
    pivots = {}  # pivot -> its reduced row
    holding = defaultdict(set)  # hidden cell -> the pivots whose rows hold it
    # Short rows first, and the pivot a cell in few rows: the reduced rows stay short.
    occurs = defaultdict(int)
    for row in rows:
        for cell in row:
            occurs[cell] += 1
    for row in sorted(rows, key=len):
        for cell in [cell for cell in row if cell in pivots]:
            if cell in row:
                row = _eliminate(row, pivots[cell], cell)
        members = [cell for cell in row if cell in hidden]
        if not members:
            continue
        pivot = min(members, key=lambda cell: (len(holding[cell]), occurs[cell], repr(cell)))
        for other in list(holding[pivot]):
            old = pivots[other]
            new = pivots[other] = _eliminate(old, row, pivot)
            for cell in old.keys() - new.keys():
                holding[cell].discard(other)
            for cell in new.keys() - old.keys():
                if cell in hidden:
                    holding[cell].add(other)
        pivots[pivot] = row
        for cell in members:
            holding[cell].add(pivot)
    return {
        pivot: [cell for cell in row if cell not in hidden]
        for pivot, row in pivots.items()
        if sum(cell in hidden for cell in row) == 1
    }


def _eliminate(row, pivot_row, cell):
    """`row` without `cell`: row × a − pivot_row × b (whole numbers), divided by the gcd."""
    a, b = pivot_row[cell], row[cell]
    result = {member: value * a for member, value in row.items()}
    for member, value in pivot_row.items():
        result[member] = result.get(member, 0) - b * value
    result = {member: value for member, value in result.items() if value}
    divisor = gcd(*result.values()) if result else 1
    return {member: value // divisor for member, value in result.items()}


# --- The system of one municipality's figures -------------------------------------------------

SUM, OPEN = "sum", "open"
_NODE_RANK = {"g": 0, "u": 1, "d": 2, "a": 3, "m": 3}


@dataclass(frozen=True)
class Layout:
    """How a figure is shown on /tal/, as far as hiding needs to know. The apps declare theirs
    (`figure_layouts`) next to the tables that show them.

    `keys`: the columns as stored, in the tables' order (other keys are not shown, so they are
    no member of the total either). `scope_rows`: tables of the scope's units together, a row
    per month of the period (or one row of today); the municipality, each district and each unit
    can be chosen. `place_rows`: tables with a row per unit, or per group of the one unit chosen;
    every count of such a figure belongs to a group. `today`: the counts of the day of the
    refresh, no periods. `municipality`: how the municipality's own count ("m") relates to its
    units': SUM (it is their sum) or OPEN (it also holds what belongs to no unit).
    `same_total_as`: a figure counting the same things (its total is ours). A figure that would
    split another's column (the follow-up of the yellow positions into done and not done) must
    show one part only: both parts would add up to the other's column, and linking them makes
    hiding cascade through both figures (screening.figures.FOLLOW_UP)."""

    figure: str
    keys: tuple
    scope_rows: bool = False
    place_rows: bool = False
    today: bool = False
    municipality: str = OPEN
    same_total_as: str = ""


def month_key(month):
    return f"{month.year}-{month.month:02d}"


def quarter_key(start):
    return f"{start.year}-k{(start.month - 1) // 3 + 1}"


def _months_between(start, end):
    months, month = [], start
    while month < end:
        months.append(month)
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return months


def _rank(cell):
    _figure, node, time, key = cell
    longer = time not in (NOW,) and "-" not in time  # a year or the last four quarters
    return (key == TOTAL) + _NODE_RANK[node[0]] + longer + (time == "12m")


def hidden_figures(layouts, *, counts, units, groups, periods, minimum):
    """The hidden cells {(figure, place, time, key)} of one municipality's figures.

    `counts`: {(figure, place, month or None, key): count} for the places "m", "u:<pk>" and
    "g:<pk>" (the job's levels; None: the day of the refresh); `units`: {unit pk: district};
    `groups`: {group pk: unit pk}; `periods`: the periods the filter offers, each made of whole
    quarters."""
    values, equations = linked_system(
        layouts, counts=counts, units=units, groups=groups, periods=periods
    )
    return suppress_linked(values, equations, minimum=minimum, rank=_rank)


def linked_system(layouts, *, counts, units, groups, periods):
    """(values {cell: count}, equations): every cell /tal/ can show, and how they add up."""
    quarters = {}
    for month in _months_between(
        min(period.start for period in periods), max(period.end for period in periods)
    ):
        quarters.setdefault(quarter_key(month), []).append(month)
    longer = [
        (period.key, sorted({quarter_key(m) for m in _months_between(period.start, period.end)}))
        for period in periods
        if period.key not in quarters
    ]
    places = _Places(units, groups)
    by_node = defaultdict(lambda: defaultdict(int))  # (figure, node) -> {(month, key): count}
    for (figure, node, month, key), count in counts.items():
        by_node[(figure, node)][(month, key)] += count

    values, equations = {}, []
    for layout in layouts:
        times = set()
        for node, months_shown in places.nodes(layout).items():
            counted = places.counted(by_node, layout.figure, node)
            cells, sums = _cells_of(layout, node, counted, quarters, longer, months_shown)
            values |= cells
            equations += sums
            times |= {time for _f, _n, time, _k in cells}
        equations += places.equations(layout, times, values)
    for layout in layouts:
        equations += _links(layout, values)
    return values, equations


class _Places:
    """The places of one municipality: "m", "a", "d:<district>", "u:<pk>", "g:<pk>"."""

    def __init__(self, units, groups):
        self.districts = defaultdict(list)
        for unit, district in sorted(units.items()):
            if district:
                self.districts[f"d:{district}"].append(f"u:{unit}")
        self.units = [f"u:{unit}" for unit in sorted(units)]
        self.groups_of = defaultdict(list)
        for group, unit in sorted(groups.items()):
            self.groups_of[f"u:{unit}"].append(f"g:{group}")

    def nodes(self, layout):
        """{place: whether its months are shown} for the places a figure can be shown for."""
        nodes = {}
        if layout.scope_rows:
            nodes |= dict.fromkeys(["m", *self.districts, *self.units], True)
        if layout.place_rows:
            groups = [group for unit in self.units for group in self.groups_of[unit]]
            for node in ["a", *self.districts, *self.units, *groups]:
                nodes.setdefault(node, False)
        return nodes

    def counted(self, by_node, figure, node):
        if node[0] in "mug":
            return by_node[(figure, node)]
        total = defaultdict(int)
        for member in self.units if node == "a" else self.districts[node]:
            for place, count in by_node[(figure, member)].items():
                total[place] += count
        return total

    def equations(self, layout, times, values):
        # As a tree (each place the sum of the places right below it), so that a difference of
        # a place and all but one below it is one equation with that one as its member.
        sums = [(district, members, 1) for district, members in self.districts.items()]
        in_district = {unit for members in self.districts.values() for unit in members}
        top = [*self.districts, *(unit for unit in self.units if unit not in in_district)]
        sums.append(("a", top, 1))
        if layout.place_rows:
            sums += [(unit, self.groups_of[unit], 1) for unit in self.units if self.groups_of[unit]]
        if layout.municipality != OPEN:
            sums.append(("m", top, 1))
        equations = []
        for time in sorted(times):
            for key in [*layout.keys, TOTAL]:
                for total, parts, weight in sums:
                    whole = (layout.figure, total, time, key)
                    members = [(layout.figure, part, time, key) for part in parts]
                    if whole in values and all(member in values for member in members):
                        equations.append(Equation(whole, members, weight))
        return equations


def _cells_of(layout, node, counted, quarters, longer, months_shown):
    """One place's cells of a figure ({cell: count}) and their equations over time and keys."""
    figure, keys = layout.figure, list(layout.keys)
    times, equations = {}, []

    def over(total, parts):
        return [
            Equation((figure, node, total, key), [(figure, node, part, key) for part in parts])
            for key in [*keys, TOTAL]
        ]

    if layout.today:
        times[NOW] = {key: counted.get((None, key), 0) for key in keys}
    else:
        for quarter, months in quarters.items():
            times[quarter] = {key: sum(counted.get((m, key), 0) for m in months) for key in keys}
            if months_shown:
                for month in months:
                    times[month_key(month)] = {key: counted.get((month, key), 0) for key in keys}
                equations += over(quarter, [month_key(month) for month in months])
        for period, its_quarters in longer:
            times[period] = {key: sum(times[q][key] for q in its_quarters) for key in keys}
            equations += over(period, its_quarters)
    cells = {}
    for time, by_key in times.items():
        for key, count in by_key.items():
            cells[(figure, node, time, key)] = count
        cells[(figure, node, time, TOTAL)] = sum(by_key.values())
        equations.append(
            Equation((figure, node, time, TOTAL), [(figure, node, time, key) for key in keys])
        )
    return cells, equations


def _links(layout, values):
    """The equations between two figures of the same things: one total."""
    if not layout.same_total_as:
        return []
    return [
        Equation((layout.same_total_as, node, time, TOTAL), [(figure, node, time, TOTAL)])
        for figure, node, time, key in values
        if figure == layout.figure
        and key == TOTAL
        and (layout.same_total_as, node, time, TOTAL) in values
    ]
