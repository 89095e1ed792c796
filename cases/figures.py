"""Handover and forløb figures for /tal/ (issue #18, DOMAIN.md §11), and the one rule for which
children a scope's figures count (used by meetings too). Counts only: the figures page
suppresses small numbers before anyone sees them."""

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
)
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.figures.periods import aware_bounds, month_label, months_of
from trivsel.figures.tables import Section, Table, pivot

from .models import Enrolment, Forlob, Handover, Task


def counted_children(scope, *, child="child"):
    """The filter on `child` for a scope: every child of the municipality for the whole
    municipality, otherwise the children enrolled in one of its units today."""
    if scope.whole_municipality:
        return Q(**{f"{child}__municipality_id": scope.municipality_id})
    enrolled = Enrolment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=timezone.localdate()),
        child=OuterRef(child),
        start__lte=timezone.localdate(),
        unit_id__in=scope.unit_ids,
    )
    return Q(Exists(enrolled), **{f"{child}__municipality_id": scope.municipality_id})


def as_flag(condition):
    """A condition as a true/false column to count by."""
    return ExpressionWrapper(condition, output_field=BooleanField())


def casework_figures(*, scope, period):
    if not scope.unit_ids and not scope.whole_municipality:
        return None
    return Section(
        key="casework",
        heading=_("Handovers and forløb"),
        order=40,
        tables=[_handovers(scope, period), _forlob(scope)],
    )


def _handovers(scope, period):
    """Handovers sent in the period by or to the scope's units: acknowledged, evaluated."""
    start, end = aware_bounds(period)
    zone = timezone.get_default_timezone()
    handovers = Handover.objects.filter(
        child__municipality_id=scope.municipality_id,
        sent_at__gte=start,
        sent_at__lt=end,
        cancelled_at__isnull=True,
    )
    if not scope.whole_municipality:
        handovers = handovers.filter(
            Q(sending_unit_id__in=scope.unit_ids) | Q(receiving_unit_id__in=scope.unit_ids)
        )
    evaluated = Task.objects.filter(
        source_type="cases.handover.evaluate",
        source_id=Cast(OuterRef("pk"), CharField()),
        status="done",
    )
    counted = (
        handovers.annotate(
            month=TruncMonth("sent_at", tzinfo=zone),
            evaluated=Exists(evaluated),
            acknowledged=as_flag(Q(acknowledged_at__isnull=False)),
        )
        .values_list("month", "acknowledged", "evaluated")
        .annotate(n=Count("pk"))
        .order_by()
    )
    columns = [(True, True), (True, False), (False, False)]
    return Table(
        key="handovers",
        caption=_("Handovers sent per month"),
        row_heading=_("Month"),
        columns=[
            _("Acknowledged and evaluated"),
            _("Acknowledged, not evaluated"),
            _("Not acknowledged"),
        ],
        rows=pivot(
            (
                (timezone.localdate(month, zone).replace(day=1), (ack, ev), n)
                for month, ack, ev, n in counted
            ),
            columns=columns,
            labels={month: month_label(month) for month in months_of(period)},
        ),
        chart="stacked",
        summary=_(
            "Handovers sent each month by or to these units: whether the receiver acknowledged "
            "them, and whether the follow-up evaluation is done."
        ),
    )


def _forlob(scope):
    """Today: the open forløb of the scope's children, each with its one named tovholder, by
    whether the review date is kept."""
    today = timezone.localdate()
    counted = (
        Forlob.objects.filter(counted_children(scope), closed_at__isnull=True)
        .annotate(kept=as_flag(Q(review_date__gte=today)))
        .values_list("kept")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Table(
        key="forlob",
        caption=_("Open forløb today"),
        row_heading=_("Forløb"),
        columns=[_("Review date kept"), _("Review overdue")],
        rows=pivot(
            ((_("Open forløb"), kept, n) for kept, n in counted),
            columns=[True, False],
            labels={_("Open forløb"): _("Open forløb")},
        ),
        share_of=0,
        share_label=_("Share kept"),
        chart="none",
        summary=_(
            "Every forløb has exactly one named tovholder. Of the open ones: is the review date "
            "still ahead, or has it passed without a review?"
        ),
    )
