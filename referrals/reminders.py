"""The statutory clocks of notifications (DOMAIN.md §10), registered with the platform's
reminder sweep. Each notification carries its nearest open clock (`next_deadline`, kept by the
services): 24-hour assessment, receipt within 6 working days, 3-month review, 4-month
investigation. Titles name the kind of deadline and its date only — never the child."""

from datetime import timedelta

from django.db.models import BigIntegerField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from trivsel.notifications.clocks import ClockSource, key, link, register, unit_leader_of
from trivsel.organisation.models import Role, StaffProfile

from .models import Underretning
from .selectors import INTAKE_UNIT_TYPES

# How far ahead a deadline is reminded (the 24-hour clock is always within this).
AHEAD = timedelta(hours=12)


def _intake_team_leader():
    """A team leader of the notification's municipality's intake: who hears of an unassigned
    notification."""
    return Subquery(
        StaffProfile.objects.filter(
            roles__contains=[Role.TEAM_LEADER],
            units__type__in=INTAKE_UNIT_TYPES,
            units__municipality_id=OuterRef("municipality_id"),
            user__is_active=True,
        )
        .order_by("user_id")
        .values("user_id")[:1]
    )


def underretning_deadlines_due(now):
    return Underretning.objects.filter(
        closed_at__isnull=True, next_deadline__lte=now + AHEAD
    ).annotate(
        cursor=F("pk"),
        recipient=Coalesce(
            F("assigned_to_id"), _intake_team_leader(), output_field=BigIntegerField()
        ),
        # The key and the kind keep the model's old name (before referrals 0007): they are stored
        # on the reminders already sent, and a new key would remind every open deadline again.
        key=key("referrals.notification:", F("pk"), ":", F("next_deadline")),
        due_at=F("next_deadline"),
        link=link("referrals:underretning_detail", F("pk")),
        leader=unit_leader_of("assigned_to_id"),
    )


register(
    ClockSource(
        kind="referrals.notification",
        queryset=underretning_deadlines_due,
        title=_("A statutory deadline of a notification falls on %(date)s."),
        escalation_title=_(
            "A statutory deadline of a notification in your unit passed on %(date)s."
        ),
        grace=timedelta(days=1),
    )
)
