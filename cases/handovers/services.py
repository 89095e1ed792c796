"""Writes to transition handovers (DOMAIN.md §7): the sender prepares the form, asks the parents,
sends it; the receiving leader acknowledges it and enrols the child. Each service checks who the
actor is to the handover, records timeline and audit entries, and rebuilds the child's grants in
the same transaction when the handover starts or stops giving access."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import access_log_record
from trivsel.extension_points import ExtensionPoint

from ..access import grants_rebuild
from ..models import (
    Child,
    ConsentStatus,
    DataKind,
    Enrolment,
    Handover,
    HandoverSeasonEvaluation,
    Task,
    TaskStatus,
    TimelineKind,
    consent_last_day,
)
from ..selectors import child_require, unit_leaders
from ..services.consent import consent_answer, consent_record, consent_withdraw
from ..services.heard import child_heard_check
from ..services.tasks import task_create
from ..services.timeline import timeline_add
from .capabilities import may_evaluate_handover_seasons
from .selectors import handover_capabilities, is_handover_sender

# The screening app registers how to summarise the sending unit's latest joint assessment of a
# child for a handover (cases must not import screening: DESIGN.md §2). Called as
# provider(child, unit=sending unit); returns (plain-words text, date) or None.
screening_summary_provider = ExtensionPoint("handover screening summary", single=True)


class HandoverAlreadyOpen(Exception):
    """The child already has an open handover to that unit; work in that one."""

    def __init__(self, handover):
        super().__init__(handover.pk)
        self.handover = handover


def _check_sender(actor, child, sending_unit):
    if not is_handover_sender(actor, child.pk, sending_unit.pk):
        raise PermissionDenied


def _check_receiving_leader(actor, handover):
    if not handover_capabilities(actor, handover).leads_receiver:
        raise PermissionDenied


def _handover_purpose(handover):
    return _(
        "Handover at the transition “%(transition)s” from %(sender)s to %(receiver)s, and the "
        "sender's follow-up for %(days)s days after it is sent"
    ) % {
        "transition": handover.get_transition_display(),
        "sender": handover.sending_unit.name,
        "receiver": handover.receiving_unit.name,
        "days": handover.follow_up_days,
    }


HANDOVER_TEXT_FIELDS = (
    "strengths",
    "professional_view",
    "parents_view",
    "child_voice",
    "child_heard",
    "child_heard_note",
)


def _handover_on_timeline(child, actor, text):
    timeline_add(
        child=child, kind=TimelineKind.HANDOVER, data_kind=DataKind.HANDOVER, actor=actor, text=text
    )


@transaction.atomic
def handover_create(
    *,
    actor,
    child,
    transition,
    sending_unit,
    receiving_unit,
    transition_date,
    strengths,
    professional_view,
    sending_group=None,
    parents_view="",
    child_voice="",
    child_heard=None,
    child_heard_note="",
    attach_screening=False,
    evaluation_needed=False,
):
    child_require(actor, child, "prepare_handover")
    _check_sender(actor, child, sending_unit)
    child_heard_check(child=child, child_heard=child_heard, child_heard_note=child_heard_note)
    if receiving_unit.municipality_id != child.municipality_id:
        raise ValidationError(
            {"receiving_unit": _("The receiving unit must belong to the child's municipality.")}
        )
    if receiving_unit.pk == sending_unit.pk:
        raise ValidationError(
            {"receiving_unit": _("The receiving unit must be another unit than the sender.")}
        )
    existing = Handover.objects.filter(
        child=child,
        receiving_unit=receiving_unit,
        acknowledged_at__isnull=True,
        cancelled_at__isnull=True,
    ).first()
    if existing:
        raise HandoverAlreadyOpen(existing)
    try:
        with transaction.atomic():  # a savepoint: two tabs racing get the open one, not a 500
            handover = Handover.objects.create(
                child=child,
                transition=transition,
                sending_unit=sending_unit,
                sending_group=sending_group,
                receiving_unit=receiving_unit,
                transition_date=transition_date,
                strengths=strengths,
                professional_view=professional_view,
                parents_view=parents_view,
                child_voice=child_voice,
                child_heard=child_heard or "",
                child_heard_note=child_heard_note.strip(),
                attach_screening=attach_screening,
                evaluation_needed=evaluation_needed,
                follow_up_days=settings.HANDOVER_FOLLOW_UP_DAYS,
                created_by=actor,
            )
    except IntegrityError:
        raise HandoverAlreadyOpen(
            Handover.objects.get(
                child=child,
                receiving_unit=receiving_unit,
                acknowledged_at__isnull=True,
                cancelled_at__isnull=True,
            )
        ) from None
    _handover_on_timeline(
        child, actor, _("Handover to %(unit)s prepared") % {"unit": receiving_unit.name}
    )
    access_log_record(
        actor=actor,
        action=Action.CREATE,
        basis=Basis.ENROLMENT,
        obj=handover,
        child_id=child.pk,
        purpose=_("Prepare a handover"),
        topic=Topic.HANDOVER,
    )
    return handover


@transaction.atomic
def handover_update(*, actor, handover, **changes):
    """The professional edits the form until it is sent. Asking the parents again is needed if
    they already answered: they consented to what they read."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    _check_sender(actor, handover.child, handover.sending_unit)
    if handover.sent_at or handover.cancelled_at:
        raise ValidationError(_("A handover that has been sent can no longer be changed."))
    if "child_heard" in changes:
        child_heard_check(
            child=handover.child,
            child_heard=changes["child_heard"],
            child_heard_note=changes.get("child_heard_note", ""),
        )
    fields = [
        f for f in (*HANDOVER_TEXT_FIELDS, "transition_date", "evaluation_needed") if f in changes
    ]
    for field in fields:
        setattr(handover, field, changes[field])
    handover.save(update_fields=fields)
    return handover


@transaction.atomic
def handover_request_consent(
    *, actor, handover, guardian, valid_until, paper=False, paper_date=None, refused=False
):
    """Ask the parents (they answer through their own login), or record the consent or refusal
    they gave on paper. Covers basic data and the handover, and the latest joint screening
    assessment only when the professional chose to attach it."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    _check_sender(actor, handover.child, handover.sending_unit)
    if handover.sent_at or handover.cancelled_at:
        raise ValidationError(_("The handover has already been sent."))
    if handover.consent_id and handover.consent.status in {
        ConsentStatus.AWAITING_GUARDIAN,
        ConsentStatus.GIVEN,
    }:
        raise ValidationError(_("The parents have already been asked about this handover."))
    if handover.transition_date > consent_last_day(timezone.localdate()):
        raise ValidationError(
            {
                "valid_until": _(
                    "The transition is more than %(months)s months away, and a consent lasts "
                    "at most %(months)s months: ask the parents nearer the time."
                )
                % {"months": settings.CONSENT_MAX_MONTHS}
            }
        )
    if valid_until < handover.transition_date:
        raise ValidationError(
            {"valid_until": _("The consent must last at least until the transition.")}
        )
    kinds = [DataKind.BASIC, DataKind.HANDOVER]
    if handover.attach_screening:
        kinds.append(DataKind.SCREENING)
    # A previous refused or withdrawn consent stays on the record; this is a new question.
    consent = consent_record(
        actor=actor,
        child=handover.child,
        guardian=guardian,
        kinds=kinds,
        units=[handover.receiving_unit],
        purpose=_handover_purpose(handover),
        valid_from=timezone.localdate(),
        valid_until=valid_until,
        paper=paper,
        paper_date=paper_date,
        refused=refused,
    )
    handover.consent = consent
    handover.save(update_fields=["consent"])
    # Linked to the handover, the consent gives access through it, and only once it is sent.
    grants_rebuild(child_ids=[handover.child_id])
    if consent.status == ConsentStatus.REFUSED:
        _handover_refusal_task(handover)
    return handover


def _handover_refusal_task(handover):
    """A refusal is respected (nothing is sent) and calls for a conversation, not pressure."""
    task_create(
        child=handover.child,
        title=_(
            "Talk with the parents about the transition to %(unit)s: they said no to the handover"
        )
        % {"unit": handover.receiving_unit.name},
        owner=handover.created_by,
        due_date=timezone.localdate() + timedelta(days=7),
        data_kind=DataKind.HANDOVER,
        source_type="cases.handover.refused",
        source_id=handover.pk,
    )


@transaction.atomic
def handover_parent_answer(*, guardian_user, handover, accept, parents_view="", child_voice=""):
    """The parents write their own view (and the child's, if they want) and answer."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.sent_at or handover.cancelled_at or handover.consent_id is None:
        raise ValidationError(_("This handover is not waiting for your answer."))
    if parents_view.strip():
        handover.parents_view = parents_view.strip()
    if child_voice.strip():
        handover.child_voice = child_voice.strip()
    handover.save(update_fields=["parents_view", "child_voice"])
    consent_answer(actor=guardian_user, consent=handover.consent, accept=accept)
    handover.consent.refresh_from_db()
    if not accept:
        _handover_refusal_task(handover)
    return handover


@transaction.atomic
def handover_own_view_write(*, actor, handover, text):
    """The young person writes their own words in the handover ("den unges egne ord"), through
    their own login, while it can still change (before it is sent)."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if not handover_capabilities(actor, handover).write_own_view:
        raise PermissionDenied
    handover.child_voice = (text or "").strip()
    handover.save(update_fields=["child_voice"])
    _handover_on_timeline(
        handover.child,
        actor,
        _("The young person wrote their own words in the handover to %(unit)s")
        % {"unit": handover.receiving_unit.name},
    )
    access_log_record(
        actor=actor,
        action=Action.CHANGE,
        basis=Basis.YOUNG_PERSON,
        obj=handover,
        child_id=handover.child_id,
        purpose=_("Own words in the handover"),
        topic=Topic.HANDOVER,
    )
    return handover


@transaction.atomic
def handover_send(*, actor, handover):
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("consent")
        .get(pk=handover.pk)
    )
    _check_sender(actor, handover.child, handover.sending_unit)
    if handover.sent_at:
        return handover  # a double click sends once
    if handover.cancelled_at:
        raise ValidationError(_("The handover was cancelled."))
    consent = handover.consent
    if consent is None or consent.status != ConsentStatus.GIVEN:
        raise ValidationError(
            _("The handover cannot be sent: the parents have not consented to it.")
        )
    if consent.valid_until < timezone.localdate():
        raise ValidationError(_("The handover cannot be sent: the parents' consent has expired."))
    if handover.receiving_unit.municipality_id != handover.child.municipality_id:
        raise ValidationError(_("The receiving unit must belong to the child's municipality."))
    leaders = list(unit_leaders(handover.receiving_unit)[:1])
    if not leaders:
        raise ValidationError(
            _("The receiving unit has no leader in Trivsel+ to acknowledge the handover.")
        )
    if handover.attach_screening and handover.covers_screening and screening_summary_provider:
        summary = screening_summary_provider.call_one(handover.child, unit=handover.sending_unit)
        if summary:
            handover.screening_summary, handover.screening_assessed_on = summary
    handover.sent_at = timezone.now()
    handover.sent_by = actor
    handover.save(
        update_fields=["sent_at", "sent_by", "screening_summary", "screening_assessed_on"]
    )
    task_create(
        child=handover.child,
        title=_("Acknowledge the handover from %(unit)s") % {"unit": handover.sending_unit.name},
        owner=leaders[0],
        due_date=timezone.localdate() + timedelta(days=5),
        created_by=actor,
        data_kind=DataKind.HANDOVER,
        source_type="cases.handover.acknowledge",
        source_id=handover.pk,
    )
    _handover_on_timeline(
        handover.child,
        actor,
        _("Handover sent to %(unit)s") % {"unit": handover.receiving_unit.name},
    )
    access_log_record(
        actor=actor,
        action=Action.EXPORT,
        basis=Basis.CONSENT,
        obj=handover,
        child_id=handover.child_id,
        purpose=_("Send a handover"),
        topic=Topic.HANDOVER,
    )
    grants_rebuild(child_ids=[handover.child_id])
    return handover


@transaction.atomic
def handover_acknowledge(*, actor, handover):
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    _check_receiving_leader(actor, handover)
    if handover.acknowledged_at:
        return handover
    if handover.consent.status != ConsentStatus.GIVEN:
        raise ValidationError(_("The parents have withdrawn their consent to the handover."))
    handover.acknowledged_at = timezone.now()
    handover.acknowledged_by = actor
    handover.save(update_fields=["acknowledged_at", "acknowledged_by"])
    Task.objects.filter(
        source_type="cases.handover.acknowledge",
        source_id=str(handover.pk),
        status=TaskStatus.OPEN,
    ).update(status=TaskStatus.DONE, completed_at=timezone.now())
    if handover.evaluation_needed:
        task_create(
            child=handover.child,
            title=_("Evaluate the transition from %(unit)s with the parents and the sender")
            % {"unit": handover.sending_unit.name},
            owner=actor,
            due_date=handover.transition_date + timedelta(days=settings.HANDOVER_EVALUATION_DAYS),
            created_by=actor,
            data_kind=DataKind.HANDOVER,
            source_type="cases.handover.evaluate",
            source_id=handover.pk,
        )
    _handover_on_timeline(
        handover.child,
        actor,
        _("%(unit)s acknowledged the handover") % {"unit": handover.receiving_unit.name},
    )
    return handover


@transaction.atomic
def handover_enrol(*, actor, handover, group, start):
    """The receiver takes the child in: an enrolment in the receiving unit."""
    _check_receiving_leader(actor, handover)
    # The child's row, not the handover's: whatever else enrols the child in the unit at the
    # same moment waits too, and the check below sees its enrolment.
    list(Child.objects.select_for_update().filter(pk=handover.child_id).values("pk"))
    if not handover.acknowledged_at:
        raise ValidationError(_("Acknowledge the handover before enrolling the child."))
    if group is not None and group.unit_id != handover.receiving_unit_id:
        raise ValidationError({"group": _("Choose a group of the receiving unit.")})
    if (
        handover.child.enrolments.filter(unit=handover.receiving_unit)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .exists()
    ):
        raise ValidationError(
            _("The child is already enrolled in %(unit)s.") % {"unit": handover.receiving_unit.name}
        )
    enrolment = Enrolment.objects.create(
        child=handover.child, unit=handover.receiving_unit, group=group, start=start
    )
    timeline_add(
        child=handover.child,
        kind=TimelineKind.ENROLMENT,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("Enrolled in %(unit)s from %(date)s")
        % {"unit": handover.receiving_unit.name, "date": start.strftime("%d.%m.%Y")},
    )
    grants_rebuild(child_ids=[handover.child_id])
    return enrolment


@transaction.atomic
def handover_cancel(*, actor, handover):
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    _check_sender(actor, handover.child, handover.sending_unit)
    if handover.sent_at:
        raise ValidationError(_("A handover that has been sent cannot be cancelled."))
    handover.cancelled_at = timezone.now()
    handover.save(update_fields=["cancelled_at"])
    if handover.consent_id and handover.consent.status in {
        ConsentStatus.AWAITING_GUARDIAN,
        ConsentStatus.GIVEN,
    }:
        consent_withdraw(actor=actor, consent=handover.consent)
    _handover_on_timeline(
        handover.child,
        actor,
        _("Handover to %(unit)s cancelled") % {"unit": handover.receiving_unit.name},
    )
    return handover


@transaction.atomic
def handover_season_evaluation_save(*, actor, season, transition, text):
    if not may_evaluate_handover_seasons(actor):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Write the evaluation.")})
    evaluation, _created = HandoverSeasonEvaluation.objects.update_or_create(
        municipality_id=actor.municipality_id,
        season=season,
        transition=transition,
        defaults={"text": text.strip(), "written_by": actor},
    )
    return evaluation
