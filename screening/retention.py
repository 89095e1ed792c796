"""How long screening is kept (trivsel.retention; README "Sletning og opbevaring"). Both kinds
are anonymised rather than deleted: /tal/ counts the rounds' marks and agreed positions."""

from django.db.models import Case, Count, F, Value, When
from django.utils.translation import gettext_lazy as _

from trivsel.retention.registry import ANONYMISE, RecordType, retention_record_types

from .models import JointAssessment, Rating, Round, RoundStatus


def _closed_rounds_of(municipality_id, before):
    return Round.objects.filter(
        group__unit__municipality_id=municipality_id,
        status=RoundStatus.CLOSED,
        closed_at__lt=before,
    )


def expired_ratings(*, municipality_id, before, held):
    if municipality_id is None:
        return Rating.objects.none().annotate(retention_event=F("round__closed_at"))
    return (
        Rating.objects.filter(round__in=_closed_rounds_of(municipality_id, before))
        .exclude(child_id__in=held)
        .annotate(retention_event=F("round__closed_at"))
    )


def ratings_anonymise(batch, *, expired):
    """Remove the marks of the batch's rounds (all of each child's in a round at once, so no
    child is counted twice), keeping on the round how many of those children were rated by the
    deadline: the figure "children rated by the deadline" (screening.figures) adds it."""
    round_ids = set(batch.values_list("round_id", flat=True))
    marks = Rating.objects.filter(pk__in=expired.filter(round_id__in=round_ids).values("pk"))
    rated = (
        marks.filter(updated_at__date__lte=F("round__deadline"))
        .order_by()
        .values("round_id")
        .annotate(n=Count("child", distinct=True))
    )
    added = {row["round_id"]: row["n"] for row in rated}
    if added:  # one statement for the batch's rounds
        Round.objects.filter(pk__in=added).update(
            removed_marks_rated=F("removed_marks_rated")
            + Case(*(When(pk=pk, then=Value(n)) for pk, n in added.items()), default=Value(0))
        )
    _total, per_model = marks.delete()
    return per_model.get(Rating._meta.label, 0)


def expired_assessments(*, municipality_id, before, held):
    if municipality_id is None:
        return JointAssessment.objects.none().annotate(retention_event=F("round__closed_at"))
    return (
        JointAssessment.objects.filter(
            round__in=_closed_rounds_of(municipality_id, before), child__isnull=False
        )
        .exclude(child_id__in=held)
        .annotate(retention_event=F("round__closed_at"))
    )


def assessments_anonymise(batch, *, expired):
    # The agreed position stays with its round and group (counted on /tal/), linked to no child
    # and without the words written about the child.
    return batch.update(child=None, reflection="", parent_summary="")


RECORD_TYPES = [
    RecordType(
        key="screening.rating",
        label=_("Individual screening marks"),
        event=_("after the round was closed"),
        default_months=12,
        expired=expired_ratings,
        action=ANONYMISE,
        anonymise=ratings_anonymise,
        order=10,
    ),
    RecordType(
        key="screening.joint_assessment",
        label=_("Joint screening assessments"),
        event=_("after the round was closed"),
        default_months=36,
        expired=expired_assessments,
        action=ANONYMISE,
        anonymise=assessments_anonymise,
        order=20,
    ),
]

for record_type in RECORD_TYPES:
    retention_record_types.add(record_type)
