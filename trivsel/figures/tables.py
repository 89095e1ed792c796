"""What the figures page shows: sections of tables, each a table of counts whose hidden cells were
decided by the figures job for the whole municipality (suppression.py) before anyone sees it.
The apps add their sections through `figure_sections` (trivsel/extension_points.py): the
platform cannot import them (DESIGN.md §2)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings

from trivsel.extension_points import ExtensionPoint

from .suppression import HIDDEN, suppress

# Each function is called as function(scope=FigureScope, period=Period) and returns a Section, or
# None when its figures are not for this scope (a unit leader sees no caseload, say).
figure_sections = ExtensionPoint("figure sections")


@dataclass(frozen=True)
class Period:
    key: str  # as it appears in the filter's query string, e.g. "2026-q3" or "12m"
    label: str
    start: date  # first day
    end: date  # the day after the last

    @property
    def last_day(self):
        return self.end - timedelta(days=1)


@dataclass(frozen=True)
class FigureScope:
    """Whose figures a person may see, and nothing about any child in them.

    `unit_ids`: the units counted (the filter narrows it, never widens it);
    `social_work`: the social-work side's figures (notifications, caseload);
    `whole_municipality`: no place filter narrows the social-work figures;
    `municipality_id`: the one tenant every query is filtered by."""

    municipality_id: int
    unit_ids: frozenset
    social_work: bool
    whole_municipality: bool
    label: str
    # The units she leads herself: only there may a figure link to her own list of the children
    # behind it (a list she can open anyway); nobody reaches a child through a figure otherwise.
    led_unit_ids: frozenset = frozenset()
    # The place of suppression.py whose counts are the scope's units together ("a", "d:<name>",
    # "u:<pk>"), or "" when there is none (a leader's several units).
    place: str = ""
    # The hidden cells of the scope, the period and today: {(figure, place, time, key)}.
    hidden: frozenset = frozenset()
    refreshed_at: object = None


class HiddenRows(list):
    """A table's rows ([(label, [count per column])]) with the cells the figures job hid of them
    and of their totals (True: hidden), as counting.hidden_rows reads them."""

    def __init__(self, rows, *, cells, row_totals, column_totals, grand_total):
        super().__init__(rows)
        self.cells = cells
        self.row_totals = row_totals
        self.column_totals = column_totals
        self.grand_total = grand_total

    def shown(self):
        """(cells, row_totals, column_totals, grand_total) as suppression.suppress gives them."""
        counts = [list(values) for _label, values in self]

        def shown(value, hidden):
            return HIDDEN if hidden else value

        cells = [
            [shown(value, hidden) for value, hidden in zip(row, flags, strict=True)]
            for row, flags in zip(counts, self.cells, strict=True)
        ]
        row_totals = [
            shown(sum(row), hidden) for row, hidden in zip(counts, self.row_totals, strict=True)
        ]
        column_sums = [sum(column) for column in zip(*counts, strict=True)] if counts else []
        column_totals = [
            shown(value, hidden)
            for value, hidden in zip(column_sums, self.column_totals, strict=True)
        ]
        return cells, row_totals, column_totals, shown(sum(map(sum, counts)), self.grand_total)


@dataclass
class Table:
    """A table of counts of children or cases: `rows` as (label, [count per column]).

    `share_of`: the index of a column whose share of the row's total is shown beside it (rated
    by the deadline, receipts in time), computed after suppression and shown only when both the
    cell and the total are."""

    key: str
    caption: str
    row_heading: str
    columns: list
    rows: list
    summary: str = ""
    chart: str = "bar"  # bar | stacked | line | none
    palette: str = "default"  # "positions": the screening positions' colours, in their order
    row_links: dict = field(default_factory=dict)  # {row label: address} on the page only
    share_of: int | None = None
    share_label: str = ""
    minimum: int = field(default_factory=lambda: settings.FIGURES_MINIMUM_COUNT)

    def suppressed(self):
        """The table as it may be shown: {"rows": [(label, cells, total, share)], "totals":
        column totals, "total": grand total}; hidden cells are None."""
        if not self.rows:
            return {"rows": [], "totals": [0] * len(self.columns), "total": 0, "total_share": None}
        if isinstance(self.rows, HiddenRows):
            cells, row_totals, column_totals, grand = self.rows.shown()
        else:  # a table no filter changes (the caseload): hidden on its own
            counts = [list(values) for _label, values in self.rows]
            cells, row_totals, column_totals, grand = suppress(counts, minimum=self.minimum)
        rows = [
            (label, row_cells, row_total, self._share(row_cells, row_total))
            for (label, _values), row_cells, row_total in zip(
                self.rows, cells, row_totals, strict=True
            )
        ]
        return {
            "rows": rows,
            "totals": column_totals,
            "total": grand,
            "total_share": self._share(column_totals, grand),
        }

    def _share(self, cells, total):
        if self.share_of is None:
            return None
        part = cells[self.share_of]
        if part is None or not total:
            return None
        return round(100 * part / total)


@dataclass
class Section:
    key: str
    heading: str
    tables: list
    order: int = 50
    intro: str = ""


def pivot(counted, *, columns, labels=None):
    """Table rows from (row key, column key, count) triples: [(label, [count per column])] in the
    order of `labels` ({row key: label}; every labelled row is kept, counted or not) or else by
    row key. `columns` lists the column keys in their order; other keys are ignored."""
    index = {key: position for position, key in enumerate(columns)}
    by_row = {}
    for row_key, column_key, count in counted:
        if column_key in index:
            by_row.setdefault(row_key, [0] * len(columns))[index[column_key]] += count
    if labels is None:
        return [(row_key, by_row[row_key]) for row_key in sorted(by_row)]
    return [(label, by_row.get(row_key, [0] * len(columns))) for row_key, label in labels.items()]
