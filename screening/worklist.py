"""Screening's sections of Mit overblik (cases.worklist): the marks a rater still owes, and for
the leaders the open rounds of their units — with raters behind, ready for the joint session, or
in it. Counts only: no child is named, so nothing about a child is looked at or logged."""

from django.db.models import F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.selectors import current_enrolments
from cases.worklist import (
    LIMIT,
    Item,
    compiled_rows,
    in_daily_care,
    link,
    section_of,
    stand_ins,
    total_count,
)
from trivsel.database.compiled import CompiledQuery
from trivsel.organisation.models import LEADER_ROLES, StaffProfile
from trivsel.organisation.selectors import own_units

from .models import Rating, Round, RoundStatus
from .reminders import _count
from .selectors import round_list_visible_to


def _ratings_owed(values, roles):
    user, _access = stand_ins(values, roles)
    profile = user.staff_profile_or_none
    mine = Rating.objects.filter(round_id=OuterRef("pk"), rater_id=user.pk)
    enrolled = current_enrolments(values.day("today")).filter(group_id=OuterRef("group_id"))
    return (
        round_list_visible_to(user)
        .filter(status=RoundStatus.RATING, group__in=profile.groups.all())
        .annotate(marked=_count(mine), enrolled=_count(enrolled))
        .filter(marked__lt=F("enrolled"))
        .annotate(total=total_count())
        .order_by("deadline", "pk")
        .values(
            "id", "deadline", "group__name", "group__unit__name", "marked", "enrolled", "total"
        )[:LIMIT]
    )


_RATINGS_OWED = CompiledQuery(_ratings_owed)


def _group_and_unit(r):
    return f"{r['group__name']} · {r['group__unit__name']}"


def ratings_owed_section(user, *, now, access):
    """Open rounds of my own groups where I have marked fewer children than are enrolled."""
    if not in_daily_care(user):
        return None
    today = timezone.localdate(now)
    rows = compiled_rows(_RATINGS_OWED, user, access=access, today=today)
    return section_of(
        rows,
        make_item=lambda r: Item(
            _group_and_unit(r),
            link("screening:round_rate", r["id"]),
            r["deadline"],
            r["deadline"] < today,
            _("%(rated)s of %(total)s rated") % {"rated": r["marked"], "total": r["enrolled"]},
        ),
        key="ratings",
        heading=_("Marks you still owe"),
        empty=_("You owe no marks in any screening round."),
        order=10,
        more_url=link("screening:round_list"),
    )


def _rounds_to_lead(values, roles):
    user, _access = stand_ins(values, roles)
    # Per round: the group's active staff with fewer marks than children enrolled.
    enrolled = current_enrolments(values.day("today")).filter(
        group_id=OuterRef(OuterRef("group_id"))
    )
    behind = (
        StaffProfile.objects.filter(groups=OuterRef("group_id"), user__is_active=True)
        .annotate(
            marked=_count(
                Rating.objects.filter(
                    round_id=OuterRef(OuterRef("pk")), rater_id=OuterRef("user_id")
                )
            ),
            enrolled=_count(enrolled),
        )
        .filter(marked__lt=F("enrolled"))
    )
    return (
        Round.objects.filter(
            group__unit__in=own_units(user),
            status__in=[RoundStatus.RATING, RoundStatus.JOINT],
        )
        .annotate(behind=_count(behind))
        .annotate(total=total_count())
        .order_by("deadline", "pk")
        .values("id", "status", "deadline", "behind", "group__name", "group__unit__name", "total")[
            :LIMIT
        ]
    )


_ROUNDS_TO_LEAD = CompiledQuery(_rounds_to_lead)


def rounds_to_lead_section(user, *, now, access):
    """For the leaders: the open rounds of the units they lead. A round in marking shows how
    many of the group's staff have not marked every child; none behind, or its deadline
    reached, means it is ready for the joint session."""
    profile = user.staff_profile_or_none
    if not in_daily_care(user) or not profile.has_role(*LEADER_ROLES):
        return None
    today = timezone.localdate(now)
    rows = compiled_rows(_ROUNDS_TO_LEAD, user, access=access, today=today)

    def item(r):
        if r["status"] == RoundStatus.JOINT:
            url, note = link("screening:round_overview", r["id"]), _("Joint session")
        elif r["behind"] and r["deadline"] >= today:
            url = link("screening:round_rate", r["id"])
            note = ngettext(
                "%(n)s rater has not marked every child",
                "%(n)s raters have not marked every child",
                r["behind"],
            ) % {"n": r["behind"]}
        else:
            url = link("screening:round_rate", r["id"])
            note = _("Ready for the joint session")
        return Item(_group_and_unit(r), url, r["deadline"], r["deadline"] < today, note)

    return section_of(
        rows,
        make_item=item,
        key="rounds",
        heading=_("Screening rounds you lead"),
        empty=_("No screening round of your units is open."),
        order=15,
        more_url=link("screening:round_list"),
    )


SECTIONS = (ratings_owed_section, rounds_to_lead_section)
