"""Screening figures for /tal/ (issue #18, DOMAIN.md §11): how the agreed positions are spread,
how many children were rated by the deadline, which groups have children without a joint
assessment in six months, and agreed positions still without a follow-up. Counts only, never a
child: the figures job counts them (screening_counts), the page reads the counts
(screening_figures) and suppresses small numbers before anyone sees them."""

from datetime import timedelta

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Enrolment, Task
from cases.selectors import current_enrolments
from trivsel.figures.counting import (
    Counted,
    counting_starts,
    counts_for,
    hidden_rows,
    rows_by_month,
    scope_place,
)
from trivsel.figures.suppression import NOW, SUM, Layout
from trivsel.figures.tables import Section, Table, pivot

from .models import JointAssessment, Position, Rating, Round

# The Opsporingsmodel's minimum cadence: every child has a joint assessment twice a year.
JOINT_ASSESSMENT_CADENCE = timedelta(days=183)
POSITIONS = [Position.GREEN, Position.YELLOW, Position.RED]
# Only the yellow and red positions still without a follow-up are shown: with those with one
# done beside them, the two would add up to the positions' own yellow and red columns and give
# away a count hidden there by subtraction.
FOLLOW_UP = ["gul:False", "roed:False"]

# How the tables below show each figure, for hiding (trivsel/figures/suppression.py).
LAYOUTS = (
    Layout(
        "screening.positions",
        tuple(str(position) for position in POSITIONS),
        scope_rows=True,
        place_rows=True,
        municipality=SUM,
    ),
    Layout("screening.rated", ("rated", "late"), place_rows=True, municipality=SUM),
    Layout("screening.follow_up", tuple(FOLLOW_UP), place_rows=True, municipality=SUM),
    Layout("screening.unassessed", ("False", "True"), place_rows=True, today=True),
)


def screening_layouts():
    return LAYOUTS


# --- Counting (the figures job) ---------------------------------------------------------------


def screening_counts(*, municipality_id, today):
    rounds = Round.objects.filter(
        group__unit__municipality_id=municipality_id, deadline__gte=counting_starts(today)
    )
    assessments = JointAssessment.objects.filter(round__in=rounds).annotate(
        month=TruncMonth("round__deadline")
    )
    for unit_id, group_id, month, position, n in (
        assessments.values_list("round__group__unit_id", "round__group_id", "month", "position")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield Counted("screening.positions", unit_id, group_id, month, position, n)

    assessment_id = Cast(OuterRef("pk"), CharField())
    done = Task.objects.filter(status="done").filter(
        Q(source_type="screening.action", source_id=assessment_id)
        | Q(source_type="screening.rule", source_id__startswith=Concat(assessment_id, Value(":")))
    )
    for unit_id, group_id, month, position, followed_up, n in (
        assessments.filter(position__in=[Position.YELLOW, Position.RED])
        .annotate(done=Exists(done))
        .values_list("round__group__unit_id", "round__group_id", "month", "position", "done")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield Counted(
            "screening.follow_up", unit_id, group_id, month, f"{position}:{followed_up}", n
        )

    yield from _rated_counts(rounds)
    yield from _unassessed_counts(municipality_id, today)


def _rated_counts(rounds):
    """Per round: the children enrolled in the group on the deadline, and how many of them had at
    least one individual mark saved by the end of that day."""
    enrolled = (
        Enrolment.objects.filter(
            Q(end__isnull=True) | Q(end__gte=OuterRef("deadline")),
            group=OuterRef("group"),
            start__lte=OuterRef("deadline"),
        )
        .order_by()
        .values("group")
        .annotate(n=Count("child", distinct=True))
        .values("n")
    )
    rated = (
        Rating.objects.filter(round=OuterRef("pk"), updated_at__date__lte=OuterRef("deadline"))
        .order_by()
        .values("round")
        .annotate(n=Count("child", distinct=True))
        .values("n")
    )
    for unit_id, group_id, month, enrolled_count, rated_count in rounds.annotate(
        month=TruncMonth("deadline"),
        enrolled=Coalesce(Subquery(enrolled), 0),
        # Marks removed by retention are counted on the round (screening.retention).
        rated=Coalesce(Subquery(rated), 0) + F("removed_marks_rated"),
    ).values_list("group__unit_id", "group_id", "month", "enrolled", "rated"):
        rated_count = min(rated_count, enrolled_count)
        yield Counted("screening.rated", unit_id, group_id, month, "rated", rated_count)
        yield Counted(
            "screening.rated", unit_id, group_id, month, "late", enrolled_count - rated_count
        )


def _unassessed_counts(municipality_id, today):
    """Today: the children enrolled in a group, with or without a joint assessment of their
    unit in the last six months."""
    assessed = JointAssessment.objects.filter(
        child=OuterRef("child"),
        round__group__unit=OuterRef("unit"),
        round__deadline__gte=today - JOINT_ASSESSMENT_CADENCE,
    )
    for unit_id, group_id, was_assessed, n in (
        current_enrolments()
        .filter(unit__municipality_id=municipality_id, group__isnull=False)
        .annotate(assessed=Exists(assessed))
        .values_list("unit_id", "group_id", "assessed")
        .annotate(n=Count("child", distinct=True))
        .order_by()
    ):
        yield Counted("screening.unassessed", unit_id, group_id, None, str(was_assessed), n)


# --- Reading (the page) -----------------------------------------------------------------------


def _position_columns():
    return [_("Green position"), _("Yellow position"), _("Red position")]


def _by(scope):
    """Rows per group when one unit is chosen, per unit otherwise."""
    return "group" if len(scope.unit_ids) == 1 else "unit"


def _place_heading(scope):
    return _("Group") if _by(scope) == "group" else _("Unit")


def _place_rows(scope, figure, columns, period=None, *, key=lambda key: key):
    """Rows per place (group or unit), ordered by name, from the stored counts."""
    counted = counts_for(scope, figure, by=_by(scope), period=period)
    labels = dict(sorted({row[0]: row[1] for row in counted}.items(), key=lambda i: (i[1], i[0])))
    rows = pivot(((row[0], key(row[3]), row[4]) for row in counted), columns=columns, labels=labels)
    time = NOW if period is None else period.key
    kind = "g" if _by(scope) == "group" else "u"
    return hidden_rows(
        scope,
        figure,
        rows,
        columns,
        rows_at=[(f"{kind}:{place}", time) for place in labels],
        totals_at=(scope_place(scope), time),
    )


def screening_figures(*, scope, period):
    if not scope.unit_ids:
        return None
    return Section(
        key="screening",
        heading=_("Screening"),
        order=10,
        tables=[
            Table(
                key="positions-month",
                caption=_("Agreed positions per month (by the round's deadline)"),
                row_heading=_("Month"),
                columns=_position_columns(),
                rows=rows_by_month(scope, "screening.positions", POSITIONS, period),
                chart="stacked",
                palette="positions",
                summary=_(
                    "How the joint assessments' agreed positions were spread, month by month."
                ),
            ),
            Table(
                key="positions-place",
                caption=_("Agreed positions per group")
                if _by(scope) == "group"
                else _("Agreed positions per unit"),
                row_heading=_place_heading(scope),
                columns=_position_columns(),
                rows=_place_rows(scope, "screening.positions", POSITIONS, period),
                chart="stacked",
                palette="positions",
                summary=_("The agreed positions of the period's rounds, place by place."),
            ),
            Table(
                key="rated-by-deadline",
                caption=_("Children rated by the round's deadline"),
                row_heading=_place_heading(scope),
                columns=[_("Rated by the deadline"), _("Not rated by the deadline")],
                rows=_place_rows(scope, "screening.rated", ["rated", "late"], period),
                share_of=0,
                share_label=_("Share rated"),
                chart="stacked",
                summary=_(
                    "For each round of the period: the children enrolled on its deadline, and "
                    "whether at least one individual mark was saved for them by then."
                ),
            ),
            _without_joint_assessment(scope),
            Table(
                key="follow-up",
                caption=_("Agreed yellow and red positions without a follow-up done"),
                row_heading=_place_heading(scope),
                columns=[
                    _("Yellow position, no follow-up done yet"),
                    _("Red position, no follow-up done yet"),
                ],
                rows=_place_rows(scope, "screening.follow_up", FOLLOW_UP, period),
                chart="stacked",
                summary=_(
                    "The period's agreed yellow and red positions of which no follow-up task of "
                    "the assessment is done yet."
                ),
            ),
        ],
    )


def _without_joint_assessment(scope):
    rows = _place_rows(scope, "screening.unassessed", ["False", "True"])
    links = {}
    if _by(scope) == "group" and scope.unit_ids <= scope.led_unit_ids:
        # Her own list of the children behind the figure (a list she may open anyway).
        links = {
            label: reverse("screening:children_without_assessment", args=[group_id])
            for group_id, label, *_rest in counts_for(scope, "screening.unassessed", by="group")
        }
    return Table(
        key="without-joint-assessment",
        row_links=links,
        caption=_("Children without a joint assessment in the last 6 months"),
        row_heading=_place_heading(scope),
        columns=[_("Without a joint assessment"), _("With a joint assessment")],
        rows=rows,
        share_of=0,
        share_label=_("Share without"),
        summary=_(
            "Children enrolled today, by whether their unit has agreed a position for them in "
            "the last six months (the Opsporingsmodel asks for at least two a year)."
        ),
    )
