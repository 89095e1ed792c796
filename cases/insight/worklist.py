"""Mit overblik for those who prepare insight answers: the requests that wait, nearest due date
first. The lines do not name the child (the request's page does, and logs it)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trivsel.organisation.models import SOCIAL_WORK_ROLES, Role

from ..worklist import LIMIT, Item, section_of, total_count
from .selectors import insight_request_list_visible_to


def insight_requests_section(user, *, now, access):
    profile = user.staff_profile_or_none
    if profile is None or not profile.has_role(Role.ADMINISTRATOR, *SOCIAL_WORK_ROLES):
        return None
    today = timezone.localdate(now)
    # One query: the list asks itself whether a social worker prepares (her unit's type).
    rows = list(insight_request_list_visible_to(user).annotate(total=total_count())[:LIMIT])
    if not rows and not profile.has_role(Role.ADMINISTRATOR):
        return None  # the social-work side sees the heading when a request waits

    def item(insight):
        return Item(
            _("Request for insight of %(day)s")
            % {"day": date_format(timezone.localtime(insight.requested_at), "SHORT_DATE_FORMAT")},
            reverse("cases:insight_detail", args=[insight.pk]),
            insight.due_date,
            insight.due_date < today,
            note=insight.get_status_display(),
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
