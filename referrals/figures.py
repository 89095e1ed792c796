"""Notification figures for /tal/ (issue #18, DOMAIN.md §11): how many arrive, from whom and by
which route, whether the statutory clocks were kept, how many concern a child notified about
before, and each caseworker's caseload against the recommended 25 and the maximum of 30.
Counts only: the figures page suppresses small numbers before anyone sees them."""

from datetime import timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trivsel.figures.periods import aware_bounds, month_label, months_of
from trivsel.figures.tables import Section, Table, pivot

from .models import Notifier, Route, Status, Underretning
from .selectors import FIGURE_CLOCKS

REPEAT_WINDOW = timedelta(days=365)
CASELOAD_RECOMMENDED = 25
CASELOAD_MAXIMUM = 30


def notification_figures(*, scope, period):
    rows = Underretning.objects.filter(municipality_id=scope.municipality_id).order_by()
    if not scope.whole_municipality:
        # A unit's leader (or a chosen place): the notifications her units made.
        rows = rows.filter(notifier_unit_id__in=scope.unit_ids)
    if not scope.social_work:
        return Section(
            key="notifications",
            heading=_("Notifications"),
            order=20,
            tables=[_by_route(rows, period, caption=_("Notifications from your units per month"))],
        )
    tables = [
        _by_source(rows, period),
        _by_route(rows, period, caption=_("Notifications per month by route")),
        *(_clock(rows, period, name) for name in FIGURE_CLOCKS),
        _repeats(rows, period),
    ]
    if scope.whole_municipality:
        tables.append(_caseload(rows))
    return Section(key="notifications", heading=_("Notifications"), order=20, tables=tables)


def _monthly(rows, period, at, column, columns, *, shift=timedelta(0)):
    """Rows per month of the period: (month label, [count per column value])."""
    start, end = aware_bounds(period)
    zone = timezone.get_default_timezone()
    counted = (
        rows.filter(**{f"{at}__gte": start + shift, f"{at}__lte": end + shift})
        .annotate(month=TruncMonth(F(at) - shift, tzinfo=zone))
        .values_list("month", column)
        .annotate(n=Count("pk"))
    )
    return pivot(
        ((timezone.localdate(month, zone).replace(day=1), value, n) for month, value, n in counted),
        columns=columns,
        labels={month: month_label(month) for month in months_of(period)},
    )


def _by_source(rows, period):
    sources = [Notifier.PROFESSIONAL, Notifier.CITIZEN, Notifier.ANONYMOUS]
    return Table(
        key="source",
        caption=_("Notifications per month by who notified"),
        row_heading=_("Month"),
        columns=[_("A professional"), _("A citizen"), _("Anonymous")],
        rows=_monthly(rows, period, "received_at", "notifier_kind", sources),
        chart="stacked",
        summary=_("The notifications received each month, by who made them."),
    )


def _by_route(rows, period, *, caption):
    return Table(
        key="route",
        caption=caption,
        row_heading=_("Month"),
        columns=[_("Classic"), _("Dialogue-based")],
        rows=_monthly(rows, period, "received_at", "route", [Route.CLASSIC, Route.DIALOGUE]),
        chart="stacked",
        share_of=1,
        share_label=_("Share dialogue-based"),
        summary=_(
            "Notifications received each month: the classic route, and the dialogue-based one "
            "where the parents were told first."
        ),
    )


CLOCK_TEXTS = {
    "assessment": (
        gettext_lazy("The 24-hour assessment"),
        gettext_lazy(
            "Whether each notification was assessed within 24 hours, by the month its deadline "
            "fell."
        ),
    ),
    "receipt": (
        gettext_lazy("Receipts within 6 working days"),
        gettext_lazy(
            "Whether each named notifier got a receipt within 6 working days, by the month its "
            "deadline fell."
        ),
    ),
    "investigation": (
        gettext_lazy("Investigations finished within 4 months"),
        gettext_lazy(
            "Whether each child and youth investigation was finished within 4 months, by the "
            "month its deadline fell."
        ),
    ),
}


def _clock(rows, period, name):
    """Kept or missed, by the month the deadline fell: a clock still running is not counted."""
    due, done = FIGURE_CLOCKS[name]
    now = timezone.now()
    finished = rows.filter(Q(**{f"{done}__isnull": False}) | Q(**{f"{due}__lte": now}))
    kept = Q(**{f"{done}__lte": F(due)})
    # A deadline at the end of a day is the midnight after it: counted in the day it ends.
    table_rows = _monthly(
        finished.annotate(kept=ExpressionWrapper(kept, output_field=BooleanField())),
        period,
        due,
        "kept",
        [True, False],
        shift=timedelta(microseconds=1),
    )
    caption, summary = CLOCK_TEXTS[name]
    return Table(
        key=f"clock-{name}",
        caption=str(caption),
        row_heading=_("Month"),
        columns=[_("In time"), _("Late")],
        rows=table_rows,
        share_of=0,
        share_label=_("Share in time"),
        chart="stacked",
        summary=str(summary),
    )


def _repeats(rows, period):
    earlier = Underretning.objects.filter(
        child=OuterRef("child"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - REPEAT_WINDOW,
    )
    return Table(
        key="repeats",
        caption=_("Repeat notifications"),
        row_heading=_("Month"),
        columns=[_("First in 12 months"), _("About a child notified about before")],
        rows=_monthly(
            rows.filter(child__isnull=False).annotate(repeat=Exists(earlier)),
            period,
            "received_at",
            "repeat",
            [False, True],
        ),
        share_of=1,
        share_label=_("Share repeated"),
        chart="stacked",
        summary=_(
            "Notifications about a known child each month, by whether the same child was "
            "notified about in the twelve months before."
        ),
    )


def _caseload(rows):
    """Today: each caseworker's open notifications, counted by child."""
    counted = list(
        rows.filter(assigned_to__isnull=False)
        .exclude(status=Status.CLOSED)
        .values_list("assigned_to", "assigned_to__first_name", "assigned_to__last_name")
        .annotate(n=Count("child", distinct=True))
    )
    labels = {
        pk: f"{first} {last}".strip()
        for pk, first, last, _n in sorted(counted, key=lambda row: (row[1], row[2], row[0]))
    }
    return Table(
        key="caseload",
        caption=_("Caseload per caseworker today"),
        row_heading=_("Caseworker"),
        columns=[_("Children with an open notification")],
        rows=pivot(((pk, "open", n) for pk, _f, _l, n in counted), columns=["open"], labels=labels),
        chart="bar",
        summary=_(
            "The children each caseworker holds an open notification about today. The "
            "recommendation is at most %(recommended)s, and never more than %(maximum)s."
        )
        % {"recommended": CASELOAD_RECOMMENDED, "maximum": CASELOAD_MAXIMUM},
    )
