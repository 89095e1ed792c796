"""Handover and forløb figures for /tal/ (issue #18, DOMAIN.md §11), and the one rule for the
unit a child's figures count under (used by meetings too). Counts only: the figures job counts
them (casework_counts), the page reads the counts (casework_figures) and suppresses small
numbers before anyone sees them."""

from datetime import datetime, time

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Cast, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.figures.counting import Counted, counting_starts, row_of_today, rows_by_month
from trivsel.figures.suppression import Layout
from trivsel.figures.tables import Section, Table

from .models import Enrolment, Forlob, Handover, Task
from .worklist import Item
from .worklist import Section as WorkSection

HANDOVERS = ["True:True", "True:False", "False:False"]

# How the tables below show each figure, for hiding (trivsel/figures/suppression.py). A handover
# counts for the unit that sent it: counted for the receiver too, a view of both units (their
# district, a leader's units together) would count it twice.
LAYOUTS = (
    Layout("cases.handovers", tuple(HANDOVERS), scope_rows=True),
    Layout("cases.forlob", ("True", "False"), scope_rows=True, today=True),
)


def casework_layouts():
    return LAYOUTS


def as_flag(condition):
    """A condition as a true/false column to count by."""
    return ExpressionWrapper(condition, output_field=BooleanField())


def enrolment_of(child="child", *, today):
    """(unit, group) subqueries: where the child is enrolled today, the latest enrolment if
    there are several; a child without one counts for the municipality only."""
    enrolments = Enrolment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=today), child=OuterRef(child), start__lte=today
    ).order_by("-start", "-pk")
    return (
        Subquery(enrolments.values("unit_id")[:1]),
        Subquery(enrolments.values("group_id")[:1]),
    )


def starts_at(today):
    zone = timezone.get_default_timezone()
    return timezone.make_aware(datetime.combine(counting_starts(today), time.min), zone)


# --- Counting (the figures job) ---------------------------------------------------------------


def casework_counts(*, municipality_id, today):
    zone = timezone.get_default_timezone()
    evaluated = Task.objects.filter(
        source_type="cases.handover.evaluate",
        source_id=Cast(OuterRef("pk"), CharField()),
        status="done",
    )
    handovers = (
        Handover.objects.filter(
            child__municipality_id=municipality_id,
            sent_at__gte=starts_at(today),
            cancelled_at__isnull=True,
        )
        .annotate(
            month=TruncMonth("sent_at", tzinfo=zone),
            evaluated=Exists(evaluated),
            acknowledged=as_flag(Q(acknowledged_at__isnull=False)),
        )
        .values_list("sending_unit_id", "month", "acknowledged", "evaluated")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for sender, month, acknowledged, was_evaluated, n in handovers:
        month, key = timezone.localdate(month, zone), f"{acknowledged}:{was_evaluated}"
        yield Counted("cases.handovers", sender, None, month, key, n)

    unit, group = enrolment_of(today=today)
    for unit_id, group_id, kept, n in (
        Forlob.objects.filter(child__municipality_id=municipality_id, closed_at__isnull=True)
        .annotate(unit=unit, group=group, kept=as_flag(Q(review_date__gte=today)))
        .values_list("unit", "group", "kept")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield Counted("cases.forlob", unit_id, group_id, None, str(kept), n)


# --- Mit overblik -----------------------------------------------------------------------------


def figures_work_section(user, *, now, access):
    """Those who see figures find them from their work list (a fagchef has nothing else there).
    No query: the line only points to /tal/."""
    profile = user.staff_profile_or_none if user.is_authenticated else None
    if profile is None or not profile.sees_figures:
        return None
    return WorkSection(
        key="figures",
        heading=_("Figures"),
        count=1,
        order=90,
        items=(
            Item(
                text=_("The figures of your units"),
                url=reverse("figures:figures"),
                deadline=False,
            ),
        ),
    )


# --- Reading (the page) -----------------------------------------------------------------------


def casework_figures(*, scope, period):
    if not scope.unit_ids and not scope.whole_municipality:
        return None
    return Section(
        key="casework",
        heading=_("Handovers and forløb"),
        order=40,
        tables=[
            Table(
                key="handovers",
                caption=_("Handovers sent per month"),
                row_heading=_("Month"),
                columns=[
                    _("Acknowledged and evaluated"),
                    _("Acknowledged, not evaluated"),
                    _("Not acknowledged"),
                ],
                rows=rows_by_month(scope, "cases.handovers", HANDOVERS, period),
                chart="stacked",
                summary=_(
                    "Handovers sent each month by these units: whether the receiver "
                    "acknowledged them, and whether the follow-up evaluation is done."
                ),
            ),
            Table(
                key="forlob",
                caption=_("Open forløb today"),
                row_heading=_("Forløb"),
                columns=[_("Review date kept"), _("Review overdue")],
                rows=row_of_today(scope, "cases.forlob", ["True", "False"], _("Open forløb")),
                share_of=0,
                share_label=_("Share kept"),
                chart="none",
                summary=_(
                    "Every forløb has exactly one named tovholder. Of the open ones: is the "
                    "review date still ahead, or has it passed without a review?"
                ),
            ),
        ],
    )
