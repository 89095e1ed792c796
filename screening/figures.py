"""Screening figures for /tal/ (issue #18, DOMAIN.md §11): how the agreed positions are spread,
how many children were rated by the deadline, which groups have children without a joint
assessment in six months, and agreed positions still without a follow-up. Counts only, never a
child: the figures page suppresses small numbers before anyone sees them."""

from datetime import timedelta

from django.db.models import CharField, Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Enrolment, Task
from cases.selectors import current_enrolments
from trivsel.figures.periods import month_label, months_of
from trivsel.figures.tables import Section, Table, pivot

from .models import JointAssessment, Position, Rating, Round

# The Opsporingsmodel's minimum cadence: every child has a joint assessment twice a year.
JOINT_ASSESSMENT_CADENCE = timedelta(days=183)
POSITIONS = [Position.GREEN, Position.YELLOW, Position.RED]


def _position_columns():
    return [
        _("Green position"),
        _("Yellow position"),
        _("Red position"),
    ]


def _by(scope, path):
    """Rows by group when one unit is chosen, by unit otherwise: (key field, label field)."""
    if len(scope.unit_ids) == 1:
        return f"{path}group_id", f"{path}group__name"
    return f"{path}group__unit_id", f"{path}group__unit__name"


def _labelled(rows):
    """{key: label} from (key, label, …) rows, ordered by label."""
    labels = {row[0]: row[1] for row in rows}
    return dict(sorted(labels.items(), key=lambda item: (item[1], item[0])))


def screening_figures(*, scope, period):
    if not scope.unit_ids:
        return None
    rounds = Round.objects.filter(
        group__unit_id__in=scope.unit_ids,
        group__unit__municipality_id=scope.municipality_id,
        deadline__gte=period.start,
        deadline__lt=period.end,
    )
    return Section(
        key="screening",
        heading=_("Screening"),
        order=10,
        tables=[
            _positions_by_month(rounds, period),
            _positions_by_place(scope, rounds),
            _rated_by_deadline(scope, rounds),
            _without_joint_assessment(scope),
            _follow_up(scope, rounds),
        ],
    )


def _positions_by_month(rounds, period):
    counted = (
        JointAssessment.objects.filter(round__in=rounds)
        .annotate(month=TruncMonth("round__deadline"))
        .values_list("month", "position")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months = months_of(period)
    table_rows = pivot(
        ((month, position, n) for month, position, n in counted),
        columns=POSITIONS,
        labels={month: month_label(month) for month in months},
    )
    return Table(
        key="positions-month",
        caption=_("Agreed positions per month (by the round's deadline)"),
        row_heading=_("Month"),
        columns=_position_columns(),
        rows=table_rows,
        chart="stacked",
        palette="positions",
        summary=_("How the joint assessments' agreed positions were spread, month by month."),
    )


def _positions_by_place(scope, rounds):
    key, label = _by(scope, "round__")
    counted = list(
        JointAssessment.objects.filter(round__in=rounds)
        .values_list(key, label, "position")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Table(
        key="positions-place",
        caption=_("Agreed positions per group")
        if len(scope.unit_ids) == 1
        else _("Agreed positions per unit"),
        row_heading=_("Group") if len(scope.unit_ids) == 1 else _("Unit"),
        columns=_position_columns(),
        rows=pivot(
            ((row[0], row[2], row[3]) for row in counted),
            columns=POSITIONS,
            labels=_labelled(counted),
        ),
        chart="stacked",
        palette="positions",
        summary=_("The agreed positions of the period's rounds, place by place."),
    )


def _rated_by_deadline(scope, rounds):
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
    key, label = _by(scope, "")
    per_round = list(
        rounds.annotate(
            enrolled=Coalesce(Subquery(enrolled), 0), rated=Coalesce(Subquery(rated), 0)
        ).values_list(key, label, "enrolled", "rated")
    )
    counted = []
    for row_key, _label, enrolled_count, rated_count in per_round:
        rated_count = min(rated_count, enrolled_count)
        counted.append((row_key, "rated", rated_count))
        counted.append((row_key, "late", enrolled_count - rated_count))
    return Table(
        key="rated-by-deadline",
        caption=_("Children rated by the round's deadline"),
        row_heading=_("Group") if len(scope.unit_ids) == 1 else _("Unit"),
        columns=[_("Rated by the deadline"), _("Not rated by the deadline")],
        rows=pivot(counted, columns=["rated", "late"], labels=_labelled(per_round)),
        share_of=0,
        share_label=_("Share rated"),
        chart="stacked",
        summary=_(
            "For each round of the period: the children enrolled on its deadline, and whether at "
            "least one individual mark was saved for them by then."
        ),
    )


def _without_joint_assessment(scope):
    """Today: the children enrolled in the scope's groups, with or without a joint assessment
    of their unit in the last six months."""
    since = timezone.localdate() - JOINT_ASSESSMENT_CADENCE
    assessed = JointAssessment.objects.filter(
        child=OuterRef("child"), round__group__unit=OuterRef("unit"), round__deadline__gte=since
    )
    key, label = _by(scope, "")
    counted = list(
        current_enrolments()
        .filter(
            unit_id__in=scope.unit_ids,
            unit__municipality_id=scope.municipality_id,
            group__isnull=False,
        )
        .annotate(assessed=Exists(assessed))
        .values_list(key, label, "assessed")
        .annotate(n=Count("child", distinct=True))
        .order_by()
    )
    links = {}
    if len(scope.unit_ids) == 1 and scope.unit_ids <= scope.led_unit_ids:
        links = {
            label_text: reverse("screening:children_without_assessment", args=[group_id])
            for group_id, label_text, *_rest in counted
        }
    return Table(
        key="without-joint-assessment",
        row_links=links,
        caption=_("Children without a joint assessment in the last 6 months"),
        row_heading=_("Group") if len(scope.unit_ids) == 1 else _("Unit"),
        columns=[_("Without a joint assessment"), _("With a joint assessment")],
        rows=pivot(
            ((row[0], row[2], row[3]) for row in counted),
            columns=[False, True],
            labels=_labelled(counted),
        ),
        share_of=0,
        share_label=_("Share without"),
        summary=_(
            "Children enrolled today, by whether their unit has agreed a position for them in the "
            "last six months (the Opsporingsmodel asks for at least two a year)."
        ),
    )


def _follow_up(scope, rounds):
    """Agreed yellow and red positions of the period, by whether a follow-up task (a rule's task
    or a decided action) of that assessment is done."""
    assessment_id = Cast(OuterRef("pk"), CharField())
    done = Task.objects.filter(status="done").filter(
        Q(source_type="screening.action", source_id=assessment_id)
        | Q(source_type="screening.rule", source_id__startswith=Concat(assessment_id, Value(":")))
    )
    key, label = _by(scope, "round__")
    counted = list(
        JointAssessment.objects.filter(
            round__in=rounds, position__in=[Position.YELLOW, Position.RED]
        )
        .annotate(done=Exists(done))
        .values_list(key, label, "position", "done")
        .annotate(n=Count("pk"))
        .order_by()
    )
    columns = [
        (Position.YELLOW, True),
        (Position.YELLOW, False),
        (Position.RED, True),
        (Position.RED, False),
    ]
    return Table(
        key="follow-up",
        caption=_("Agreed yellow and red positions and their follow-up"),
        row_heading=_("Group") if len(scope.unit_ids) == 1 else _("Unit"),
        columns=[
            _("Yellow position, follow-up done"),
            _("Yellow position, no follow-up done yet"),
            _("Red position, follow-up done"),
            _("Red position, no follow-up done yet"),
        ],
        rows=pivot(
            ((row[0], (row[2], row[3]), row[4]) for row in counted),
            columns=columns,
            labels=_labelled(counted),
        ),
        chart="stacked",
        summary=_(
            "The period's agreed yellow and red positions, by whether at least one follow-up task "
            "of the assessment is done."
        ),
    )
