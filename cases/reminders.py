"""The clocks of the child's record (DOMAIN.md §10), registered with the platform's reminder
sweep (trivsel.notifications.clocks). Titles name the kind of deadline and its date only."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, F, OuterRef, Q, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trivsel.notifications.clocks import (
    ClockSource,
    PlusYears,
    key,
    link,
    local_midnight,
    page,
    register,
    register_event,
    unit_leader_of,
    years_before,
)
from trivsel.organisation.models import LEADER_ROLES, Role

from .models import (
    AGE_OF_MAJORITY,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    Consent,
    ConsentStatus,
    Enrolment,
    Forlob,
    InsightRequest,
    Task,
    TaskStatus,
)


def _today(now):
    return timezone.localdate(now)


def tasks_due(now):
    """Open follow-up tasks due within REMINDER_TASK_DAYS → their owner; overdue → the leader of
    the owner's unit."""
    horizon = _today(now) + timedelta(days=settings.REMINDER_TASK_DAYS)
    return Task.objects.filter(status=TaskStatus.OPEN, due_date__lte=horizon).annotate(
        cursor=F("pk"),
        # An owner who has left gets no reminder, but the task still escalates to the leader:
        # that is exactly the task that would otherwise be forgotten.
        recipient=Case(When(owner__is_active=True, then=F("owner_id")), default=None),
        key=key("cases.task:", F("pk"), ":", F("due_date")),
        due_at=local_midnight(F("due_date")),
        link=page("cases:task_list"),
        leader=unit_leader_of("owner_id"),
    )


def forlob_reviews_due(now):
    """The plan's review date of an open forløb → the tovholder; overdue → the leader."""
    horizon = _today(now) + timedelta(days=settings.REMINDER_REVIEW_DAYS)
    return Forlob.objects.filter(closed_at__isnull=True, review_date__lte=horizon).annotate(
        cursor=F("pk"),
        recipient=F("tovholder_id"),
        key=key("cases.forlob:", F("pk"), ":review:", F("review_date")),
        due_at=local_midnight(F("review_date")),
        link=link("cases:forlob_plan", F("pk")),
        leader=unit_leader_of("tovholder_id"),
    )


def _expiring_consents(now):
    today = _today(now)
    return Consent.objects.filter(
        status=ConsentStatus.GIVEN,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=settings.REMINDER_CONSENT_DAYS),
    )


def _consent_grant_annotations():
    consent = Consent.objects.filter(pk=OuterRef("source_id")).order_by()
    valid_until = Subquery(consent.values("valid_until")[:1])
    return {
        "key": key("cases.consent:", F("source_id"), ":expiry:", valid_until),
        "due_at": local_midnight(valid_until),
        "link": link("cases:child_detail", F("content_object_id")),
    }


def consent_expiry_people(now):
    """Staff who hold access through the consent by name or role (their own grant rows)."""
    return ChildUserObjectPermission.objects.filter(
        source_type="consent",
        source_id__in=_expiring_consents(now).values("pk"),
        user__is_active=True,
    ).annotate(cursor=F("pk"), recipient=F("user_id"), **_consent_grant_annotations())


def consent_expiry_units(now):
    """Staff who hold access through the consent as members of a recipient unit."""
    return ChildGroupObjectPermission.objects.filter(
        source_type="consent",
        source_id__in=_expiring_consents(now).values("pk"),
        group__user__is_active=True,
    ).annotate(cursor=F("pk"), recipient=F("group__user__id"), **_consent_grant_annotations())


def consent_expiry_guardians(now):
    """The guardian who gave the consent, if they log in."""
    return (
        _expiring_consents(now)
        .filter(guardian__user__isnull=False, guardian__user__is_active=True)
        .annotate(
            cursor=F("pk"),
            recipient=F("guardian__user_id"),
            key=key("cases.consent:", F("pk"), ":expiry:", F("valid_until")),
            due_at=local_midnight(F("valid_until")),
            link=link("cases:child_detail", F("child_id")),
        )
    )


def consent_expiry_young_people(now):
    """The young person who gave the consent for themself, through their own login (from the age
    it opens their record: settings.YOUNG_PERSON_OWN_LOGIN_AGE)."""
    return (
        _expiring_consents(now)
        .filter(
            given_by_child=True,
            child__user__is_active=True,
            child__birth_date__lte=years_before(_today(now), settings.YOUNG_PERSON_OWN_LOGIN_AGE),
        )
        .annotate(
            cursor=F("pk"),
            recipient=F("child__user_id"),
            key=key("cases.consent:", F("pk"), ":expiry:", F("valid_until")),
            due_at=local_midnight(F("valid_until")),
            link=link("cases:child_detail", F("child_id")),
        )
    )


def turning_18(now):
    """Children who turn 18 within REMINDER_AGE_18_DAYS → the leaders of the unit where they are
    enrolled, so support does not stop abruptly (DOMAIN.md §7)."""
    today = _today(now)
    latest = today + timedelta(days=settings.REMINDER_AGE_18_DAYS)
    return (
        Enrolment.objects.filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)
        .filter(
            child__birth_date__gt=years_before(today, AGE_OF_MAJORITY),
            child__birth_date__lte=years_before(latest, AGE_OF_MAJORITY),
            unit__staff__roles__overlap=list(LEADER_ROLES),
            unit__staff__user__is_active=True,
        )
        .annotate(
            cursor=F("pk"),
            recipient=F("unit__staff__user_id"),
            key=key("cases.child:", F("child_id"), ":age18:", F("child__birth_date")),
            due_at=local_midnight(PlusYears(F("child__birth_date"), AGE_OF_MAJORITY)),
            link=link("cases:child_detail", F("child_id")),
        )
    )


def insight_requests_due(now):
    """An insight request not answered within REMINDER_INSIGHT_DAYS of its one-month deadline
    (GDPR art. 12(3)) → every administrator of the municipality; still unanswered the day after
    the deadline → the same people again, as overdue."""
    horizon = _today(now) + timedelta(days=settings.REMINDER_INSIGHT_DAYS)
    return InsightRequest.objects.filter(
        released_at__isnull=True,
        due_date__lte=horizon,
        municipality__users__staff_profile__roles__contains=[Role.ADMINISTRATOR],
        municipality__users__is_active=True,
    ).annotate(
        cursor=F("pk"),
        recipient=F("municipality__users__id"),
        key=key("cases.insight:", F("pk"), ":", F("due_date")),
        due_at=local_midnight(F("due_date")),
        link=link("cases:insight_detail", F("pk")),
        leader=F("municipality__users__id"),
    )


register(
    ClockSource(
        kind="cases.insight",
        queryset=insight_requests_due,
        title=_("An answer to a request for insight is due on %(date)s."),
        escalation_title=_(
            "An answer to a request for insight was due on %(date)s and has not been released."
        ),
        # One row per administrator: no cursor unique per row.
        paged=False,
        # Overdue from the day after the due date.
        grace=timedelta(days=1),
    )
)
register(
    ClockSource(
        kind="cases.task",
        queryset=tasks_due,
        title=_("A follow-up task is due on %(date)s."),
        escalation_title=_("A follow-up task in your unit was due on %(date)s and is still open."),
    )
)
register(
    ClockSource(
        kind="cases.forlob_review",
        queryset=forlob_reviews_due,
        title=_("A forløb plan is due for review on %(date)s."),
        escalation_title=_(
            "A forløb plan in your unit was due for review on %(date)s and has not been reviewed."
        ),
    )
)
for kind, queryset, paged in (
    ("cases.consent_expiry", consent_expiry_people, True),
    ("cases.consent_expiry_unit", consent_expiry_units, False),
    ("cases.consent_expiry_guardian", consent_expiry_guardians, True),
    ("cases.consent_expiry_young_person", consent_expiry_young_people, True),
):
    register(
        ClockSource(
            kind=kind,
            queryset=queryset,
            title=_("A consent that gives access to a child's information expires on %(date)s."),
            paged=paged,
        )
    )
register(
    ClockSource(
        kind="cases.age18",
        queryset=turning_18,
        # The guardians' access ends that day by itself (cases.access, cases.tasks).
        title=_(
            "A young person in your unit turns 18 on %(date)s: plan the transition. The "
            "guardians' access ends that day."
        ),
        paged=False,
    )
)


# Events told to a guardian with a login (cases.services.consent_record). The title and the
# e-mail say only that there is a consent; the link opens the child's page, where it can be
# withdrawn with one click.
CONSENT_RECORDED = "cases.consent_recorded"
CONSENT_AWAITING = "cases.consent_awaiting"
register_event(CONSENT_RECORDED, _("A consent has been recorded in your name."))
register_event(CONSENT_AWAITING, _("A consent is waiting for your answer."))

# The insight requests' events (cases.insight.services): a request waits for the
# administrators; the answer waits for the guardian who asked.
INSIGHT_REQUESTED = "cases.insight_requested"
INSIGHT_RELEASED = "cases.insight_released"
register_event(INSIGHT_REQUESTED, _("A request for insight waits for an answer."))
register_event(INSIGHT_RELEASED, _("The answer to your request for insight is ready."))
