"""Referrals' sections of Mit overblik (cases.worklist): the notifications of concern I sent and
where they are (the notifier learns their status, nothing more), and for the social-work side
the intake queue's counts and my own statutory deadlines. No child is named here: the notifier
never learns more than the status, and the caseworker opens the notification (logged there)."""

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.worklist import (
    LIMIT,
    Item,
    Section,
    compiled_rows,
    day_text,
    in_daily_care,
    link,
    section_of,
    stand_ins,
    total_count,
)
from trivsel.database.compiled import CompiledQuery
from trivsel.organisation.models import SOCIAL_WORK_ROLES, Role

from .models import Category, Status
from .selectors import (
    choice_labels,
    deadline_text,
    is_social_work,
    queue_counts_for,
    underretning_list_visible_to,
    underretninger_sent_by,
)


def _social_work(user):
    # The roles come with the user: only a socialrådgiver or teamleder costs the unit query.
    profile = user.staff_profile_or_none
    return profile is not None and profile.has_role(*SOCIAL_WORK_ROLES) and is_social_work(user)


def _categories():
    return choice_labels(Category)


def _sent(values, roles):
    user, _access = stand_ins(values, roles)
    return (
        underretninger_sent_by(user)
        .filter(feedback_sent_at__isnull=True)
        .annotate(total=total_count())
        .order_by("-received_at", "pk")
        .values("category", "received_at", "assessed_at", "receipt_sent_at", "total")[:LIMIT]
    )


_SENT = CompiledQuery(_sent)


def sent_section(user, *, now, access):
    """My notifications whose course is not finished: not yet given the § 137 feedback."""
    if not in_daily_care(user):
        return None
    rows = compiled_rows(_SENT, user, access=access)
    url = link("referrals:underretning_sent_list")
    categories = _categories()

    def item(n):
        if n["receipt_sent_at"]:
            note = _("Receipt sent; waiting for the intake's feedback")
        elif n["assessed_at"]:
            note = _("Assessed by the intake")
        else:
            note = _("Received by the intake")
        sent = day_text(timezone.localdate(n["received_at"]))
        text = _("%(concern)s, sent %(date)s") % {
            "concern": categories.get(n["category"], ""),
            "date": sent,
        }
        return Item(text, url, None, False, note)

    return section_of(
        rows,
        make_item=item,
        key="sent",
        heading=_("Notifications you sent"),
        empty=_("No notification you sent is waiting for news."),
        order=50,
        more_url=url,
    )


def intake_section(user, *, now, access):
    """For the social-work side: the queue's counts, each a link to the filtered queue."""
    if not _social_work(user):
        return None
    names = {
        "new": _("New, not assigned"),
        "assessment": _("Awaiting the 24-hour assessment"),
        "receipt": _("Receipt due"),
        "investigating": _("Under investigation"),
    }
    # The queue page's own counts, shared from the cache until a notification changes.
    counts = queue_counts_for(user)
    queue = link("referrals:underretning_list")
    return Section(
        key="intake",
        heading=_("The intake queue"),
        count=counts["new"],
        figures=tuple(
            (label, counts[name], f"{queue}?filter={name}") for name, label in names.items()
        ),
        empty="",
        order=5,  # the social-work side's own work comes first
        more_url=queue,
    )


def _my_deadlines(values, roles):
    user, _access = stand_ins(values, roles)
    # The section has asked is_social_work of the real user before it runs this query.
    user._referrals_social_work = True
    mine = Q(assigned_to=user)
    if user.staff_profile_or_none.has_role(Role.TEAM_LEADER):
        mine |= Q(assigned_to__isnull=True)
    return (
        underretning_list_visible_to(user)
        .filter(
            Q(closed_at__isnull=True)
            | Q(receipt_due_at__isnull=False, receipt_sent_at__isnull=True),
            mine,
            next_deadline__isnull=False,
        )
        .annotate(total=total_count())
        .order_by(F("next_deadline").asc(), "pk")
        .values(
            "id", "category", "received_at", "next_deadline", "status", "assigned_to_id", "total"
        )[:LIMIT]
    )


_MY_DEADLINES = CompiledQuery(_my_deadlines)


def my_deadlines_section(user, *, now, access):
    """For the social-work side: the notifications assigned to me with a clock running, the
    nearest deadline first; for a teamleder also those not yet assigned, whose clocks are hers
    until someone is (as the reminders go, referrals/reminders.py)."""
    if not _social_work(user):
        return None
    rows = compiled_rows(_MY_DEADLINES, user, access=access)
    status = choice_labels(Status)
    categories = _categories()
    # Translated and looked up once for the section, not once per line.
    not_assigned = _("Not assigned")
    received_text = _("%(concern)s, received %(date)s")
    zone = timezone.get_current_timezone()

    def item(n):
        deadline = n["next_deadline"]
        text = received_text % {
            "concern": categories.get(n["category"], ""),
            "date": day_text(n["received_at"].astimezone(zone).date()),
        }
        state = status.get(n["status"], "") if n["assigned_to_id"] else not_assigned
        return Item(
            text,
            link("referrals:underretning_detail", n["id"]),
            deadline.astimezone(zone).date(),
            deadline < now,
            f"{state} · {deadline_text(deadline, now=now)}",
            deadline=False,
        )

    return section_of(
        rows,
        make_item=item,
        key="deadlines",
        heading=_("Your notification deadlines"),
        empty=_("No notification assigned to you has a deadline running."),
        order=6,
        more_url=link("referrals:underretning_list"),
    )


SECTIONS = (intake_section, my_deadlines_section, sent_section)
