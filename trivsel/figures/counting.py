"""The figures job: every app counts its figures for a municipality, at the finest level it has
(a group, a unit, or nothing more precise than the municipality), and the totals of each unit
and of the municipality are added here. The page then reads FigureCount rows, never the marks or
the notifications themselves (models.FigureCount)."""

from collections import Counter, namedtuple

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from trivsel.extension_points import ExtensionPoint
from trivsel.organisation.models import Municipality

from .models import FigureCount, FigureRefresh
from .periods import month_label, months_of
from .tables import pivot

# function(*, municipality_id, today) -> iterable of Counted, for each app's figures.
figure_counters = ExtensionPoint("figure counters")

# `whole`: whether the count adds to the municipality's total. A handover counts for the unit
# that sent it and for the one that received it, but once for the municipality.
Counted = namedtuple("Counted", "figure unit_id group_id month key count whole", defaults=[True])
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
            if row.whole:
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
    with transaction.atomic():
        FigureCount.objects.filter(municipality_id=municipality_id).delete()
        FigureCount.objects.bulk_create(rows, batch_size=BATCH)
        FigureRefresh.objects.update_or_create(
            municipality_id=municipality_id, defaults={"refreshed_at": timezone.now()}
        )
    return len(rows)


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
    [count per column])], every month of the period present. `columns`: the keys, in order."""
    counted = counts_for(scope, figure, by="month", period=period)
    return pivot(
        ((month, key, n) for month, _label, _m, key, n in counted),
        columns=[str(column) for column in columns],
        labels={month: month_label(month) for month in months_of(period)},
    )


def row_of_today(scope, figure, columns, label):
    """A table's one row of the counts of the day of the refresh, the scope's units together."""
    counted = counts_for(scope, figure, by="month")
    return pivot(
        ((label, key, n) for _m, _l, _mm, key, n in counted),
        columns=[str(column) for column in columns],
        labels={label: label},
    )


def refreshed_at(municipality_id):
    return (
        FigureRefresh.objects.filter(municipality_id=municipality_id)
        .values_list("refreshed_at", flat=True)
        .first()
    )
