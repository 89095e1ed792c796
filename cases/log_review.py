"""The log review's parts that need children (trivsel.audit cannot import cases): which children
a reviewing leader may see named, which children are outside a user's units, and the log
review's lines on Mit overblik. Added in CasesConfig.ready()."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trivsel.audit.models import SampledLookup
from trivsel.audit.selectors import log_review_counts
from trivsel.organisation.models import LEADER_ROLES
from trivsel.organisation.selectors import leads_units, may_see_data_protection

from .selectors import access_log_children, child_list_visible_to, current_enrolments
from .worklist import Item, Section


def review_child_names(user, child_ids, *, purpose):
    """{child id: name} of the children the reviewing leader may see herself (the access
    engine's rule, tenancy included), the look logged with her basis; the rest stay masked."""
    children = list(child_list_visible_to(user).filter(pk__in=child_ids))
    access_log_children(user, children, purpose=purpose)
    return {child.pk: child.full_name for child in children}


def children_outside_units(user_id, child_ids):
    """The children of `child_ids` not enrolled now in any unit the user works in."""
    inside = set(
        current_enrolments()
        .filter(child_id__in=child_ids, unit__staff__user_id=user_id)
        .values_list("child_id", flat=True)
    )
    return set(child_ids) - inside


def lookup_review_work_section(user, *, now, access):
    """A leader's sampled look-ups waiting for her answer, one line per unit and week; the data
    -protection officer's (and administrators') counts of the review and its alerts."""
    if not user.is_authenticated or user.staff_profile_or_none is None:
        return None
    sections = []
    profile = user.staff_profile_or_none
    if profile.has_role(*LEADER_ROLES):
        rows = list(
            SampledLookup.objects.filter(
                sample__unit__in=leads_units(user),
                sample__municipality_id=user.municipality_id,
                answered_at__isnull=True,
            )
            .exclude(entry__actor_id=user.pk)
            .values("sample__week", "sample__unit__name")
            .annotate(waiting=Count("pk"))
            .order_by("-sample__week", "sample__unit__name")
        )
        url = reverse("audit:lookup_review")
        sections.append(
            Section(
                key="lookup_review",
                heading=_("Look-ups to review"),
                count=sum(row["waiting"] for row in rows),
                items=tuple(
                    Item(
                        text=_("%(unit)s, week %(week)s")
                        % {
                            "unit": row["sample__unit__name"],
                            "week": row["sample__week"].isocalendar().week,
                        },
                        url=url,
                        note=ngettext(
                            "%(count)d look-up waits for your answer",
                            "%(count)d look-ups wait for your answer",
                            row["waiting"],
                        )
                        % {"count": row["waiting"]},
                        deadline=False,
                    )
                    for row in rows[:10]
                ),
                empty=_("No look-up waits for your review."),
                order=60,
                more_url=url,
            )
        )
    if may_see_data_protection(user):
        counts = log_review_counts(user)
        url = reverse("audit:data_protection")
        sections.append(
            Section(
                key="data_protection",
                heading=_("Data protection"),
                count=counts["unanswered"] + counts["no"] + counts["alerts"],
                order=85,
                figures=(
                    (_("Sampled look-ups not answered"), counts["unanswered"], url + "#samples"),
                    (_("Answered no"), counts["no"], url + "#samples"),
                    (_("Alerts in the last 30 days"), counts["alerts"], url + "#alerts"),
                ),
            )
        )
    return tuple(sections) or None
