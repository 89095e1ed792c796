"""Meeting figures for /tal/ (issue #18, DOMAIN.md §11): network meetings with the parents
present, minutes approved within a week, decisions the parents were told of, and action items
past their date. Counted under the unit where the child is enrolled. Counts only: the figures
job counts them (meeting_counts), the page reads the counts (meeting_figures) and suppresses
small numbers before anyone sees them."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.figures import as_flag, enrolment_of, starts_at
from trivsel.figures.counting import Counted, row_of_today, rows_by_month
from trivsel.figures.suppression import Layout
from trivsel.figures.tables import Section, Table

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
MINUTES = ["True:True", "False:True", "False:False"]

# How the tables below show each figure, for hiding (trivsel/figures/suppression.py). The same
# meetings with and without the parents and by their minutes: one total.
LAYOUTS = (
    Layout("meetings.parents", ("True", "False"), scope_rows=True),
    Layout("meetings.minutes", tuple(MINUTES), scope_rows=True, same_total_as="meetings.parents"),
    Layout("meetings.decisions", ("True", "False"), scope_rows=True),
    Layout("meetings.action_items", ("False", "True"), scope_rows=True, today=True),
)


def meeting_layouts():
    return LAYOUTS


# --- Counting (the figures job) ---------------------------------------------------------------


def meeting_counts(*, municipality_id, today):
    zone = timezone.get_default_timezone()
    unit, group = enrolment_of(today=today)
    held = Meeting.objects.filter(
        municipality_id=municipality_id,
        child__isnull=False,
        starts_at__gte=starts_at(today),
        starts_at__lt=timezone.now(),
    ).annotate(unit=unit, group=group, month=TruncMonth("starts_at", tzinfo=zone))

    def counted(figure, meetings, *flags):
        for unit_id, group_id, month, *values, n in (
            meetings.values_list("unit", "group", "month", *flags)
            .annotate(n=Count("pk"))
            .order_by()
        ):
            key = ":".join(str(value) for value in values)
            yield Counted(figure, unit_id, group_id, timezone.localdate(month, zone), key, n)

    present = Participant.objects.filter(
        meeting=OuterRef("pk"), kind=ParticipantKind.PARENT, present=True
    )
    yield from counted("meetings.parents", held.annotate(present=Exists(present)), "present")

    approved = Minutes.objects.filter(meeting=OuterRef("pk"), number=1, approved_at__isnull=False)
    in_time = approved.filter(approved_at__lte=OuterRef("starts_at") + MINUTES_WITHIN)
    yield from counted(
        "meetings.minutes",
        held.annotate(in_time=Exists(in_time), approved=Exists(approved)),
        "in_time",
        "approved",
    )

    for unit_id, group_id, month, told, n in (
        Decision.objects.filter(minutes__meeting__in=held.values("pk"))
        .exclude(minutes__status=MinutesStatus.SUPERSEDED)
        .annotate(
            unit=enrolment_of("minutes__meeting__child", today=today)[0],
            group=enrolment_of("minutes__meeting__child", today=today)[1],
            month=TruncMonth("minutes__meeting__starts_at", tzinfo=zone),
            told=as_flag(Q(parents_informed_at__isnull=False)),
        )
        .values_list("unit", "group", "month", "told")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield Counted(
            "meetings.decisions", unit_id, group_id, timezone.localdate(month, zone), str(told), n
        )

    unit, group = enrolment_of("minutes__meeting__child", today=today)
    for unit_id, group_id, overdue, n in (
        ActionItem.objects.filter(
            minutes__meeting__municipality_id=municipality_id,
            minutes__meeting__child__isnull=False,
            minutes__status=MinutesStatus.APPROVED,
            status=ActionStatus.OPEN,
        )
        .annotate(unit=unit, group=group, overdue=as_flag(Q(due_date__lt=today)))
        .values_list("unit", "group", "overdue")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield Counted("meetings.action_items", unit_id, group_id, None, str(overdue), n)


# --- Reading (the page) -----------------------------------------------------------------------


def meeting_figures(*, scope, period):
    if not scope.unit_ids and not scope.whole_municipality:
        return None
    return Section(
        key="meetings",
        heading=_("Network meetings"),
        order=30,
        tables=[
            Table(
                key="parents-present",
                caption=_("Network meetings held per month, with and without the parents"),
                row_heading=_("Month"),
                columns=[_("A parent present"), _("No parent present")],
                rows=rows_by_month(scope, "meetings.parents", ["True", "False"], period),
                share_of=0,
                share_label=_("Share with a parent"),
                chart="stacked",
                summary=_("The network meetings held each month, by whether a parent took part."),
            ),
            Table(
                key="minutes-in-time",
                caption=_("Minutes approved within a week"),
                row_heading=_("Month"),
                columns=[_("Within a week"), _("Later"), _("Not approved yet")],
                rows=rows_by_month(scope, "meetings.minutes", MINUTES, period),
                share_of=0,
                share_label=_("Share within a week"),
                chart="stacked",
                summary=_(
                    "The network meetings held each month, by when the first version of their "
                    "minutes was approved."
                ),
            ),
            Table(
                key="decisions-told",
                caption=_("Decisions the parents were told of"),
                row_heading=_("Month"),
                columns=[_("The parents were told"), _("Not yet told")],
                rows=rows_by_month(scope, "meetings.decisions", ["True", "False"], period),
                share_of=0,
                share_label=_("Share told"),
                chart="stacked",
                summary=_("Decisions in the minutes of each month's network meetings."),
            ),
            Table(
                key="action-items",
                caption=_("Open action items today"),
                row_heading=_("Action items"),
                columns=[_("Not yet due"), _("Overdue")],
                rows=row_of_today(
                    scope, "meetings.action_items", ["False", "True"], _("Open action items")
                ),
                share_of=1,
                share_label=_("Share overdue"),
                chart="none",
                summary=_(
                    "The open action items of approved minutes, by whether their date has passed."
                ),
            ),
        ],
    )
