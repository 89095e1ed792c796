"""The four statutory clocks of a notification (DOMAIN.md §10, Barnets lov §§ 136–137, § 20),
registered with the platform's reminder sweep. Each clock runs on its own — its own deadline
column on the row (Underretning.clocks_refresh), its own reminder ahead of it, its own
escalation — so a receipt never sent or a review never ticked silences no other clock:

    clock          runs while                        reminded ahead (setting)
    assessment     not assessed, not closed          UNDERRETNING_ASSESSMENT_AHEAD_HOURS
    receipt        a named notifier, receipt unsent  UNDERRETNING_RECEIPT_AHEAD_DAYS
    review         not reviewed, not closed          UNDERRETNING_REVIEW_AHEAD_DAYS
    investigation  an investigation, not finished    UNDERRETNING_INVESTIGATION_AHEAD_DAYS

The reminder goes to the caseworker, or — while nobody is assigned — to a teamleder of the
intake. An overdue clock escalates to a leader of the caseworker's unit, or, while unassigned,
to the head of the intake; the review and the investigation always to the head of the intake
(the department head), who must know when the 4-month deadline is at risk. Titles name the
kind of deadline and its date only — never the child."""

from datetime import timedelta

from django.conf import settings
from django.db.models import BigIntegerField, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from trivsel.notifications.clocks import (
    ClockSource,
    key,
    link,
    register,
    register_event,
    unit_leader_of,
)
from trivsel.organisation.models import Role, StaffProfile, User

from .models import Underretning
from .selectors import INTAKE_UNIT_TYPES


def intake_staff(role):
    """One active person with `role` in an intake or authority unit of the row's municipality."""
    return Subquery(
        StaffProfile.objects.filter(
            roles__contains=[role],
            units__type__in=INTAKE_UNIT_TYPES,
            units__municipality_id=OuterRef("municipality_id"),
            user__is_active=True,
        )
        .order_by("user_id")
        .values("user_id")[:1]
    )


def department_head():
    # The leader of the intake; a teamleder where the municipality has named no leader there.
    return Coalesce(
        intake_staff(Role.LEADER), intake_staff(Role.TEAM_LEADER), output_field=BigIntegerField()
    )


def department_head_of(underretning):
    """The department head of the notification's municipality (as for the escalations), or
    None: one query."""
    head = (
        Underretning.objects.filter(pk=underretning.pk)
        .annotate(head=department_head())
        .values("head")[:1]
    )
    return User.objects.filter(pk=Subquery(head)).first()


def _clock_query(clock, open_rows, *, ahead, escalate_to):
    due = f"{clock}_due_at"

    def queryset(now):
        return Underretning.objects.filter(open_rows, **{f"{due}__lte": now + ahead()}).annotate(
            cursor=F("pk"),
            recipient=Coalesce(
                F("assigned_to_id"),
                intake_staff(Role.TEAM_LEADER),
                output_field=BigIntegerField(),
            ),
            key=key(f"referrals.{clock}:", F("pk"), ":", F(due)),
            due_at=F(due),
            link=link("referrals:underretning_detail", F("pk")),
            leader=escalate_to(),
        )

    return queryset


def _caseworkers_leader():
    return Coalesce(
        unit_leader_of("assigned_to_id"), department_head(), output_field=BigIntegerField()
    )


def _hours(name):
    return lambda: timedelta(hours=getattr(settings, name))


def _days(name):
    return lambda: timedelta(days=getattr(settings, name))


CLOCKS = (
    (
        "assessment",
        Q(assessed_at__isnull=True, closed_at__isnull=True),
        _hours("UNDERRETNING_ASSESSMENT_AHEAD_HOURS"),
        _caseworkers_leader,
        _("The 24-hour assessment of a notification is due on %(date)s."),
        _("The 24-hour assessment of a notification in your unit was due on %(date)s."),
        timedelta(hours=2),
    ),
    (
        "receipt",
        Q(receipt_due_at__isnull=False, receipt_sent_at__isnull=True),
        _days("UNDERRETNING_RECEIPT_AHEAD_DAYS"),
        _caseworkers_leader,
        _("The receipt to a notifier is due on %(date)s."),
        _("The receipt to a notifier in your unit was due on %(date)s."),
        timedelta(days=1),
    ),
    (
        "review",
        Q(review_done_at__isnull=True, closed_at__isnull=True),
        _days("UNDERRETNING_REVIEW_AHEAD_DAYS"),
        department_head,
        _("The 3-month review of a notification is due on %(date)s."),
        _(
            "The 3-month review of a notification was due on %(date)s and is not done: check "
            "whether the 4-month deadline can be met."
        ),
        timedelta(days=1),
    ),
    (
        "investigation",
        Q(investigation_due_at__isnull=False, investigation_finished_at__isnull=True),
        _days("UNDERRETNING_INVESTIGATION_AHEAD_DAYS"),
        department_head,
        _("A child-welfare investigation must be finished by %(date)s."),
        _("A child-welfare investigation passed its 4-month deadline on %(date)s."),
        timedelta(days=1),
    ),
)

for clock, open_rows, ahead, escalate_to, title, escalation_title, grace in CLOCKS:
    register(
        ClockSource(
            kind=f"referrals.{clock}",
            queryset=_clock_query(clock, open_rows, ahead=ahead, escalate_to=escalate_to),
            title=title,
            escalation_title=escalation_title,
            grace=grace,
        )
    )

# Reminders sent before the clocks were separated (one kind for the nearest deadline) keep a
# title in the notification list.
register_event("referrals.notification", _("A statutory deadline of a notification."))
register_event(
    "referrals.review_at_risk",
    _("At the 3-month review, the 4-month deadline of an investigation is at risk."),
)
