"""Writes for screening: rounds, marks, the joint session and the follow-up rules."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import DataKind, Task
from cases.selectors import child_list_visible_to, current_enrolments
from cases.services import task_create
from trivsel.locking import row_lock
from trivsel.organisation.models import UnitType

from .models import JointAssessment, Position, Rating, Round, RoundStatus, RuleSet
from .selectors import is_round_leader


@transaction.atomic
def round_open(*, actor, group, template, deadline):
    round_ = Round(group=group, template=template, deadline=deadline, opened_by=actor)
    if not is_round_leader(actor, round_):
        raise PermissionDenied
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    if template.municipality_id not in (None, actor.municipality_id):
        raise ValidationError({"template": _("Choose one of your municipality's forms.")})
    round_.save()
    return round_


def _check_child_in_round(rater, round_, child):
    enrolled = current_enrolments().filter(group=round_.group_id).values("child_id")
    in_round = (
        child_list_visible_to(rater, kind=DataKind.SCREENING)
        .filter(pk=child.pk, pk__in=enrolled)
        .exists()
    )
    if not in_round:
        raise ValidationError(_("This child is not part of the round."))


@transaction.atomic
def rating_save(*, rater, round_, child, position, context_position="", comment=""):
    """Save one individual mark. Saving again (a double click, a second tab) updates the same
    mark: the database allows one per rater, child and round."""
    if round_.status != RoundStatus.RATING:
        raise ValidationError(_("The round is no longer open for individual marks."))
    if position not in Position.values:
        raise ValidationError(_("Choose green, yellow or red."))
    if context_position and context_position not in Position.values:
        raise ValidationError(_("Choose green, yellow or red."))
    _check_child_in_round(rater, round_, child)
    # One INSERT … ON CONFLICT DO UPDATE: two saves racing each other still leave one mark.
    (rating,) = Rating.objects.bulk_create(
        [
            Rating(
                round=round_,
                child=child,
                rater=rater,
                position=position,
                context_position=context_position,
                comment=comment[:300],
            )
        ],
        update_conflicts=True,
        unique_fields=["round", "child", "rater"],
        update_fields=["position", "context_position", "comment", "updated_at"],
    )
    return rating


@transaction.atomic
def round_start_joint(*, actor, round_):
    if not is_round_leader(actor, round_):
        raise PermissionDenied
    row_lock(round_)
    if round_.status == RoundStatus.JOINT:
        return round_  # started a moment ago (another leader, a double click): the same session
    if round_.status != RoundStatus.RATING:
        raise ValidationError(_("The round is closed."))
    round_.status = RoundStatus.JOINT
    round_.joint_started_at = timezone.now()
    round_.save(update_fields=["status", "joint_started_at"])
    return round_


def _rules_for(municipality):
    rules, _created = RuleSet.objects.get_or_create(municipality=municipality)
    return rules


def _rule_task(*, rule, assessment, actor, title, data_kind=DataKind.SCREENING):
    """Create the rule's task once per assessment, however often the assessment is saved."""
    source_id = f"{assessment.pk}:{rule}"
    if Task.objects.filter(source_type="screening.rule", source_id=source_id).exists():
        return None
    rules = _rules_for(assessment.child.municipality)
    return task_create(
        child=assessment.child,
        title=title,
        owner=actor,
        due_date=timezone.localdate() + timedelta(days=rules.follow_up_days),
        created_by=actor,
        data_kind=data_kind,
        source_type="screening.rule",
        source_id=source_id,
        # The task tells the position: it belongs to the unit whose screening it follows up.
        unit=assessment.round.group.unit,
    )


def apply_rules(*, actor, assessment):
    """The municipality's follow-up rules for one agreed position (DOMAIN.md §6)."""
    rules = _rules_for(assessment.child.municipality)
    yellow_marks = Rating.objects.filter(
        round=assessment.round, child=assessment.child, position=Position.YELLOW
    ).count()
    created = []
    many_yellow_marks = (
        rules.yellow_marks_involve_parents and yellow_marks >= rules.yellow_marks_involve_parents
    )
    if many_yellow_marks or assessment.involve_parents:
        created.append(
            _rule_task(
                rule="parents",
                assessment=assessment,
                actor=actor,
                title=_("Involve the parents: talk with them about the marks"),
            )
        )
    if assessment.position == Position.YELLOW and rules.yellow_needs_plan:
        created.append(
            _rule_task(
                rule="plan",
                assessment=assessment,
                actor=actor,
                title=_("Make a pedagogical plan and talk with the parents"),
            )
        )
    if assessment.position == Position.RED:
        if rules.red_to_team:
            created.append(
                _rule_task(
                    rule="team",
                    assessment=assessment,
                    actor=actor,
                    title=_(
                        "Take the child to the cross-disciplinary team (before any PPR referral)"
                    ),
                )
            )
        health_visiting = assessment.round.group.unit.type == UnitType.HEALTH_VISITING
        if health_visiting and rules.red_health_visiting_suggests_notification:
            created.append(
                _rule_task(
                    rule="notification",
                    assessment=assessment,
                    actor=actor,
                    title=_(
                        "Consider a notification now: the duty to notify does not wait for "
                        "the next round"
                    ),
                    data_kind=DataKind.NOTIFICATIONS,
                )
            )
    return [task for task in created if task is not None]


@transaction.atomic
def joint_assessment_save(
    *,
    actor,
    round_,
    child,
    position,
    reflection="",
    parent_summary="",
    involve_parents=False,
    action_title="",
    action_owner=None,
    action_due=None,
):
    if not is_round_leader(actor, round_):
        raise PermissionDenied
    # The round's row, so that a close at the same moment does not take an agreed position after
    # it; and two saves of the same child's position (two tabs) make one assessment and one task.
    row_lock(round_)
    if round_.status != RoundStatus.JOINT:
        raise ValidationError(_("Start the joint session before agreeing on positions."))
    if position not in Position.values:
        raise ValidationError({"position": _("Choose green, yellow or red.")})
    _check_child_in_round(actor, round_, child)
    assessment, _created = JointAssessment.objects.update_or_create(
        round=round_,
        child=child,
        defaults={
            "position": position,
            "reflection": reflection,
            "parent_summary": parent_summary,
            "involve_parents": involve_parents,
            "decided_by": actor,
        },
    )
    apply_rules(actor=actor, assessment=assessment)
    if action_title.strip():
        # A decided action: what, who, by when — a task like any other follow-up.
        if action_owner is None or action_due is None:
            raise ValidationError(_("A decided action needs an owner and a due date."))
        if action_owner.municipality_id != child.municipality_id:
            raise ValidationError(_("The owner must work in the child's municipality."))
        task_create(
            child=child,
            title=action_title.strip()[:300],
            owner=action_owner,
            due_date=action_due,
            created_by=actor,
            data_kind=DataKind.SCREENING,
            source_type="screening.action",
            source_id=assessment.pk,
            unit=round_.group.unit,
        )
    return assessment


@transaction.atomic
def round_plan(*, actor, groups, template, deadlines):
    """Plan the year: one round per group and deadline (e.g. January, April and October)."""
    return [
        round_open(actor=actor, group=group, template=template, deadline=deadline)
        for group in groups
        for deadline in sorted(set(deadlines))
    ]
