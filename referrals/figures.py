"""Notification figures for /tal/ (issue #18, DOMAIN.md §11): how many arrive, from whom and by
which route, whether the statutory clocks were kept, how many concern a child notified about
before, and each caseworker's caseload against the recommended 25 and the maximum of 30.
Counts only: the figures page suppresses small numbers before anyone sees them."""

from datetime import datetime, time, timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trivsel.figures.counting import Counted, counting_starts, rows_by_month
from trivsel.figures.suppression import Layout
from trivsel.figures.tables import Section, Table, pivot

from .models import Notifier, Route, Status, Underretning
from .selectors import FIGURE_CLOCKS

REPEAT_WINDOW = timedelta(days=365)
CASELOAD_RECOMMENDED = 25
CASELOAD_MAXIMUM = 30
SOURCES = [Notifier.PROFESSIONAL, Notifier.CITIZEN, Notifier.ANONYMOUS]
ROUTES = [Route.CLASSIC, Route.DIALOGUE]

# How the tables below show each figure, for hiding (trivsel/figures/suppression.py). The same
# notifications by who notified and by route: one total.
LAYOUTS = (
    Layout("notifications.source", tuple(map(str, SOURCES)), scope_rows=True),
    Layout(
        "notifications.route",
        tuple(map(str, ROUTES)),
        scope_rows=True,
        same_total_as="notifications.source",
    ),
    Layout("notifications.repeats", ("False", "True"), scope_rows=True),
    *(
        Layout(f"notifications.clock.{name}", ("True", "False"), scope_rows=True)
        for name in FIGURE_CLOCKS
    ),
)


def notification_layouts():
    return LAYOUTS


# --- Counting (the figures job) ---------------------------------------------------------------


def notification_counts(*, municipality_id, today):
    """Per month and notifying unit (none for a citizen): who notified, the route, the three
    clocks kept or missed (by the month the deadline fell), and repeat notifications."""
    zone = timezone.get_default_timezone()
    starts = timezone.make_aware(datetime.combine(counting_starts(today), time.min), zone)
    rows = Underretning.objects.filter(municipality_id=municipality_id).order_by()
    received = rows.filter(received_at__gte=starts)

    def monthly(figure, rows, at, column, *, shift=timedelta(0)):
        for unit_id, month, key, n in (
            rows.annotate(month=TruncMonth(F(at) - shift, tzinfo=zone))
            .values_list("notifier_unit_id", "month", column)
            .annotate(n=Count("pk"))
        ):
            yield Counted(figure, unit_id, None, timezone.localdate(month, zone), str(key), n)

    yield from monthly("notifications.source", received, "received_at", "notifier_kind")
    yield from monthly("notifications.route", received, "received_at", "route")
    earlier = Underretning.objects.filter(
        child=OuterRef("child"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - REPEAT_WINDOW,
    )
    yield from monthly(
        "notifications.repeats",
        received.filter(child__isnull=False).annotate(repeat=Exists(earlier)),
        "received_at",
        "repeat",
    )
    now = timezone.now()
    for name, (due, done) in FIGURE_CLOCKS.items():
        # A clock still running is not counted; a deadline at the end of a day is the midnight
        # after it, counted in the day it ends.
        shift = timedelta(microseconds=1)
        finished = rows.filter(
            Q(**{f"{done}__isnull": False}) | Q(**{f"{due}__lte": now}),
            **{f"{due}__gt": starts},
        ).annotate(
            kept=ExpressionWrapper(Q(**{f"{done}__lte": F(due)}), output_field=BooleanField())
        )
        yield from monthly(f"notifications.clock.{name}", finished, due, "kept", shift=shift)


# --- Reading (the page) -----------------------------------------------------------------------


def notification_figures(*, scope, period):
    if not scope.social_work:
        return Section(
            key="notifications",
            heading=_("Notifications"),
            order=20,
            tables=[_by_route(scope, period, caption=_("Notifications from your units per month"))],
        )
    tables = [
        _by_source(scope, period),
        _by_route(scope, period, caption=_("Notifications per month by route")),
        *(_clock(scope, period, name) for name in FIGURE_CLOCKS),
        _repeats(scope, period),
    ]
    if scope.whole_municipality:
        tables.append(_caseload(scope))
    return Section(key="notifications", heading=_("Notifications"), order=20, tables=tables)


def _by_source(scope, period):
    return Table(
        key="source",
        caption=_("Notifications per month by who notified"),
        row_heading=_("Month"),
        columns=[_("A professional"), _("A citizen"), _("Anonymous")],
        rows=rows_by_month(scope, "notifications.source", SOURCES, period),
        chart="stacked",
        summary=_("The notifications received each month, by who made them."),
    )


def _by_route(scope, period, *, caption):
    return Table(
        key="route",
        caption=caption,
        row_heading=_("Month"),
        columns=[_("Classic"), _("Dialogue-based")],
        rows=rows_by_month(scope, "notifications.route", ROUTES, period),
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


def _clock(scope, period, name):
    """Kept or missed, by the month the deadline fell: a clock still running is not counted."""
    table_rows = rows_by_month(scope, f"notifications.clock.{name}", [True, False], period)
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


def _repeats(scope, period):
    return Table(
        key="repeats",
        caption=_("Repeat notifications"),
        row_heading=_("Month"),
        columns=[_("First in 12 months"), _("About a child notified about before")],
        rows=rows_by_month(scope, "notifications.repeats", [False, True], period),
        share_of=1,
        share_label=_("Share repeated"),
        chart="stacked",
        summary=_(
            "Notifications about a known child each month, by whether the same child was "
            "notified about in the twelve months before."
        ),
    )


def _caseload(scope):
    """Today: each caseworker's open notifications, counted by child (read as it is: a few
    hundred caseworkers' open notifications are counted quickly)."""
    counted = list(
        Underretning.objects.filter(
            municipality_id=scope.municipality_id, assigned_to__isnull=False
        )
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
