"""Small numbers hidden so that no child can be singled out by a figure (issue #18).

A table of counts is a set of equations: each row's cells add up to its total, each column's
cells to its total, and the totals to the grand total. A cell counting 1 to `minimum - 1`
children is hidden (primary suppression). A hidden cell must not be worked out from what is
shown, so every equation with exactly one hidden member gets a second one: the smallest shown
member of that equation (secondary suppression), repeated until no equation has exactly one.

Zeros are shown. A zero counts no child, so nobody can be singled out by it; hiding zeros too
would force the whole table away, since a row of hidden zeros sums to a shown zero total.
"""

HIDDEN = None


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
    """`counts`: a list of rows of non-negative integers (a table with at least one cell).

    Returns (cells, row_totals, column_totals, grand_total) with every hidden value replaced by
    HIDDEN (None)."""
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

    hidden = {place for place, n in value.items() if 0 < n < minimum}
    equations = _equations(rows, columns)
    # A member of a line whose total is 0 is 0 itself (counts are never negative): hiding it
    # protects nothing, so it is never taken as the second hidden member.
    known_zero = {place for members in equations if value[members[-1]] == 0 for place in members}
    changed = True
    while changed:
        changed = False
        for members in equations:
            if sum(place in hidden for place in members) != 1:
                continue
            shown = [place for place in members if place not in hidden]
            useful = [place for place in shown if place not in known_zero]
            # Hide what loses least: a cell before a total, the smallest number first (a hidden
            # zero protects too: the split between it and the other hidden member is unknown).
            total_place = members[-1]
            useful.sort(key=lambda place: (place == total_place, value[place], place))
            hidden.add(useful[0] if useful else shown[0])
            changed = True

    def shown_or_hidden(place):
        return HIDDEN if place in hidden else value[place]

    cells = [[shown_or_hidden((r, c)) for c in range(columns)] for r in range(rows)]
    row_totals = [shown_or_hidden((r, columns)) for r in range(rows)]
    column_totals = [shown_or_hidden((rows, c)) for c in range(columns)]
    return cells, row_totals, column_totals, shown_or_hidden((rows, columns))
