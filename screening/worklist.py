"""Screening's sections of Mit overblik (cases.worklist): the marks a rater still owes, and for
the leaders the open rounds of their units — with raters behind, ready for the joint session, or
in it. Counts only: no child is named, so nothing about a child is looked at or logged."""

from django.db.models import F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.selectors import current_enrolments
from cases.worklist import LIMIT, Item, in_daily_care, section_of, total_count
from trivsel.organisation.models import LEADER_ROLES, StaffProfile
from trivsel.organisation.selectors import own_units

from .models import Rating, Round, RoundStatus
from .reminders import _count
from .selectors import round_list_visible_to


def ratings_owed_section(user, *, now, access):
    """Open rounds of my own groups where I have marked fewer children than are enrolled."""
    profile = user.staff_profile_or_none
    if not in_daily_care(user):
        return None
    today = timezone.localdate(now)
    mine = Rating.objects.filter(round_id=OuterRef("pk"), rater_id=user.pk)
    enrolled = current_enrolments().filter(group_id=OuterRef("group_id"))
    rows = (
        round_list_visible_to(user)
        .filter(status=RoundStatus.RATING, group__in=profile.groups.all())
        .annotate(marked=_count(mine), enrolled=_count(enrolled))
        .filter(marked__lt=F("enrolled"))
        .select_related("group__unit")
        .annotate(total=total_count())
        .order_by("deadline", "pk")[:LIMIT]
    )
    return section_of(
        rows,
        make_item=lambda r: Item(
            f"{r.group.name} · {r.group.unit.name}",
            reverse("screening:round_rate", args=[r.pk]),
            r.deadline,
            r.deadline < today,
            _("%(rated)s of %(total)s rated") % {"rated": r.marked, "total": r.enrolled},
        ),
        key="ratings",
        heading=_("Marks you still owe"),
        empty=_("You owe no marks in any screening round."),
        order=10,
        more_url=reverse("screening:round_list"),
    )


def rounds_to_lead_section(user, *, now, access):
    """For the leaders: the open rounds of the units they lead. A round in marking shows how
    many of the group's staff have not marked every child; none behind, or its deadline
    reached, means it is ready for the joint session."""
    profile = user.staff_profile_or_none
    if not in_daily_care(user) or not profile.has_role(*LEADER_ROLES):
        return None
    today = timezone.localdate(now)
    # Per round: the group's active staff with fewer marks than children enrolled.
    enrolled = current_enrolments().filter(group_id=OuterRef(OuterRef("group_id")))
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
    rows = (
        Round.objects.filter(
            group__unit__in=own_units(user),
            status__in=[RoundStatus.RATING, RoundStatus.JOINT],
        )
        .annotate(behind=_count(behind))
        .select_related("group__unit")
        .annotate(total=total_count())
        .order_by("deadline", "pk")[:LIMIT]
    )

    def item(r):
        if r.status == RoundStatus.JOINT:
            url, note = reverse("screening:round_overview", args=[r.pk]), _("Joint session")
        elif r.behind and r.deadline >= today:
            url = reverse("screening:round_rate", args=[r.pk])
            note = ngettext(
                "%(n)s rater has not marked every child",
                "%(n)s raters have not marked every child",
                r.behind,
            ) % {"n": r.behind}
        else:
            url = reverse("screening:round_rate", args=[r.pk])
            note = _("Ready for the joint session")
        return Item(
            f"{r.group.name} · {r.group.unit.name}", url, r.deadline, r.deadline < today, note
        )

    return section_of(
        rows,
        make_item=item,
        key="rounds",
        heading=_("Screening rounds you lead"),
        empty=_("No screening round of your units is open."),
        order=15,
        more_url=reverse("screening:round_list"),
    )


SECTIONS = (ratings_owed_section, rounds_to_lead_section)
