from django.db.models import Count, Q
from django.utils import timezone

from trivsel.audit.models import Action, Basis
from trivsel.audit.services import access_log_record

from .models import Child, Enrolment


def current_enrolments():
    today = timezone.localdate()
    return Enrolment.objects.filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)


def enrolled_counts_by_group(groups):
    """How many children are enrolled in each group today: {group id: count}, one query."""
    rows = (
        current_enrolments()
        .filter(group__in=groups)
        .values("group")
        .annotate(children=Count("child", distinct=True))
    )
    return {row["group"]: row["children"] for row in rows}


def children_of_guardian(user):
    """A guardian's own children (party access), logged with that basis."""
    children = list(
        Child.objects.filter(
            guardianship__guardian__user=user,
            guardianship__has_custody=True,
            municipality_id=user.municipality_id,
        ).order_by("first_name")
    )
    for child in children:
        access_log_record(
            actor=user,
            action=Action.READ,
            basis=Basis.GUARDIAN,
            obj=child,
            child_id=child.pk,
            purpose="Mit overblik",
        )
    return children
