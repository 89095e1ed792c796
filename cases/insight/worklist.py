"""Mit overblik for those who prepare insight answers: the requests that wait, nearest due date
first. The lines do not name the child (the request's page does, and logs it)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trivsel.database.compiled import CompiledQuery
from trivsel.organisation.models import SOCIAL_WORK_ROLES, Role

from ..models import InsightStatus
from ..worklist import LIMIT, Item, compiled_rows, section_of, stand_ins, total_count
from .selectors import insight_request_list_visible_to


def _pending(values, roles):
    # Built and compiled once per process (trivsel.database.compiled): the list's own rule,
    # asked of a stand-in user.
    user, _access = stand_ins(values, roles)
    return (
        insight_request_list_visible_to(user)
        .annotate(total=total_count())
        .values("id", "requested_at", "due_date", "status", "total")[:LIMIT]
    )


_PENDING = CompiledQuery(_pending)


def insight_requests_section(user, *, now, access):
    profile = user.staff_profile_or_none
    if profile is None or not profile.has_role(Role.ADMINISTRATOR, *SOCIAL_WORK_ROLES):
        return None
    today = timezone.localdate(now)
    # One query: the list asks itself whether a social worker prepares (her unit's type).
    rows = compiled_rows(_PENDING, user, access=access)
    if not rows and not profile.has_role(Role.ADMINISTRATOR):
        return None  # the social-work side sees the heading when a request waits

    statuses = dict(InsightStatus.choices)

    def item(insight):
        return Item(
            _("Request for insight of %(day)s")
            % {
                "day": date_format(timezone.localtime(insight["requested_at"]), "SHORT_DATE_FORMAT")
            },
            reverse("cases:insight_detail", args=[insight["id"]]),
            insight["due_date"],
            insight["due_date"] < today,
            note=statuses[insight["status"]],
        )

    return section_of(
        rows,
        make_item=item,
        key="insight",
        heading=_("Requests for insight"),
        empty=_("No requests for insight wait for an answer."),
        order=70,
        more_url=reverse("cases:insight_list"),
    )
