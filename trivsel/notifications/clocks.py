"""The registry of clocks. The platform knows nothing about cases or screening: each app that
has deadlines declares them in its own `reminders.py`, which this app imports at start-up
(autodiscover_modules, like admin.py), and calls register() there.

A clock source is one set-based query. Its `queryset(now)` returns the items due for a reminder
now, annotated with:

    cursor     an integer unique per row of the query (the driving row's pk), for keyset paging;
               a source whose rows cannot have one sets paged=False and runs as one statement
    recipient  the user id to remind (NULL rows are skipped)
    key        a stable text key; include the due date, so a moved deadline is reminded again:
               "cases.task:123:2025-05-01"
    due_at     the deadline as a timestamp (local_midnight() turns a DateField into one)
    link       the path of a page that checks access itself (being notified grants nothing)
    leader     only for sources with an escalation_title: the user id to escalate to when the
               item is still due `grace` after due_at (NULL: no escalation for this row)

The title shown and mailed is the source's, never the item's own text: a reminder carries no
sensitive content, only the kind, the date and the link."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    CharField,
    DateTimeField,
    Func,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from trivsel.extension_points import ExtensionPoint
from trivsel.organisation.models import LEADER_ROLES, StaffProfile


@dataclass(frozen=True)
class ClockSource:
    kind: str
    queryset: object  # callable(now) -> annotated QuerySet, see the module's docstring
    title: str  # "… due on %(date)s"
    escalation_title: str | None = None  # None: never escalated
    paged: bool = True
    grace: timedelta | None = None  # None: settings.REMINDER_ESCALATION_DAYS


# The apps add their sources from their reminders.py (autodiscovered at start-up) and their
# event kinds' titles the same way: one ExtensionPoint each (trivsel/extension_points.py).
clock_sources = ExtensionPoint("clock sources")


def register(source):
    if any(s.kind == source.kind and s != source for s in clock_sources):
        raise ValueError(f"clock source {source.kind!r} is registered twice")
    return clock_sources.add(source)


def sources():
    return list(clock_sources)


# Event notifications (a consent recorded in a guardian's name, say) are written by the service
# that causes them (services.notification_send), not found by the sweep; their titles are
# registered here by kind, like the clocks', so the row holds no text about the child either.
event_titles = ExtensionPoint("event notification titles")


def register_event(kind, title):
    if source_for(kind) or any(k == kind and t != title for k, t in event_titles):
        raise ValueError(f"notification kind {kind!r} is registered twice")
    event_titles.add((kind, title))


def source_for(kind):
    return next((source for source in clock_sources if source.kind == kind), None)


def _event_title(kind):
    return next((title for k, title in event_titles if k == kind), None)


def notification_title(notification):
    event_title = _event_title(notification.kind)
    if event_title is not None:
        return event_title
    source = source_for(notification.kind)
    due = (
        formats.date_format(timezone.localtime(notification.due_at), "SHORT_DATE_FORMAT")
        if notification.due_at
        else ""
    )
    if source is None:
        return _("Reminder")
    if notification.stage == "escalation" and source.escalation_title:
        return source.escalation_title % {"date": due}
    return source.title % {"date": due}


# --- Building blocks for the sources' queries ------------------------------------------------


class LocalMidnight(Func):
    """A date column as the timestamp of its midnight in Copenhagen."""

    template = "((%(expressions)s)::timestamp AT TIME ZONE 'Europe/Copenhagen')"
    output_field = DateTimeField()


class PlusYears(Func):
    template = "((%(expressions)s) + make_interval(years => %(years)s))::date"

    def __init__(self, expression, years, **extra):
        super().__init__(expression, years=int(years), **extra)


def local_midnight(expression):
    return LocalMidnight(expression)


def text(expression):
    return Cast(expression, CharField())


def key(*parts):
    """Concat of literal strings and expressions (F(), …) into a dedup key."""
    return Concat(
        *[Value(p) if isinstance(p, str) else text(p) for p in parts], output_field=CharField()
    )


def link(url_name, id_expression):
    """The path of `url_name` for the id in each row, built in SQL (reverse() with a marker)."""
    marker = "987654321"
    prefix, suffix = reverse(url_name, args=[int(marker)]).split(marker)
    return Concat(Value(prefix), text(id_expression), Value(suffix), output_field=CharField())


def page(url_name):
    """The same path for every row (a list page, say)."""
    return Value(reverse(url_name), output_field=CharField())


def unit_leader_of(user_field):
    """The leader (lowest id) who shares a unit with the user in `user_field`, not the user."""
    units = StaffProfile.units.through.objects.filter(
        staffprofile__user_id=OuterRef(OuterRef(user_field))
    ).values("unit_id")
    leaders = (
        StaffProfile.objects.filter(
            roles__overlap=list(LEADER_ROLES), units__in=units, user__is_active=True
        )
        .exclude(user_id=OuterRef(user_field))
        .order_by("user_id")
        .values("user_id")[:1]
    )
    return Subquery(leaders)


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 2, 28)
