"""Meeting figures for /tal/ (issue #18, DOMAIN.md §11): network meetings with the parents
present, minutes approved within a week, decisions the parents were told of, and action items
past their date. Counts only: the figures page suppresses small numbers before anyone sees
them."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.figures import as_flag, counted_children
from trivsel.figures.periods import aware_bounds, month_label, months_of
from trivsel.figures.tables import Section, Table, pivot

from .models import (
    ActionItem,
    ActionStatus,
    Decision,
    Meeting,
    Minutes,
    MinutesStatus,
    Participant,
    ParticipantKind,
)

MINUTES_WITHIN = timedelta(days=7)


def meeting_figures(*, scope, period):
    if not scope.unit_ids and not scope.whole_municipality:
        return None
    start, end = aware_bounds(period)
    held = Meeting.objects.filter(
        counted_children(scope),
        municipality_id=scope.municipality_id,
        child__isnull=False,
        starts_at__gte=start,
        starts_at__lt=min(end, timezone.now()),
    )
    return Section(
        key="meetings",
        heading=_("Network meetings"),
        order=30,
        tables=[
            _parents_present(held, period),
            _minutes_in_time(held, period),
            _decisions_told(held, period),
            _action_items(scope),
        ],
    )


def _by_month(meetings, period, **flags):
    zone = timezone.get_default_timezone()
    names = list(flags)
    counted = (
        meetings.annotate(month=TruncMonth("starts_at", tzinfo=zone), **flags)
        .values_list("month", *names)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for month, *values, n in counted:
        yield timezone.localdate(month, zone).replace(day=1), tuple(values), n


def _month_labels(period):
    return {month: month_label(month) for month in months_of(period)}


def _parents_present(held, period):
    present = Participant.objects.filter(
        meeting=OuterRef("pk"), kind=ParticipantKind.PARENT, present=True
    )
    return Table(
        key="parents-present",
        caption=_("Network meetings held per month, with and without the parents"),
        row_heading=_("Month"),
        columns=[_("A parent present"), _("No parent present")],
        rows=pivot(
            _by_month(held, period, present=Exists(present)),
            columns=[(True,), (False,)],
            labels=_month_labels(period),
        ),
        share_of=0,
        share_label=_("Share with a parent"),
        chart="stacked",
        summary=_("The network meetings held each month, by whether a parent took part."),
    )


def _minutes_in_time(held, period):
    approved = Minutes.objects.filter(meeting=OuterRef("pk"), number=1, approved_at__isnull=False)
    in_time = approved.filter(approved_at__lte=OuterRef("starts_at") + MINUTES_WITHIN)
    return Table(
        key="minutes-in-time",
        caption=_("Minutes approved within a week"),
        row_heading=_("Month"),
        columns=[_("Within a week"), _("Later"), _("Not approved yet")],
        rows=pivot(
            _by_month(held, period, in_time=Exists(in_time), approved=Exists(approved)),
            columns=[(True, True), (False, True), (False, False)],
            labels=_month_labels(period),
        ),
        share_of=0,
        share_label=_("Share within a week"),
        chart="stacked",
        summary=_(
            "The network meetings held each month, by when the first version of their minutes "
            "was approved."
        ),
    )


def _decisions_told(held, period):
    zone = timezone.get_default_timezone()
    counted = (
        Decision.objects.filter(minutes__meeting__in=held)
        .exclude(minutes__status=MinutesStatus.SUPERSEDED)
        .annotate(
            month=TruncMonth("minutes__meeting__starts_at", tzinfo=zone),
            told=as_flag(Q(parents_informed_at__isnull=False)),
        )
        .values_list("month", "told")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Table(
        key="decisions-told",
        caption=_("Decisions the parents were told of"),
        row_heading=_("Month"),
        columns=[_("The parents were told"), _("Not yet told")],
        rows=pivot(
            ((timezone.localdate(m, zone).replace(day=1), told, n) for m, told, n in counted),
            columns=[True, False],
            labels=_month_labels(period),
        ),
        share_of=0,
        share_label=_("Share told"),
        chart="stacked",
        summary=_("Decisions in the minutes of each month's network meetings."),
    )


def _action_items(scope):
    """Today: the open action items of the scope's network meetings, by whether their date has
    passed."""
    today = timezone.localdate()
    counted = (
        ActionItem.objects.filter(
            counted_children(scope, child="minutes__meeting__child"),
            status=ActionStatus.OPEN,
            minutes__status=MinutesStatus.APPROVED,
        )
        .annotate(overdue=as_flag(Q(due_date__lt=today)))
        .values_list("overdue")
        .annotate(n=Count("pk"))
        .order_by()
    )
    label = _("Open action items")
    return Table(
        key="action-items",
        caption=_("Open action items today"),
        row_heading=_("Action items"),
        columns=[_("Not yet due"), _("Overdue")],
        rows=pivot(
            ((label, overdue, n) for overdue, n in counted),
            columns=[False, True],
            labels={label: label},
        ),
        share_of=1,
        share_label=_("Share overdue"),
        chart="none",
        summary=_("The open action items of approved minutes, by whether their date has passed."),
    )
