"""Unusual patterns in the access log, told to the municipality's administrators and its
data-protection officer (Datatilsynet's catalogue of measures: the log is watched, not only
kept). Each pattern is one user's look-ups within the last AUDIT_ALERT_WINDOW_MINUTES:

    outside_units  many children looked up (opened, not seen in a list) that are not enrolled in
                   any of her units — snooping looks like this; day-to-day work does not
    cpr_reveals    many "Vis CPR"
    refusals       many refused look-ups (ids that do not exist or that she may not see: probing)

An alert is raised once per user and pattern per window: a user who goes on gets one more alert
a window later, not one per run, and a run repeated (or on a second worker: the sweep holds a
lock) raises nothing new. Being told grants nothing: the alert names the user and the counts,
never a child, and links to the data-protection page, which checks access itself."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation

from trivsel.extension_points import ExtensionPoint
from trivsel.notifications.services import notification_send
from trivsel.organisation.models import Role, User

from .cpr import CPR_REVEAL_PURPOSE
from .models import AccessLogEntry, Basis, LogAlert, Pattern
from .services import REVIEWED_ACTIONS, REVIEWED_BASES

ALERT_KIND = "audit.log_alert"

# Which of some children are not enrolled in any unit of a user, now — the apps that hold
# enrolments answer (cases adds the one function in its AppConfig.ready()):
#
#     function(user_id, child_ids) -> set of child ids
#
# Without it every child counts as outside.
children_outside_units = ExtensionPoint("children outside a user's units", single=True)

# Any lock id of our own: one sweep at a time over the whole log.
SWEEP_LOCK = 7_419_019


def cpr_reveal_purposes():
    """The purpose "Vis CPR" is logged with, in every language of the product (the log stores
    the text of the request's language)."""
    purposes = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            purposes.add(translation.gettext(CPR_REVEAL_PURPOSE))
    return sorted(purposes)


def _thresholds():
    return {
        Pattern.CHILDREN_OUTSIDE_UNITS: settings.AUDIT_ALERT_CHILDREN_OUTSIDE_UNITS,
        Pattern.CPR_REVEALS: settings.AUDIT_ALERT_CPR_REVEALS,
        Pattern.REFUSALS: settings.AUDIT_ALERT_REFUSALS,
    }


def _candidates(start, end, thresholds):
    """(actor id, municipality id, pattern, count) over the window, in one query: the actors
    at or over a threshold. The children outside her units are counted here as children looked
    up; which of them are outside is asked afterwards, for these few actors only."""
    rows = (
        AccessLogEntry.objects.filter(at__gte=start, at__lte=end, actor__isnull=False)
        .values("actor_id", "municipality_id")
        .annotate(
            children=Count(
                "child_id",
                distinct=True,
                filter=Q(
                    child_id__isnull=False,
                    listed=False,
                    action__in=REVIEWED_ACTIONS,
                    basis__in=REVIEWED_BASES,
                ),
            ),
            reveals=Count("pk", filter=Q(purpose__in=cpr_reveal_purposes())),
            refusals=Count("pk", filter=Q(basis=Basis.DENIED)),
        )
        .filter(
            Q(children__gte=thresholds[Pattern.CHILDREN_OUTSIDE_UNITS])
            | Q(reveals__gte=thresholds[Pattern.CPR_REVEALS])
            | Q(refusals__gte=thresholds[Pattern.REFUSALS])
        )
        .order_by("actor_id")
    )
    for row in rows:
        if row["municipality_id"] is None:
            continue
        for pattern, count in (
            (Pattern.CHILDREN_OUTSIDE_UNITS, row["children"]),
            (Pattern.CPR_REVEALS, row["reveals"]),
            (Pattern.REFUSALS, row["refusals"]),
        ):
            if count >= thresholds[pattern]:
                yield row["actor_id"], row["municipality_id"], pattern, count


def _children_outside(actor_id, start, end):
    child_ids = sorted(
        set(
            AccessLogEntry.objects.filter(
                actor_id=actor_id,
                at__gte=start,
                at__lte=end,
                child_id__isnull=False,
                listed=False,
                action__in=REVIEWED_ACTIONS,
                basis__in=REVIEWED_BASES,
            ).values_list("child_id", flat=True)
        )
    )
    outside = children_outside_units.call_one(actor_id, child_ids)
    return len(child_ids) if outside is None else len(outside)


def alert_recipients(municipality_id):
    """The municipality's active administrators and data-protection officers."""
    return User.objects.filter(
        municipality_id=municipality_id,
        is_active=True,
        staff_profile__roles__overlap=[Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER],
    ).order_by("pk")


@transaction.atomic
def log_alerts_raise(*, now=None):
    """Raise the alerts of the window ending `now`: the new LogAlerts, each told to the
    administrators and the data-protection officer of the user's municipality."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK])
        if not cursor.fetchone()[0]:
            return []  # another worker is sweeping the same log right now
    window = timedelta(minutes=settings.AUDIT_ALERT_WINDOW_MINUTES)
    start = now - window
    thresholds = _thresholds()
    raised = []
    for actor_id, municipality_id, pattern, count in list(_candidates(start, now, thresholds)):
        # Once per window: not while an alert of the same pattern about her is under a window
        # old (what made it is still being counted).
        if LogAlert.objects.filter(
            actor_id=actor_id, pattern=pattern, window_end__gt=start
        ).exists():
            continue
        if pattern == Pattern.CHILDREN_OUTSIDE_UNITS:
            count = _children_outside(actor_id, start, now)
            if count < thresholds[pattern]:
                continue
        raised.append(
            LogAlert.objects.create(
                municipality_id=municipality_id,
                actor_id=actor_id,
                pattern=pattern,
                window_start=start,
                window_end=now,
                count=count,
                threshold=thresholds[pattern],
                created_at=now,
            )
        )
    if raised:
        link = reverse("audit:data_protection") + "#alerts"
        for alert in raised:
            for recipient in alert_recipients(alert.municipality_id):
                notification_send(
                    recipient=recipient,
                    kind=ALERT_KIND,
                    key=f"{ALERT_KIND}:{alert.pk}",
                    link=link,
                )
    return raised
