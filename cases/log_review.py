"""The log review's parts that need children (trivsel.audit cannot import cases): which children
a reviewing leader may see named, which children are outside a user's units, and the log
review's lines on Mit overblik. Added in CasesConfig.ready()."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import (
    AccessLogEntry,
    Action,
    Basis,
    LookupSample,
    SampledLookup,
    Topic,
)
from trivsel.audit.patterns import log_alerts_raise
from trivsel.audit.selectors import log_review_counts
from trivsel.audit.services import (
    access_log_record,
    access_log_refused,
    lookup_samples_draw,
    review_week_of,
    sampled_lookup_answer,
)
from trivsel.database.compiled import CompiledQuery
from trivsel.organisation.models import LEADER_ROLES, User
from trivsel.organisation.selectors import leads_units, may_see_data_protection

from .models import Child
from .selectors import access_log_children, child_list_visible_to, current_enrolments
from .worklist import LIMIT, Item, Section, compiled_rows, section_of, stand_ins, total_count


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


def _lookups_to_review(values, roles):
    # Built and compiled once per process (trivsel.database.compiled), like the other sections
    # of Mit overblik: a leader's page asks it at every visit.
    user, _access = stand_ins(values, roles)
    return (
        SampledLookup.objects.filter(
            sample__unit__in=leads_units(user),
            sample__municipality_id=user.municipality_id,
            answered_at__isnull=True,
        )
        .exclude(entry__actor_id=user.pk)
        .annotate(total=total_count())
        .order_by("-sample__week", "sample__unit__name", "entry__at", "pk")
        .values(
            "id",
            "entry_id",
            "entry__actor__first_name",
            "entry__actor__last_name",
            "entry__actor__username",
            "sample__unit__name",
            "sample__week",
            "total",
        )[:LIMIT]
    )


_LOOKUPS_TO_REVIEW = CompiledQuery(_lookups_to_review)


def lookup_review_work_section(user, *, now, access):
    """A leader's sampled look-ups waiting for her answer, one line per unit and week; the data
    -protection officer's (and administrators') counts of the review and its alerts."""
    if not user.is_authenticated or user.staff_profile_or_none is None:
        return None
    sections = []
    profile = user.staff_profile_or_none
    if profile.has_role(*LEADER_ROLES):
        rows = compiled_rows(_LOOKUPS_TO_REVIEW, user, access=access)
        url = reverse("audit:lookup_review")
        number_and_name = _("Look-up no. %(number)s · %(name)s")
        unit_and_week = _("%(unit)s, week %(week)s")

        def item(lookup):
            # Who and when, never the child: the review page names a child only where the
            # leader may see it (trivsel.audit.selectors.ReviewedLookup).
            name = f"{lookup['entry__actor__first_name']} {lookup['entry__actor__last_name']}"
            return Item(
                text=number_and_name
                % {
                    "number": lookup["entry_id"],
                    "name": name.strip() or lookup["entry__actor__username"],
                },
                url=f"{url}#lookup-{lookup['id']}",
                note=unit_and_week
                % {
                    "unit": lookup["sample__unit__name"],
                    "week": lookup["sample__week"].isocalendar().week,
                },
                deadline=False,
            )

        sections.append(
            section_of(
                rows,
                make_item=item,
                key="lookup_review",
                heading=_("Look-ups to review"),
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


# --- Demo -------------------------------------------------------------------------------------


def log_review_demo_seed(context):
    """Last week's look-ups in the demo municipality, this week's samples drawn from them with
    one answer given, and an alert, so `leder` and `dpo` find the review filled in. Once: a
    second run finds the samples and leaves everything as it is."""
    demo = context["demo"]
    if LookupSample.objects.filter(municipality=demo).exists():
        return
    now = timezone.now()
    week, start, _end = review_week_of(now)
    people = {
        u.username: u for u in User.objects.filter(username__in=["paedagog", "leder", "laerer"])
    }
    groups = context["groups"]
    solstuen = list(
        Child.objects.filter(enrolments__group=groups["Børnehuset Solsikken/Solstuen"]).order_by(
            "pk"
        )[:4]
    )
    class_3b = list(
        Child.objects.filter(enrolments__group=groups["Bakkeskolen/3.B"]).order_by("pk")[:3]
    )
    looks = [(people["paedagog"], child, Basis.ENROLMENT, _("Child's page")) for child in solstuen]
    looks += [(people["laerer"], child, Basis.ENROLMENT, _("Child's page")) for child in class_3b]
    # A pædagog's look at a school child: her leader sees it masked.
    looks.append((people["paedagog"], class_3b[0], Basis.CONSENT, _("Child's page")))
    for i, (actor, child, basis, purpose) in enumerate(looks):
        entry = access_log_record(
            actor=actor,
            action=Action.READ,
            basis=basis,
            obj=child,
            child_id=child.pk,
            purpose=purpose,
            topic=Topic.DAILY_CARE,
        )
        AccessLogEntry.objects.filter(pk=entry.pk).update(
            at=start + timedelta(days=i % 5, hours=9 + i)
        )
    lookup_samples_draw(now=now)
    first = (
        SampledLookup.objects.filter(
            sample__unit=context["units"]["Børnehuset Solsikken"], entry__basis=Basis.ENROLMENT
        )
        .order_by("pk")
        .first()
    )
    if first is not None:
        sampled_lookup_answer(
            actor=people["leder"],
            lookup=first,
            part_of_work=True,
            comment=_("Daily care in the room"),
        )
    for pk in range(settings.AUDIT_ALERT_REFUSALS):
        access_log_refused(actor=people["laerer"], what="cases.child", pk=900000 + pk)
    log_alerts_raise()
    context["summary"]["sampled look-ups"] = SampledLookup.objects.filter(
        sample__municipality=demo
    ).count()
