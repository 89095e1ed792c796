"""Meetings' sections of Mit overblik (cases.worklist): the upcoming meetings I take part in,
and the minutes I must write, approve or confirm and the decisions whose parents are not yet
told. Both read through meeting_list_visible_to, so every line opens for whoever sees it (a
guardian: only the network meetings she takes part in)."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.worklist import LIMIT, Item, section_of, total_count

from .models import Decision, Meeting, Minutes, MinutesConfirmation, MinutesStatus, Participant
from .selectors.meetings import HELD_AFTER, meeting_list_visible_to

# How far ahead the work list shows meetings; the meetings page has the rest.
UPCOMING_DAYS = 30


def _takes_part(user):
    return (
        Q(tovholder=user)
        | Q(chair=user)
        | Q(participants__user=user)
        | Q(participants__guardian__user=user)
        | Q(forum__members=user)
    )


def upcoming_meetings_section(user, *, now):
    if not user.is_authenticated or user.municipality_id is None:
        return None
    mine = Meeting.objects.filter(_takes_part(user), municipality_id=user.municipality_id)
    rows = (
        meeting_list_visible_to(user)
        .filter(
            pk__in=mine.values("pk"),
            starts_at__gte=now - HELD_AFTER,
            starts_at__lte=now + timedelta(days=UPCOMING_DAYS),
        )
        .annotate(total=total_count())
        .order_by("starts_at", "pk")[:LIMIT]
    )

    def item(m):
        starts = timezone.localtime(m.starts_at)
        note = f"{date_format(starts, 'l j. F')} {starts:%H.%M} · {m.place}"
        return Item(
            m.title,
            reverse("meetings:meeting_detail", args=[m.pk]),
            starts.date(),
            False,
            note,
            deadline=False,
        )

    return section_of(
        rows,
        make_item=item,
        key="meetings",
        heading=_("Upcoming meetings"),
        empty=_("You take part in no meeting in the next 30 days."),
        order=30,
        more_url=reverse("meetings:list"),
    )


def minutes_section(user, *, now):
    """Held meetings whose minutes wait for me: to be written or approved (the tovholder), to be
    confirmed (those recorded present at a meeting whose minutes need confirmation), or with
    decisions the parents have not yet been told (the tovholder)."""
    if not user.is_authenticated or user.municipality_id is None:
        return None
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
    rows = (
        meeting_list_visible_to(user)
        .filter(starts_at__lt=now)
        .annotate(
            approved=Exists(approved),
            draft_pk=Subquery(draft.values("pk")[:1]),
            to_confirm=Exists(my_confirmation_due),
            untold=Exists(untold),
        )
        .filter(
            Q(tovholder=user, approved=False)
            | Q(minutes_need_confirmation=True, draft_pk__isnull=False, to_confirm=True)
            | Q(tovholder=user, child__isnull=False, untold=True)
        )
        .annotate(total=total_count())
        .order_by("starts_at", "pk")[:LIMIT]
    )

    def item(m):
        day = timezone.localdate(m.starts_at)
        if m.tovholder_id == user.pk and not m.approved:
            url = reverse("meetings:minutes_edit", args=[m.pk])
            note = _("Approve the minutes") if m.draft_pk else _("Write the minutes")
        elif m.to_confirm and m.draft_pk and m.minutes_need_confirmation:
            url = reverse("meetings:minutes_confirm", args=[m.draft_pk])
            note = _("Confirm the minutes")
        else:
            url = reverse("meetings:meeting_detail", args=[m.pk])
            note = _("Tell the parents about the decisions")
        # The day it was held orders the lines; it is no deadline, so never "overdue".
        held = _("held %(date)s") % {"date": date_format(day, "j. F Y")}
        return Item(m.title, url, day, False, f"{note} · {held}", deadline=False)

    return section_of(
        rows,
        make_item=item,
        key="minutes",
        heading=_("Minutes and decisions"),
        empty=_("No minutes wait for you."),
        order=35,
    )


SECTIONS = (upcoming_meetings_section, minutes_section)
