"""The classic notification (underretning) at the intake: a professional's, or one received by
phone or in person; matched to a child, assigned, assessed, its steps recorded."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Child, Involvement
from cases.services import statutory_involvement_add
from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import access_log_record
from trivsel.locking import row_lock
from trivsel.notifications.services import notification_send
from trivsel.organisation.models import Role

from ..models import RECORDED_CHANNELS, Channel, Notifier, Outcome, Route, Status
from ..reminders import department_head_of
from ..selectors import caseworkers_of
from .common import (
    _check_child_seen,
    _check_own_unit,
    _check_social_work,
    _create,
    _intake_changed,
    _log,
    _save,
    _timeline,
)


@transaction.atomic
def underretning_submit(
    *,
    actor,
    category,
    text,
    child=None,
    child_name_given="",
    unit=None,
    role="",
    suspected_violence=False,
):
    """A professional's notification through the form: named, with role and unit. The child is
    one the professional can see, or given by name for the intake staff to find."""
    profile = actor.staff_profile_or_none
    if profile is None:
        raise ValidationError(_("Only staff can send a notification through this form."))
    if child is not None:
        _check_child_seen(actor, child)
    if child is None and not child_name_given.strip():
        raise ValidationError({"child_name_given": _("Write who the child is.")})
    if unit is not None:
        _check_own_unit(actor, unit)
    underretning = _create(
        municipality_id=actor.municipality_id,
        route=Route.CLASSIC,
        notifier_kind=Notifier.PROFESSIONAL,
        channel=Channel.FORM,
        category=category,
        child=child,
        child_name_given=child_name_given.strip(),
        text=text.strip(),
        suspected_violence=suspected_violence,
        notifier=actor,
        notifier_name=actor.get_full_name(),
        notifier_role=role or ", ".join(str(r) for r in profile.role_labels),
        notifier_unit=unit,
        notifier_email=actor.email,
    )
    _timeline(underretning, actor, _("Notification received"))
    _log(
        actor,
        Action.CREATE,
        underretning,
        child_id=underretning.child_id,
        basis=Basis.OWN_RECORD,
        purpose=_("Send a notification"),
    )
    return underretning


# A phone note may be written down a little after the call; a time further in the future is a
# typing error.
RECEIVED_AT_SLACK = timedelta(minutes=5)


@transaction.atomic
def underretning_record(
    *,
    actor,
    notifier_kind,
    channel,
    received_at,
    category,
    text,
    notifier_name="",
    notifier_role="",
    notifier_workplace="",
    notifier_email="",
    notifier_phone="",
    child_name_given="",
    suspected_violence=False,
):
    """A notification received by phone, in person, by letter or by e-mail, written down by the
    receiver. Who notified decides the clocks (§ 137), not how it came: a professional (with role
    and workplace — the police, a hospital, a GP as well as the municipality's own staff) and a
    named citizen get a receipt, a professional also the feedback. `received_at` is when the
    municipality received it, not when it was written down."""
    _check_social_work(actor)
    if channel not in RECORDED_CHANNELS:
        raise ValidationError({"channel": _("Choose how the notification was received.")})
    if notifier_kind not in Notifier.values:
        raise ValidationError({"notifier_kind": _("Choose who notified.")})
    if received_at > timezone.now() + RECEIVED_AT_SLACK:
        raise ValidationError({"received_day": _("The time received cannot be in the future.")})
    name, role, workplace = notifier_name.strip(), notifier_role.strip(), notifier_workplace.strip()
    if notifier_kind == Notifier.ANONYMOUS:
        # Nothing that could identify an anonymous notifier is kept, even if it was typed.
        name = role = workplace = notifier_email = notifier_phone = ""
    problems = {}
    if notifier_kind != Notifier.ANONYMOUS and not name:
        problems["notifier_name"] = _("Write the notifier's name, or choose anonymous.")
    if notifier_kind == Notifier.PROFESSIONAL:
        if not role:
            problems["notifier_role"] = _("Write the professional's role (e.g. doctor, police).")
        if not workplace:
            problems["notifier_workplace"] = _("Write where the professional works.")
    if problems:
        raise ValidationError(problems)
    underretning = _create(
        municipality_id=actor.municipality_id,
        route=Route.CLASSIC,
        notifier_kind=notifier_kind,
        channel=channel,
        received_at=received_at,
        category=category,
        child_name_given=child_name_given.strip(),
        text=text.strip(),
        suspected_violence=suspected_violence,
        notifier_name=name,
        notifier_role=role,
        notifier_workplace=workplace,
        notifier_email=notifier_email.strip(),
        notifier_phone=notifier_phone.strip(),
        recorded_by=actor,
    )
    _log(actor, Action.CREATE, underretning, purpose=_("Write down a notification"))
    return underretning


def _involve(actor, underretning):
    """The caseworker's involvement with the child: the statutory basis, through the engine."""
    person = underretning.assigned_to
    if not (underretning.child_id and person):
        return
    today = timezone.localdate()
    already = (
        Involvement.objects.filter(child_id=underretning.child_id, person=person)
        .filter(end__isnull=True)
        .exists()
        or Involvement.objects.filter(
            child_id=underretning.child_id, person=person, end__gte=today
        ).exists()
    )
    if not already:
        statutory_involvement_add(
            actor=actor,
            child=underretning.child,
            person=person,
            role=str(Role.SOCIAL_WORKER.label),
            purpose=_("Handles a notification"),
            start=today,
        )


@transaction.atomic
def underretning_match_child(*, actor, underretning, cpr):
    """The intake staff find the child a citizen named, by CPR number in the municipality."""
    _check_social_work(actor)
    digits = re.sub(r"\D", "", cpr or "")
    child = Child.objects.filter(municipality_id=underretning.municipality_id, cpr=digits).first()
    access_log_record(
        actor=actor,
        action=Action.SEARCH,
        basis=Basis.STATUTORY,
        obj=underretning,
        child_id=child.pk if child else None,
        purpose=_("Find the child of a notification"),
        detail=digits,
        topic=Topic.SOCIAL_WORK,
    )
    if child is None:
        raise ValidationError({"cpr": _("No child with that CPR number in the municipality.")})
    row_lock(underretning)  # found twice at once: one timeline entry, one involvement
    if underretning.child_id == child.pk:
        return underretning
    underretning.child = child
    underretning.save(update_fields=["child"])
    _intake_changed(underretning)
    _timeline(underretning, actor, _("Notification received"))
    _involve(actor, underretning)
    return underretning


@transaction.atomic
def underretning_assign(*, actor, underretning, caseworker):
    _check_social_work(actor)
    if not caseworkers_of(actor).filter(pk=caseworker.pk).exists():
        raise ValidationError({"caseworker": _("Choose one of the intake's caseworkers.")})
    row_lock(underretning)  # _involve checks, then registers: one involvement, not two
    underretning.assigned_to = caseworker
    _save(underretning, "assigned_to")
    _involve(actor, underretning)
    _log(actor, Action.CHANGE, underretning, child_id=underretning.child_id, purpose=_("Assign"))
    return underretning


@transaction.atomic
def underretning_assess(*, actor, underretning, triage, outcome="", note=""):
    """The assessment: the urgency first (the 24-hour clock), the outcome when decided. A first
    assessment after the clock is accepted; the page shows it as late."""
    _check_social_work(actor)
    # Not over a close made at the same moment, and the first assessment's time stays first.
    row_lock(underretning)
    if underretning.closed_at:
        raise ValidationError(_("The notification is closed."))
    now = timezone.now()
    fields = ["triage", "outcome", "assessment_note", "status"]
    underretning.triage = triage
    underretning.assessment_note = note.strip()
    if underretning.assessed_at is None:
        underretning.assessed_at, underretning.assessed_by = now, actor
        fields += ["assessed_at", "assessed_by"]
    if underretning.assigned_to_id is None:
        underretning.assigned_to = (
            actor if caseworkers_of(actor).filter(pk=actor.pk).exists() else None
        )
        fields.append("assigned_to")
    underretning.outcome = outcome
    if outcome == Outcome.INVESTIGATION:
        if underretning.investigation_started_at is None:
            underretning.investigation_started_at = now
            fields.append("investigation_started_at")
        underretning.status = Status.INVESTIGATING
    else:
        underretning.status = Status.ASSESSED
    _save(underretning, *fields)
    _involve(actor, underretning)
    _timeline(
        underretning,
        actor,
        _("Notification assessed: %(triage)s") % {"triage": underretning.get_triage_display()},
    )
    _log(actor, Action.CHANGE, underretning, child_id=underretning.child_id, purpose=_("Assess"))
    return underretning


@transaction.atomic
def underretning_mark(*, actor, underretning, step, at_risk=False):
    """The 3-month review done, the investigation finished, or the notification closed. Each
    step is recorded once: a second press keeps the first time. At the review, `at_risk` records
    that the investigation's 4-month deadline may not be met, and the department head (the
    intake's leader, else a teamleder) is told — without anything about the child."""
    _check_social_work(actor)
    row_lock(underretning)
    done = {
        "review": underretning.review_done_at,
        "investigation": underretning.investigation_finished_at,
        "close": underretning.closed_at,
    }
    if done.get(step):
        return underretning
    now = timezone.now()
    if step == "review":
        underretning.review_done_at = now
        underretning.review_at_risk = bool(at_risk) and underretning.runs_investigation
        fields = ["review_done_at", "review_at_risk"]
    elif step == "investigation" and underretning.investigation_started_at:
        underretning.investigation_finished_at = now
        fields = ["investigation_finished_at"]
    elif step == "close":
        if not underretning.outcome:
            raise ValidationError(_("Record the outcome before closing the notification."))
        underretning.closed_at, underretning.status = now, Status.CLOSED
        fields = ["closed_at", "status"]
    else:
        raise ValidationError(_("Unknown step."))
    _save(underretning, *fields)
    if step == "review" and underretning.review_at_risk:
        notification_send(
            recipient=department_head_of(underretning),
            kind="referrals.review_at_risk",
            key=f"referrals.review_at_risk:{underretning.pk}",
            link=reverse("referrals:underretning_detail", args=[underretning.pk]),
        )
    _log(actor, Action.CHANGE, underretning, child_id=underretning.child_id, purpose=step)
    return underretning
