"""Meetings' sections of Mit overblik (cases.worklist): the upcoming meetings I take part in,
and the held meetings whose minutes I must write, approve or confirm or whose decisions the
parents have not yet been told. Both come from one query through meeting_list_visible_to (its
access rules are the costly part of the query, so they are built once), so every line opens
for whoever sees it — a guardian: only the network meetings she takes part in."""

from datetime import timedelta

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.selectors import AccessStandIn
from cases.worklist import LIMIT, Item, day_text, link, section_of
from trivsel.database.compiled import CompiledQuery, user_shape, user_stand_in, user_values

from .models import (
    Decision,
    Meeting,
    Minutes,
    MinutesConfirmation,
    MinutesStatus,
    Participant,
    ParticipantKind,
)
from .selectors.meetings import HELD_AFTER, meeting_list_visible_to

# How far ahead the work list shows meetings; the meetings page has the rest.
UPCOMING_DAYS = 30
UPCOMING, MINUTES = 1, 2


def _takes_part(user):
    return (
        Q(tovholder=user)
        | Q(chair=user)
        | Q(participants__user=user)
        | Q(participants__guardian__user=user)
        # The young person on the list of a meeting about themself.
        | Q(participants__kind=ParticipantKind.CHILD, child__user=user)
        | Q(forum__members=user)
    )


def _build(values, roles):
    """The meetings of both sections, each row with `kind`, and `total` counted per kind, for a
    user of `roles` (trivsel.database.compiled: built and compiled once per process)."""
    user = user_stand_in(values, roles)
    access = AccessStandIn(values)
    # A meeting counts as upcoming until HELD_AFTER past its start (as on the meetings page),
    # its minutes' work from then on: the day alone tells the two apart, cheaply.
    held_from = values.moment("held_from")
    mine = Meeting.objects.filter(_takes_part(user), municipality_id=user.municipality_id)
    upcoming = Q(
        pk__in=mine.values("pk"),
        starts_at__gte=held_from,
        starts_at__lte=values.moment("upcoming_until"),
    )
    approved = Minutes.objects.filter(meeting_id=OuterRef("pk"), status=MinutesStatus.APPROVED)
    draft = Minutes.objects.filter(meeting_id=OuterRef("pk"), status=MinutesStatus.DRAFT)
    confirmed = MinutesConfirmation.objects.filter(
        minutes__meeting_id=OuterRef(OuterRef("pk")),
        minutes__status=MinutesStatus.DRAFT,
        participant_id=OuterRef("pk"),
    )
    my_confirmation_due = Participant.objects.filter(
        Q(user=user) | Q(guardian__user=user), meeting_id=OuterRef("pk"), present=True
    ).exclude(Exists(confirmed))
    untold = Decision.objects.filter(
        minutes__meeting_id=OuterRef("pk"),
        minutes__status=MinutesStatus.APPROVED,
        parents_informed_at__isnull=True,
    )
    waiting = Q(starts_at__lt=held_from) & (
        Q(tovholder=user, approved=False)
        | Q(minutes_need_confirmation=True, draft_pk__isnull=False, to_confirm=True)
        | Q(tovholder=user, child__isnull=False, untold=True)
    )
    in_order = [F("starts_at").asc(), F("pk").asc()]
    return (
        meeting_list_visible_to(user, access=access)
        .annotate(
            approved=Exists(approved),
            draft_pk=Subquery(draft.values("pk")[:1]),
            to_confirm=Exists(my_confirmation_due),
            untold=Exists(untold),
        )
        .filter(upcoming | waiting)
        .annotate(
            kind=Case(When(starts_at__gte=held_from, then=Value(UPCOMING)), default=Value(MINUTES)),
            number=Window(RowNumber(), partition_by=[F("kind")], order_by=in_order),
            total=Window(Count("*"), partition_by=[F("kind")]),
        )
        .order_by()
        .values(
            "id",
            "title",
            "starts_at",
            "place",
            "tovholder_id",
            "minutes_need_confirmation",
            "approved",
            "draft_pk",
            "to_confirm",
            "kind",
            "number",
            "total",
        )
    )


def _at_most_limit_of_each_kind(sql, values):
    # `.filter(number__lte=LIMIT)` says the same, but Django emulates a filter on a window
    # function by wrapping the query itself; here the wrapping is said once, in SQL. `sql` is
    # Django's own compiled query, every value in it a parameter.
    return (
        f"SELECT * FROM ({sql}) AS worklist WHERE number <= %s ORDER BY starts_at, id",  # noqa: S608
        (LIMIT,),
    )


_MEETINGS = CompiledQuery(_build, wrap=_at_most_limit_of_each_kind)


def _rows(user, now, access):
    """The rows of both sections: at most LIMIT of each kind, nearest first, as dicts."""
    values = access.values(user_values(user))
    values["held_from"] = now - HELD_AFTER
    values["upcoming_until"] = now + timedelta(days=UPCOMING_DAYS)
    return _MEETINGS.rows(values, roles=user_shape(user))


def _upcoming_item(m):
    starts = timezone.localtime(m["starts_at"])
    note = f"{date_format(starts, 'l j. F')} {starts:%H.%M} · {m['place']}"
    return Item(
        m["title"],
        link("meetings:meeting_detail", m["id"]),
        starts.date(),
        False,
        note,
        deadline=False,
    )


def _minutes_item(user):
    def item(m):
        day = timezone.localdate(m["starts_at"])
        if m["tovholder_id"] == user.pk and not m["approved"]:
            url = link("meetings:minutes_edit", m["id"])
            note = _("Approve the minutes") if m["draft_pk"] else _("Write the minutes")
        elif m["to_confirm"] and m["draft_pk"] and m["minutes_need_confirmation"]:
            url = link("meetings:minutes_confirm", m["draft_pk"])
            note = _("Confirm the minutes")
        else:
            url = link("meetings:meeting_detail", m["id"])
            note = _("Tell the parents about the decisions")
        # The day it was held orders the lines; it is no deadline, so never "overdue".
        held = _("held %(date)s") % {"date": day_text(day)}
        return Item(m["title"], url, day, False, f"{note} · {held}", deadline=False)

    return item


def meetings_sections(user, *, now, access):
    """Two sections from one query: the upcoming meetings, and minutes and decisions."""
    if not user.is_authenticated or user.municipality_id is None:
        return None
    rows = _rows(user, now, access)
    return (
        section_of(
            [m for m in rows if m["kind"] == UPCOMING],
            make_item=_upcoming_item,
            key="meetings",
            heading=_("Upcoming meetings"),
            empty=_("You take part in no meeting in the next 30 days."),
            order=30,
            more_url=link("meetings:list"),
        ),
        section_of(
            [m for m in rows if m["kind"] == MINUTES],
            make_item=_minutes_item(user),
            key="minutes",
            heading=_("Minutes and decisions"),
            empty=_("No minutes wait for you."),
            order=35,
        ),
    )


SECTIONS = (meetings_sections,)
