"""Reads for screening. Children come through the cases selectors (kind: screening), so the
access rules and the access log are the same as everywhere else."""

from collections import Counter, defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from cases.models import DataKind, Task
from cases.selectors import (
    access_log_children,
    child_list_visible_to,
    current_enrolments,
    screening_scope_for,
    screening_scopes_for,
)
from trivsel.audit.models import Topic
from trivsel.audit.services import get_or_refuse
from trivsel.organisation.models import LEADER_ROLES, Group, Role, StaffProfile
from trivsel.organisation.selectors import leads_unit, own_units

from .models import (
    FormTemplate,
    JointAssessment,
    Position,
    Rating,
    Round,
    RoundStatus,
    RuleSet,
)


def _profile(user):
    return user.staff_profile_or_none if user.is_authenticated else None


def is_round_leader(user, round_):
    """Leaders of the round's unit open rounds and run the joint session."""
    if getattr(round_, "leader_checked_for", None) == user.pk:
        return round_.viewer_leads  # answered by round_get_for's query for this very user
    return leads_unit(user, round_.group.unit_id)


def _leads_the_rounds_unit(user):
    return Exists(
        StaffProfile.units.through.objects.filter(
            staffprofile__user_id=user.pk,
            staffprofile__roles__overlap=list(LEADER_ROLES),
            unit_id=OuterRef("group__unit_id"),
        )
    )


def round_list_visible_to(user):
    """Rounds of the user's own groups, and of every group in units they lead."""
    profile = _profile(user)
    if profile is None:
        return Round.objects.none()
    rounds = Round.objects.filter(group__unit__municipality_id=user.municipality_id)
    own_groups = rounds.filter(group__in=profile.groups.all())
    if profile.has_role(*LEADER_ROLES):
        return (own_groups | rounds.filter(group__unit__in=own_units(user))).distinct()
    return own_groups


def round_get_for(user, pk):
    """The round, if the user may see it; whether they lead its unit comes in the same query."""
    round_ = get_or_refuse(
        round_list_visible_to(user)
        .select_related("group__unit", "template")
        .annotate(viewer_leads=_leads_the_rounds_unit(user)),
        pk,
        actor=user,
        purpose=_("Screening round"),
    )
    round_.leader_checked_for = user.pk
    return round_


def round_children(user, round_, *, purpose):
    """The children of the round's group the user may see screening of, logged as one look."""
    enrolled = current_enrolments().filter(group=round_.group).values("child_id")
    children = list(
        child_list_visible_to(user, kind=DataKind.SCREENING)
        .filter(pk__in=enrolled)
        .order_by("first_name", "last_name", "pk")
    )
    access_log_children(
        user, children, purpose=purpose, kind=DataKind.SCREENING, topic=Topic.DAILY_CARE
    )
    return children


def rating_page(user, round_):
    """What the rating page shows: the children and this rater's own marks only."""
    children = round_children(user, round_, purpose=_("Screening: individual marks"))
    mine = {
        r.child_id: r for r in Rating.objects.filter(round=round_, rater=user, child__in=children)
    }
    rows = [(child, mine.get(child.pk)) for child in children]
    return rows, sum(1 for _child, mark in rows if mark)


def overview_matrix(user, round_):
    """Children × raters with the agreed position and the previous round's, and the group's
    distribution. Only during and after the joint session: before it, marks are private."""
    if round_.status == RoundStatus.RATING:
        raise Http404
    children = round_children(user, round_, purpose=_("Screening: joint assessment"))
    # Plain rows, not model instances: a class of 28 with 5 raters is 140 marks, and building
    # a Rating and a User for each was a large part of the page's time.
    ratings = Rating.objects.filter(round=round_, child__in=children).values_list(
        "child_id", "rater_id", "rater__first_name", "rater__last_name", "position", "comment"
    )
    labels = {value: str(label) for value, label in Position.choices}
    names = {}
    marks = defaultdict(dict)
    for child_id, rater_id, first_name, last_name, position, comment in ratings:
        names[rater_id] = f"{first_name} {last_name}".strip()
        marks[child_id][rater_id] = {
            "position": position,
            "label": labels[position],
            "comment": comment,
        }
    raters = sorted(names.items(), key=lambda item: item[1])  # (id, name)
    agreed = {
        a.child_id: a for a in JointAssessment.objects.filter(round=round_, child__in=children)
    }
    # The group's previous round, found inside the same query as its agreed positions.
    previous_round = (
        Round.objects.filter(group=round_.group_id, deadline__lt=round_.deadline)
        .order_by("-deadline")
        .values("pk")[:1]
    )
    previous = dict(
        JointAssessment.objects.filter(
            round=Subquery(previous_round), child__in=children
        ).values_list("child_id", "position")
    )
    if previous:
        # The previous round is the same group's, so the same unit's; still, a position is
        # shown only to those who read that unit's screening of that child.
        scopes = screening_scopes_for(user, list(previous))
        unit_id = round_.group.unit_id
        previous = {pk: p for pk, p in previous.items() if scopes[pk].reads_full(unit_id)}
    rows = [
        {
            "child": child,
            "marks": [marks[child.pk].get(rater_id) for rater_id, _name in raters],
            "yellow_marks": sum(
                1 for mark in marks[child.pk].values() if mark["position"] == Position.YELLOW
            ),
            "agreed": agreed.get(child.pk),
            "previous": previous.get(child.pk),
        }
        for child in children
    ]
    distribution = Counter(a.position for a in agreed.values())
    return {
        "raters": raters,
        "rows": rows,
        "distribution": [(p, distribution.get(p.value, 0)) for p in Position],
    }


def position_history(user, child):
    """A child's joint assessments over time (oldest first), from the units whose screening the
    user reads (cases: screening_scope_for). Each carries `full`: the user reads its position and
    reflection; otherwise only the summary written for the parents (and only one that has such
    a summary is included). The caller has fetched the child with child_get_for(kind=screening).
    """
    scope = screening_scope_for(user, child)
    if scope.is_empty:
        return []
    shown = scope.full_q("round__group__unit_id")
    if scope.summaries_everywhere or scope.summary_units:
        shown |= scope.summary_q("round__group__unit_id") & ~Q(parent_summary="")
    assessments = list(
        JointAssessment.objects.filter(child=child)
        .filter(shown)
        .select_related("round__group__unit")
        .order_by("round__deadline", "pk")
    )
    for assessment in assessments:
        assessment.full = scope.reads_full(assessment.round.group.unit_id)
    return assessments


def parents_may_read_assessments(child):
    rules = RuleSet.objects.filter(municipality_id=child.municipality_id).first()
    return rules.parents_see_written_assessment if rules else True


def templates_for(user):
    """Current forms: the municipality's own and the shipped ones."""
    return FormTemplate.objects.filter(
        Q(municipality__isnull=True) | Q(municipality_id=user.municipality_id), is_current=True
    )


def leader_groups(user):
    profile = _profile(user)
    if profile is None or not profile.has_role(Role.LEADER):
        return []
    return Group.objects.filter(unit__in=own_units(user)).select_related("unit")


def children_without_joint_assessment(user, group_pk, *, since):
    """(group, children) for the group's leader: the children enrolled in one of her groups with
    no joint assessment of her unit since `since`, as the access engine lets her see them (the
    list behind the figure of /tal/). Any other group is a logged 404."""
    group = get_or_refuse(
        Group.objects.filter(pk__in=leader_groups(user)).select_related("unit"),
        group_pk,
        actor=user,
        purpose=_("Screening: children without a joint assessment"),
    )
    enrolled = current_enrolments().filter(group=group).values("child_id")
    assessed = JointAssessment.objects.filter(
        child=OuterRef("pk"), round__group__unit=group.unit_id, round__deadline__gte=since
    )
    children = list(
        child_list_visible_to(user, kind=DataKind.SCREENING)
        .filter(pk__in=enrolled)
        .exclude(Exists(assessed))
        .order_by("first_name", "last_name", "pk")
    )
    access_log_children(
        user,
        children,
        purpose=_("Screening: children without a joint assessment"),
        detail=str(group),
        kind=DataKind.SCREENING,
        topic=Topic.DAILY_CARE,
    )
    return group, children


def rating_progress(user, round_):
    """(rated, total) for the rater, for the progress line after a save. Counts only: nothing
    about any child is shown, so nothing is logged (the save itself was)."""
    enrolled = current_enrolments().filter(group=round_.group_id).values("child_id")
    mine = Rating.objects.filter(round=round_, rater=user, child=OuterRef("pk"))
    counts = (
        child_list_visible_to(user, kind=DataKind.SCREENING)
        .filter(pk__in=enrolled)
        .annotate(has_mark=Exists(mine))
        .aggregate(total=Count("pk"), rated=Count("pk", filter=Q(has_mark=True)))
    )
    return counts["rated"], counts["total"]


def handover_summary(child, *, unit):
    """(text, date) of the latest joint assessment by `unit` (the sending unit) for a handover:
    the plain-words summary written for the parents, never the position or the internal
    reflection. A unit hands over its own screening, not what an earlier unit wrote. None if
    there is no such summary."""
    latest = (
        JointAssessment.objects.filter(child=child, round__group__unit=unit)
        .exclude(parent_summary="")
        .select_related("round")
        .order_by("-round__deadline", "-pk")
        .first()
    )
    if latest is None:
        return None
    return latest.parent_summary, latest.round.deadline


def red_team_pending(child, *, unit):
    """An agreed red position of `unit` (the referring unit) waits for the cross-disciplinary
    team: the unit's PPR referral is refused until that task is done (used by the referrals
    app). Another unit's screening is not the referring unit's to know of (screening_scope_for),
    so its open task neither stops the referral nor shows in the refusal."""
    return Task.objects.filter(
        child=child,
        unit=unit,
        source_type="screening.rule",
        source_id__endswith=":team",
        status="open",
    ).exists()
