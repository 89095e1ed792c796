"""screening's part of the insight package (cases.insight.package): the child's individual
marks and the joint assessments. Only this child's rows: never the group's overview matrix."""

from django.utils.translation import gettext as _

from cases.insight.package import Entry, Section, day, other_children, text_fields

from .models import JointAssessment, Position, Rating


def _position(value):
    return Position(value).label if value in Position.values else value


def screening_sections(context):
    child = context.child
    marks = list(
        Rating.objects.filter(child=child)
        .select_related("round__group__unit")
        .order_by("updated_at", "pk")
    )
    entries = [
        Entry(
            key=f"screening.rating:{mark.pk}",
            title=_("Individual mark, %(group)s") % {"group": mark.round.group},
            date=day(mark.updated_at),
            fields=text_fields(
                (_("Position"), _position(mark.position)),
                (_("The context"), _position(mark.context_position)),
                (_("Comment"), mark.comment),
            ),
        )
        for mark in marks
    ]
    assessments = list(
        JointAssessment.objects.filter(child=child)
        .select_related("round__group__unit")
        .order_by("decided_at", "pk")
    )
    entries += [
        Entry(
            key=f"screening.assessment:{assessment.pk}",
            title=_("Joint assessment, %(group)s") % {"group": assessment.round.group},
            date=day(assessment.decided_at),
            fields=text_fields(
                (_("Agreed position"), _position(assessment.position)),
                (_("Reflection"), assessment.reflection),
                (_("Summary for the parents"), assessment.parent_summary),
                (_("Involve the parents"), _("Yes") if assessment.involve_parents else _("No")),
            ),
        )
        for assessment in assessments
    ]
    # The other children of the same rounds (the group): a comment may name them.
    rounds = {mark.round_id for mark in marks} | {a.round_id for a in assessments}
    others = (
        Rating.objects.filter(round_id__in=rounds)
        .exclude(child=child)
        .values_list("child__first_name", "child__last_name")
        .distinct()
    )
    return [
        Section(
            "screening",
            _("Screening marks and joint assessments"),
            70,
            entries,
            redact=other_children(others, child) if rounds else set(),
        )
    ]
