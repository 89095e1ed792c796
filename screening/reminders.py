"""Screening clocks (DOMAIN.md §6, §10), registered with the platform's reminder sweep
(trivsel.notifications.clocks): the round's deadline for the leader who opened it, and a reminder
to each rater who has not yet marked every child as the deadline nears."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Enrolment
from trivsel.notifications.clocks import ClockSource, key, link, local_midnight, register

from .models import Rating, Round, RoundStatus


def _count(queryset):
    # COUNT as a plain function: one row per outer row, without a GROUP BY.
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def rounds_due(now):
    """Rounds still open for marks on or after their deadline → the leader who opened them."""
    today = timezone.localdate(now)
    return Round.objects.filter(status=RoundStatus.RATING, deadline__lte=today).annotate(
        cursor=F("pk"),
        recipient=F("opened_by_id"),
        key=key("screening.round:", F("pk"), ":deadline:", F("deadline")),
        due_at=local_midnight(F("deadline")),
        link=link("screening:round_overview", F("pk")),
    )


def raters_behind(now):
    """Staff of the round's group who have marked fewer children than are enrolled there, when
    the deadline is REMINDER_ROUND_DAYS away or nearer."""
    today = timezone.localdate(now)
    enrolled = Enrolment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=today), start__lte=today, group_id=OuterRef("group_id")
    )
    marked = Rating.objects.filter(round_id=OuterRef("pk"), rater_id=OuterRef("recipient"))
    return (
        Round.objects.filter(
            status=RoundStatus.RATING,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=settings.REMINDER_ROUND_DAYS),
            group__staff__user__is_active=True,
        )
        .annotate(recipient=F("group__staff__user_id"))
        .annotate(
            cursor=F("pk"),
            key=key("screening.round:", F("pk"), ":rate:", F("deadline")),
            due_at=local_midnight(F("deadline")),
            link=link("screening:round_rate", F("pk")),
            marked=_count(marked),
            enrolled=_count(enrolled),
        )
        .filter(marked__lt=F("enrolled"))
    )


register(
    ClockSource(
        kind="screening.round_deadline",
        queryset=rounds_due,
        title=_("A screening round reached its deadline on %(date)s and is still open for marks."),
    )
)
register(
    ClockSource(
        kind="screening.rater",
        queryset=raters_behind,
        title=_("Please give your individual marks in a screening round before %(date)s."),
        paged=False,
    )
)
