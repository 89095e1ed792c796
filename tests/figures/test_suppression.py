"""Small counts are hidden, and so is anything they could be worked out from (issue #18)."""

import itertools
import math
import random

from trivsel.figures.suppression import suppress


def _feasible_values(cells, row_totals, column_totals, grand, place):
    """Every value the hidden cell at `place` can take, for someone who knows the shown numbers
    and that counts are whole numbers of at least 0 (brute force: small tables only; no count can
    exceed a shown total of its row or column, or the grand total)."""
    rows, columns = len(cells), len(cells[0])
    hidden = [(r, c) for r in range(rows) for c in range(columns) if cells[r][c] is None]
    largest = grand if grand is not None else 60

    def bound(r, c):
        shown = [total for total in (row_totals[r], column_totals[c]) if total is not None]
        return min(shown + [largest])

    values = set()
    ranges = [range(bound(r, c) + 1) for r, c in hidden]
    if math.prod(len(each) for each in ranges) > 20_000:
        return None  # too many guesses for brute force; the rule's own test covers such tables
    for guess in itertools.product(*ranges):
        table = [list(row) for row in cells]
        for (r, c), value in zip(hidden, guess, strict=True):
            table[r][c] = value
        sums = [sum(row) for row in table]
        if any(
            shown is not None and shown != total
            for shown, total in zip(row_totals, sums, strict=True)
        ):
            continue
        column_sums = [sum(table[r][c] for r in range(rows)) for c in range(columns)]
        if any(
            shown is not None and shown != total
            for shown, total in zip(column_totals, column_sums, strict=True)
        ):
            continue
        if grand is not None and grand != sum(sums):
            continue
        values.add(table[place[0]][place[1]])
    return values


def test_it_hides_counts_below_the_minimum_and_shows_the_rest():
    cells, rows, columns, grand = suppress([[12, 7], [9, 30]], minimum=5)
    assert cells == [[12, 7], [9, 30]]
    assert rows == [19, 39] and columns == [21, 37] and grand == 58


def test_it_hides_a_second_cell_so_the_first_cannot_be_worked_out_from_the_total():
    cells, row_totals, _columns, _grand = suppress([[20, 3, 9]], minimum=5)
    assert cells[0][1] is None
    # 20 + ? + 9 = 32 would give the 3 away: another member of the row is hidden too.
    hidden = [value is None for value in cells[0]] + [row_totals[0] is None]
    assert sum(hidden) >= 2


def test_it_shows_zeros():
    cells, _rows, _columns, _grand = suppress([[20, 0], [15, 0]], minimum=5)
    assert cells == [[20, 0], [15, 0]]


def test_a_total_below_the_minimum_is_hidden_too():
    _cells, row_totals, column_totals, grand = suppress([[1, 2]], minimum=5)
    assert row_totals == [None] and grand is None and column_totals == [None, None]


def _random_tables(generator, count, *, largest):
    for _attempt in range(count):
        rows, columns = generator.randint(1, largest), generator.randint(1, largest)
        yield [
            [generator.choice([0, 1, 2, 3, 4, 5, 6, 9, 12]) for _c in range(columns)]
            for _r in range(rows)
        ]


def test_no_hidden_small_count_can_be_worked_out_from_what_is_shown():
    """The difference attack, tried by brute force on random small tables: for every hidden
    count of 1–4, what is shown must leave more than one value possible."""
    generator = random.Random(18)
    tried = 0
    for counts in _random_tables(generator, 400, largest=3):
        cells, row_totals, column_totals, grand = suppress(counts, minimum=5)
        for r, c in itertools.product(range(len(counts)), range(len(counts[0]))):
            if 0 < counts[r][c] < 5:
                assert cells[r][c] is None, counts
                possible = _feasible_values(cells, row_totals, column_totals, grand, (r, c))
                if possible is not None:
                    tried += 1
                    assert len(possible) > 1, (counts, cells, row_totals, column_totals, grand)
    assert tried > 100


def test_no_row_or_column_of_any_size_has_exactly_one_hidden_member():
    """The rule behind it, on larger tables: a line (its cells and its total) with exactly one
    hidden member would give that member away by subtraction."""
    generator = random.Random(1805)
    for counts in _random_tables(generator, 300, largest=8):
        cells, row_totals, column_totals, grand = suppress(counts, minimum=5)
        lines = [row + [total] for row, total in zip(cells, row_totals, strict=True)]
        lines += [[row[c] for row in cells] + [column_totals[c]] for c in range(len(column_totals))]
        lines += [column_totals + [grand], row_totals + [grand]]
        for line in lines:
            assert sum(value is None for value in line) != 1, (counts, line)


def test_a_count_pinned_by_several_equations_together_is_found_and_protected():
    """Every row and column below has two hidden members or more, yet the cell joining the two
    hidden rectangles follows from rows 1-2 less columns 1-2: the exact check finds it, and the
    rule hides more until nothing follows."""
    from trivsel.figures.suppression import Equation, determined_cells, suppress_linked

    counts = [[2, 9, 7, 8], [9, 2, 3, 6], [8, 7, 2, 9], [6, 8, 9, 3]]
    cells = {(r, c): counts[r][c] for r in range(4) for c in range(4)}
    values = dict(cells)
    equations = []
    for r in range(4):
        values[(r, "total")] = sum(counts[r])
        equations.append(Equation((r, "total"), [(r, c) for c in range(4)]))
    for c in range(4):
        values[("total", c)] = sum(row[c] for row in counts)
        equations.append(Equation(("total", c), [(r, c) for r in range(4)]))
    rectangles = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)}
    assert determined_cells(rectangles | {(1, 2)}, equations).keys() == {(1, 2)}

    hidden = suppress_linked(values, equations, minimum=5)
    assert {(0, 0), (1, 1), (1, 2), (2, 2), (3, 3)} <= hidden
    assert determined_cells(hidden, equations) == {}
