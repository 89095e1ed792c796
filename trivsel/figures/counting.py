"""The figures job: every app counts its figures for a municipality, at the finest level it has
(a group, a unit, or nothing more precise than the municipality), and the totals of each unit
and of the municipality are added here. Then the counts /tal/ must not show are decided for the
whole municipality at once (suppression.py) and stored beside them. The page reads FigureCount
and HiddenFigure rows, never the marks or the notifications themselves (models.FigureCount)."""

from collections import Counter, namedtuple

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from trivsel.extension_points import ExtensionPoint
from trivsel.organisation.models import Group, Municipality, Unit

from .models import FigureCount, FigureRefresh, HiddenFigure
from .periods import month_label, months_of, periods_available
from .suppression import NOW, TOTAL, hidden_figures, month_key
from .tables import HiddenRows, pivot

# function(*, municipality_id, today) -> iterable of Counted, for each app's figures.
figure_counters = ExtensionPoint("figure counters")
# function() -> iterable of suppression.Layout: how each app shows its figures, for hiding.
figure_layouts = ExtensionPoint("figure layouts")

Counted = namedtuple("Counted", "figure unit_id group_id month key count")
BATCH = 5000


def counting_starts(today):
    """The first day counted: the oldest period /tal/ offers starts on or after it."""
    return today.replace(year=today.year - 2, month=1, day=1)


def figures_count(*, municipality_id, today=None):
    """Count one municipality's figures again and replace the old counts, in one transaction
    (a look at /tal/ meanwhile reads the old ones). Returns the number of counts stored."""
    today = today or timezone.localdate()
    group_level, unit_level, municipality_level = Counter(), Counter(), Counter()
    for counter in figure_counters:
        for row in counter(municipality_id=municipality_id, today=today):
            if not row.count:
                continue
            if row.group_id is not None:
                group_level[(row.figure, row.unit_id, row.group_id, row.month, row.key)] += (
                    row.count
                )
            if row.unit_id is not None:
                unit_level[(row.figure, row.unit_id, None, row.month, row.key)] += row.count
            municipality_level[(row.figure, None, None, row.month, row.key)] += row.count
    levels = (
        (FigureCount.Level.GROUP, group_level),
        (FigureCount.Level.UNIT, unit_level),
        (FigureCount.Level.MUNICIPALITY, municipality_level),
    )
    rows = [
        FigureCount(
            municipality_id=municipality_id,
            figure=figure,
            level=level,
            unit_id=unit_id,
            group_id=group_id,
            month=month,
            key=str(key),
            count=count,
        )
        for level, counted in levels
        for (figure, unit_id, group_id, month, key), count in counted.items()
    ]
    hidden = _hidden_rows(municipality_id, today, group_level, unit_level, municipality_level)
    with transaction.atomic():
        FigureCount.objects.filter(municipality_id=municipality_id).delete()
        FigureCount.objects.bulk_create(rows, batch_size=BATCH)
        HiddenFigure.objects.filter(municipality_id=municipality_id).delete()
        HiddenFigure.objects.bulk_create(hidden, batch_size=BATCH)
        FigureRefresh.objects.update_or_create(
            municipality_id=municipality_id,
            defaults={"refreshed_at": timezone.now(), "counted_for": today},
        )
    return len(rows)


def _hidden_rows(municipality_id, today, group_level, unit_level, municipality_level):
    counts = Counter()
    for (figure, _unit, group_id, month, key), count in group_level.items():
        counts[(figure, f"g:{group_id}", month, key)] += count
    for (figure, unit_id, _group, month, key), count in unit_level.items():
        counts[(figure, f"u:{unit_id}", month, key)] += count
    for (figure, _unit, _group, month, key), count in municipality_level.items():
        counts[(figure, "m", month, key)] += count
    units = dict(Unit.objects.filter(municipality_id=municipality_id).values_list("pk", "district"))
    groups = dict(Group.objects.filter(unit__in=units).values_list("pk", "unit_id"))
    layouts = [layout for provide in figure_layouts for layout in provide()]
    hidden = hidden_figures(
        layouts,
        counts=counts,
        units=units,
        groups=groups,
        periods=periods_available(today),
        minimum=settings.FIGURES_MINIMUM_COUNT,
    )
    return [
        HiddenFigure(
            municipality_id=municipality_id,
            figure=figure,
            place=place,
            unit_id=(int(place[2:]) if place.startswith("u:") else groups[int(place[2:])])
            if place[0] in "ug"
            else None,
            time=time,
            key=key,
        )
        for figure, place, time, key in sorted(hidden)
    ]


def figures_refresh():
    """Every municipality's figures (the Celery beat job)."""
    return {
        municipality_id: figures_count(municipality_id=municipality_id)
        for municipality_id in Municipality.objects.values_list("pk", flat=True)
    }


def counts_for(scope, figure, *, by, period=None):
    """The stored counts of `figure` for the scope: [(row id, row label, month, key, count)].

    `by`: "group" (a row per group of the scope's one unit), "unit" (a row per unit of the
    scope), "month" (a row per month, the scope's units together; the whole municipality's
    counts when the scope is the whole municipality). `period`: the counts of its months; None:
    the counts of the day of the refresh."""
    counts = FigureCount.objects.filter(municipality_id=scope.municipality_id, figure=figure)
    if period is None:
        counts = counts.filter(month__isnull=True)
    else:
        counts = counts.filter(month__gte=period.start, month__lt=period.end)
    if by == "group":
        counts = counts.filter(level=FigureCount.Level.GROUP, unit_id__in=scope.unit_ids)
        fields = ("group_id", "group__name")
    elif by == "unit":
        counts = counts.filter(level=FigureCount.Level.UNIT, unit_id__in=scope.unit_ids)
        fields = ("unit_id", "unit__name")
    elif scope.whole_municipality:
        counts = counts.filter(level=FigureCount.Level.MUNICIPALITY)
        fields = ()
    else:
        counts = counts.filter(level=FigureCount.Level.UNIT, unit_id__in=scope.unit_ids)
        fields = ()
    rows = counts.values_list(*fields, "month", "key").annotate(total=Sum("count")).order_by()
    if fields:
        return list(rows)
    return [(month, month, month, key, total) for month, key, total in rows]


def rows_by_month(scope, figure, columns, period):
    """A table's rows per month of the period, the scope's units together: [(month label,
    [count per column])], every month of the period present, with what is hidden of them
    (HiddenRows). `columns`: the keys, in order."""
    counted = counts_for(scope, figure, by="month", period=period)
    columns = [str(column) for column in columns]
    months = months_of(period)
    rows = pivot(
        ((month, key, n) for month, _label, _m, key, n in counted),
        columns=columns,
        labels={month: month_label(month) for month in months},
    )
    place = scope_place(scope, whole=True)
    return hidden_rows(
        scope,
        figure,
        rows,
        columns,
        rows_at=[(place, month_key(month)) for month in months],
        totals_at=(place, period.key),
    )


def row_of_today(scope, figure, columns, label):
    """A table's one row of the counts of the day of the refresh, the scope's units together."""
    counted = counts_for(scope, figure, by="month")
    columns = [str(column) for column in columns]
    rows = pivot(
        ((label, key, n) for _m, _l, _mm, key, n in counted),
        columns=columns,
        labels={label: label},
    )
    place = scope_place(scope, whole=True)
    return hidden_rows(scope, figure, rows, columns, rows_at=[(place, NOW)], totals_at=(place, NOW))


def scope_place(scope, *, whole=False):
    """The place whose counts are the scope's total (suppression.py), or "" when the scope is
    no such place (a leader's several units): then its units' places count. `whole`: a table of
    the municipality's own counts when the scope is the whole municipality."""
    return "m" if whole and scope.whole_municipality else scope.place


def hidden_rows(scope, figure, rows, columns, *, rows_at, totals_at):
    """The rows with what the figures job hid of them: `rows_at` the (place, time) of each row,
    `totals_at` that of the totals below them (the scope's place, the period)."""

    def hidden(place, time, key):
        if place:
            return (figure, place, time, key) in scope.hidden
        # Several units together, no place of their own: shown only when every unit's count is,
        # so it is only ever the sum of shown counts.
        return any((figure, f"u:{unit}", time, key) in scope.hidden for unit in scope.unit_ids)

    return HiddenRows(
        rows,
        cells=[[hidden(place, time, key) for key in columns] for place, time in rows_at],
        row_totals=[hidden(place, time, TOTAL) for place, time in rows_at],
        column_totals=[hidden(*totals_at, key) for key in columns],
        grand_total=hidden(*totals_at, TOTAL),
    )


def hidden_for(scope, period):
    """The hidden cells the scope's tables can show ({(figure, place, time, key)}), in one
    query: its own place's for the period's months, the period and today; the rows of its units
    (or of the one unit's groups) for the period and today, and for every month too where the
    scope is no place of its own (hidden_rows then reads its units')."""
    times = [month_key(month) for month in months_of(period)] + [period.key, NOW]
    own = {"m", "a", scope.place} - {""}
    below = Q(unit_id__in=scope.unit_ids)
    if scope.place:
        rowed = [
            layout.figure for provide in figure_layouts for layout in provide() if layout.place_rows
        ]
        below &= Q(time__in=[period.key, NOW], figure__in=rowed)
    if len(scope.unit_ids) > 1:
        below &= Q(place__startswith="u:")
    rows = HiddenFigure.objects.filter(
        Q(place__in=own) | below, municipality_id=scope.municipality_id, time__in=times
    )
    return frozenset(rows.values_list("figure", "place", "time", "key"))


def last_refresh(municipality_id):
    """(when, the day counted for) of the municipality's last count, or (None, None)."""
    return FigureRefresh.objects.filter(municipality_id=municipality_id).values_list(
        "refreshed_at", "counted_for"
    ).first() or (None, None)
