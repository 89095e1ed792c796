"""Writes of notifications, dialogue-based notifications, referrals and consultations. Each
service enforces its rules, keeps the queue's next deadline, and writes audit entries."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Child, DataKind, Involvement, Task, TaskStatus, TimelineKind
from cases.selectors import (
    child_bases_for,
    child_capabilities,
    child_list_visible_to,
    unit_leaders,
)
from cases.services import (
    consent_record,
    statutory_involvement_add,
    task_complete,
    task_create,
    timeline_add,
)
from meetings.models import ParticipantKind
from meetings.services.meetings import network_meeting_create
from meetings.services.participants import participant_add
from screening.selectors import red_team_pending
from trivsel.audit.cpr import CPR_PATTERN
from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import access_log_record
from trivsel.locking import row_lock
from trivsel.notifications.services import email_to_address_queue
from trivsel.organisation.models import Role, UnitType
from trivsel.organisation.selectors import leads_unit, own_unit_ids

from .models import (
    AnonymousConsultation,
    DialogueUnderretning,
    Outcome,
    Proposal,
    PublicFormUse,
    Referral,
    ReferralStatus,
    Route,
    Source,
    Status,
    Underretning,
)
from .selectors import (
    PUBLIC_RATE_WINDOW,
    caseworkers_of,
    intake_cache_expire,
    is_social_work,
    referral_topic,
)


def _log(actor, action, obj, *, child_id=None, basis=Basis.STATUTORY, purpose, topic=None):
    # Everything about a notification is the social-work side's: never in the guardians' log,
    # whoever wrote it and on whatever basis (DOMAIN.md §5, exception path).
    access_log_record(
        actor=actor,
        action=action,
        basis=basis,
        obj=obj,
        child_id=child_id,
        purpose=purpose,
        topic=topic or Topic.SOCIAL_WORK,
    )


def _intake_changed(underretning):
    # The intake's counts, caseload and queue pages are cached. Expired now, and again once the
    # change is committed: a page read between the two, from the data before the commit, is
    # then never served again.
    municipality_id = underretning.municipality_id
    intake_cache_expire(municipality_id)
    transaction.on_commit(lambda: intake_cache_expire(municipality_id))


def _save(underretning, *fields):
    underretning.next_deadline = underretning.compute_next_deadline()
    underretning.save(update_fields=[*fields, "next_deadline"])
    _intake_changed(underretning)
    return underretning


def _check_social_work(actor):
    if not is_social_work(actor):
        raise ValidationError(_("Only the social-work side handles notifications."))


def _timeline(underretning, actor, text):
    # Seen only by those who may see notifications: never the parents (DOMAIN.md §5).
    if underretning.child_id:
        timeline_add(
            child=underretning.child,
            kind=TimelineKind.NOTIFICATION,
            data_kind=DataKind.NOTIFICATIONS,
            actor=actor,
            text=text,
        )


def _create(**fields):
    underretning = Underretning(received_at=timezone.now(), **fields)
    underretning.next_deadline = underretning.compute_next_deadline()
    underretning.save()
    _intake_changed(underretning)
    return underretning


# --- Classic notification -------------------------------------------------------------------


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
    if child is not None and not child_list_visible_to(actor).filter(pk=child.pk).exists():
        raise ValidationError({"child": _("Choose one of the children you work with.")})
    if child is None and not child_name_given.strip():
        raise ValidationError({"child_name_given": _("Write who the child is.")})
    if unit is not None and unit.pk not in own_unit_ids(actor):
        raise ValidationError({"unit": _("Choose one of your own units.")})
    underretning = _create(
        municipality_id=actor.municipality_id,
        route=Route.CLASSIC,
        source=Source.PROFESSIONAL,
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


@transaction.atomic
def underretning_submit_public(
    *,
    municipality,
    anonymous,
    category,
    text,
    client="",
    name="",
    email="",
    phone="",
    child_name="",
    child_cpr="",
    child_address="",
    suspected_violence=False,
):
    """A citizen's notification from the public page (no login). Never matched to a child here:
    only the intake staff do that. `client` (a keyed hash of the connection's address) counts
    towards the form's rate limit, apart from the notification."""
    now = timezone.now()
    PublicFormUse.objects.filter(at__lt=now - PUBLIC_RATE_WINDOW).delete()
    PublicFormUse.objects.create(municipality=municipality, client=client, at=now)
    underretning = _create(
        municipality=municipality,
        route=Route.CLASSIC,
        source=Source.ANONYMOUS if anonymous else Source.CITIZEN,
        category=category,
        child_name_given=child_name.strip(),
        child_cpr_given=child_cpr.strip(),
        child_address_given=child_address.strip(),
        text=text.strip(),
        suspected_violence=suspected_violence,
        notifier_name="" if anonymous else name.strip(),
        notifier_email="" if anonymous else email.strip(),
        notifier_phone="" if anonymous else phone.strip(),
    )
    access_log_record(
        actor=None,
        action=Action.CREATE,
        basis=Basis.STATUTORY,
        obj=underretning,
        purpose=_("Public notification form"),
        topic=Topic.SOCIAL_WORK,
    )
    return underretning


@transaction.atomic
def underretning_record(
    *,
    actor,
    source,
    category,
    text,
    notifier_name="",
    notifier_role="",
    notifier_email="",
    notifier_phone="",
    child_name_given="",
    suspected_violence=False,
):
    """A notification by phone or in person, written down by the receiver."""
    _check_social_work(actor)
    if source not in (Source.PHONE, Source.IN_PERSON, Source.ANONYMOUS):
        raise ValidationError({"source": _("Choose how the notification was received.")})
    underretning = _create(
        municipality_id=actor.municipality_id,
        route=Route.CLASSIC,
        source=source,
        category=category,
        child_name_given=child_name_given.strip(),
        text=text.strip(),
        suspected_violence=suspected_violence,
        notifier_name=notifier_name.strip(),
        notifier_role=notifier_role.strip(),
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


def _mail(underretning, template, *, link=""):
    # Through the platform's outbox (retries, back-off, one content rule): the e-mail is rendered
    # from referrals/email/<template>_*.txt with the day received and a link only, never a name,
    # a CPR number or the text of the underretning (DESIGN.md §4).
    email_to_address_queue(
        to_address=underretning.notifier_email,
        template=f"referrals/email/{template}",
        key=f"referrals.underretning:{underretning.pk}:{template}",
        link=link,
        about_date=timezone.localdate(underretning.received_at),
    )


@transaction.atomic
def underretning_send_receipt(*, actor, underretning):
    _check_social_work(actor)
    row_lock(underretning)  # two presses at once send one e-mail
    if underretning.receipt_sent_at:
        raise ValidationError(_("The receipt has already been sent."))
    if not underretning.wants_receipt:
        raise ValidationError(_("An anonymous notifier cannot get a receipt."))
    # The receipt's clock stops when the receipt is handed to the outbox, in this transaction:
    # that is when the municipality sent it. The outbox delivers it (normally within a minute,
    # with retries while the mail server is away); the clock does not wait for the server.
    underretning.receipt_sent_at = timezone.now()
    _save(underretning, "receipt_sent_at")
    # A professional follows the status on their own page; a citizen has no login to follow it.
    link = reverse("referrals:underretning_sent_list") if underretning.notifier_id else ""
    _mail(underretning, "receipt", link=link)
    _log(actor, Action.CHANGE, underretning, child_id=underretning.child_id, purpose=_("Receipt"))
    return underretning


@transaction.atomic
def underretning_send_feedback(*, actor, underretning):
    """§ 137: the professional notifier learns whether an investigation or measures followed —
    on their own page; the e-mail only says there is news."""
    _check_social_work(actor)
    row_lock(underretning)  # two presses at once send one e-mail
    if underretning.source != Source.PROFESSIONAL or not underretning.notifier_id:
        raise ValidationError(_("Feedback goes to a professional notifier only."))
    if underretning.feedback_sent_at:
        raise ValidationError(_("The feedback has already been given."))
    if not underretning.outcome:
        raise ValidationError(_("Record the outcome before giving feedback."))
    underretning.feedback_sent_at = timezone.now()
    _save(underretning, "feedback_sent_at")
    _mail(underretning, "feedback", link=reverse("referrals:underretning_sent_list"))
    _log(actor, Action.CHANGE, underretning, child_id=underretning.child_id, purpose=_("Feedback"))
    return underretning


@transaction.atomic
def underretning_mark(*, actor, underretning, step):
    """The 3-month review done, the investigation finished, or the notification closed. Each
    step is recorded once: a second press keeps the first time."""
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
        fields = ["review_done_at"]
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
    _log(actor, Action.CHANGE, underretning, child_id=underretning.child_id, purpose=step)
    return underretning


# --- Dialogue-based notification ------------------------------------------------------------

DIALOGUE_INVITE_TASK = "referrals.dialogue_invite"


@transaction.atomic
def dialogue_start(
    *, actor, child, unit, category, parents_conversation, parents_agreed, suspected_violence
):
    """The teacher or pædagog records the conversation with the parents and their agreement."""
    if suspected_violence:
        raise ValidationError(
            _(
                "When violence or abuse is suspected, the dialogue route is not used and the"
                " parents are not told: send a classic notification."
            )
        )
    if not parents_agreed:
        raise ValidationError(
            {"parents_agreed": _("The parents must agree to a dialogue-based notification.")}
        )
    if unit.pk not in own_unit_ids(actor):
        raise ValidationError({"unit": _("Choose one of your own units.")})
    if not child_list_visible_to(actor).filter(pk=child.pk).exists():
        raise ValidationError({"child": _("Choose one of the children you work with.")})
    dialogue = DialogueUnderretning.objects.create(
        municipality_id=child.municipality_id,
        child=child,
        unit=unit,
        started_by=actor,
        category=category,
        parents_conversation=parents_conversation.strip(),
        parents_agreed_at=timezone.now(),
    )
    _log(
        actor,
        Action.CREATE,
        dialogue,
        child_id=child.pk,
        basis=Basis.ENROLMENT,
        purpose=_("Dialogue-based notification"),
    )
    # The leader of the unit invites the social worker: a task tells each leader so.
    for leader in unit_leaders(unit):
        task_create(
            child=child,
            title=_("Invite the social worker to a dialogue-based notification meeting"),
            owner=leader,
            due_date=timezone.localdate() + timedelta(days=3),
            created_by=actor,
            # A dialogue-based notification is the social-work side's: the task tells of it.
            data_kind=DataKind.NOTIFICATIONS,
            source_type=DIALOGUE_INVITE_TASK,
            source_id=dialogue.pk,
        )
    return dialogue


@transaction.atomic
def dialogue_invite(*, actor, dialogue, social_worker, starts_at, place):
    """The leader invites the socialrådgiver and plans the meeting, which the leader chairs. The
    meeting is a network meeting of the meetings app; the social worker sees the short type of
    concern here beforehand, not the child's record."""
    if not leads_unit(actor, dialogue.unit_id):
        raise ValidationError(_("Only a leader of the unit invites the social worker."))
    row_lock(dialogue)  # two presses at once plan one meeting
    if dialogue.meeting_id:
        raise ValidationError(_("The meeting is already planned."))
    if not caseworkers_of(actor).filter(pk=social_worker.pk).exists():
        raise ValidationError({"social_worker": _("Choose one of the intake's caseworkers.")})
    meeting = network_meeting_create(
        actor=actor,
        child=dialogue.child,
        purpose=_("Dialogue-based notification: %(concern)s")
        % {"concern": dialogue.get_category_display()},
        starts_at=starts_at,
        place=place,
        tovholder=actor,
        title=_("Dialogue-based notification about %(name)s") % {"name": dialogue.child.first_name},
        # The minutes are the notification, signed by everyone present (DOMAIN.md §9).
        minutes_need_confirmation=True,
    )
    participant_add(
        actor=actor,
        meeting=meeting,
        kind=ParticipantKind.STAFF,
        user=social_worker,
        role=str(Role.SOCIAL_WORKER.label),
    )
    if dialogue.started_by_id != actor.pk:
        participant_add(
            actor=actor, meeting=meeting, kind=ParticipantKind.STAFF, user=dialogue.started_by
        )
    dialogue.meeting, dialogue.social_worker = meeting, social_worker
    dialogue.save(update_fields=["meeting", "social_worker"])
    for task in Task.objects.filter(
        source_type=DIALOGUE_INVITE_TASK,
        source_id=str(dialogue.pk),
        owner=actor,
        status=TaskStatus.OPEN,
    ):
        task_complete(actor=actor, task=task)
    return dialogue


@transaction.atomic
def dialogue_invite_parents(*, actor, dialogue):
    """The teacher or pædagog puts the child's guardians on the meeting's list."""
    row_lock(dialogue)  # two presses at once put each guardian on the list once
    if not dialogue.meeting_id:
        raise ValidationError(_("The leader plans the meeting first."))
    if actor.pk != dialogue.started_by_id and not leads_unit(actor, dialogue.unit_id):
        raise ValidationError(_("Only the unit's staff invite the parents."))
    added = 0
    present = set(dialogue.meeting.participants.values_list("guardian_id", flat=True))
    for guardian in dialogue.child.guardians.all():
        if guardian.pk not in present:
            participant_add(
                actor=actor,
                meeting=dialogue.meeting,
                kind=ParticipantKind.PARENT,
                guardian=guardian,
            )
            added += 1
    return added


def minutes_approved(*, actor, minutes):
    """The meetings app's hook: the approved minutes of a dialogue meeting *are* the
    notification, with the agreed next steps; with no plan, a task for the social worker."""
    dialogue = (
        DialogueUnderretning.objects.select_for_update(of=("self",))
        .filter(meeting_id=minutes.meeting_id, underretning__isnull=True)
        .select_related("child", "started_by", "unit", "social_worker")
        .first()
    )
    if dialogue is None:
        return None
    underretning = _create(
        municipality_id=dialogue.municipality_id,
        route=Route.DIALOGUE,
        source=Source.PROFESSIONAL,
        category=dialogue.category,
        child=dialogue.child,
        text=minutes.agreements or minutes.challenges or dialogue.get_category_display(),
        notifier=dialogue.started_by,
        notifier_name=dialogue.started_by.get_full_name(),
        notifier_unit=dialogue.unit,
        notifier_email=dialogue.started_by.email,
        minutes=minutes,
        assigned_to=dialogue.social_worker,
    )
    dialogue.underretning = underretning
    dialogue.save(update_fields=["underretning"])
    _timeline(underretning, actor, _("Dialogue-based notification: the minutes are approved"))
    has_plan = minutes.action_items.exists()
    if not has_plan and dialogue.social_worker_id:
        task_create(
            child=dialogue.child,
            title=_("No plan was agreed: take the notification to the team at once"),
            owner=dialogue.social_worker,
            due_date=timezone.localdate() + timedelta(days=1),
            created_by=actor,
            data_kind=DataKind.NOTIFICATIONS,
            source_type="referrals.dialogue",
            source_id=dialogue.pk,
        )
    return underretning


# --- Referrals ------------------------------------------------------------------------------


# A referral's consent lets the receiving unit read the child's basic data (who the child is)
# and whatever more the parents chose; suggested for half a year.
REFERRAL_CONSENT_DAYS = 182


def referral_purpose(from_unit, to_unit, proposal):
    # The consent's purpose names the referral, not its reason: the consent is shown on the
    # child's page to everyone who may see it there.
    return _("Referral from %(from)s to %(to)s (proposed: %(proposal)s)") % {
        "from": from_unit.name,
        "to": to_unit.name,
        "proposal": str(Proposal(proposal).label).lower(),
    }


@transaction.atomic
def referral_create(
    *,
    actor,
    child,
    from_unit,
    to_unit,
    reason,
    proposal,
    guardian,
    kinds,
    valid_until,
    paper=True,
    paper_date=None,
    proposed_when="",
):
    """A henvisning, made with the parents: their consent is recorded with it (cases'
    consent_record: the kinds they chose, the receiving unit as recipient, a purpose naming the
    referral, within the maximum period; on paper with the paper's date, or sent to the
    guardian's login to confirm). Through that consent, and only while it is in force, the
    receiving unit's staff see the child (cases.access)."""
    if from_unit.pk not in own_unit_ids(actor):
        raise ValidationError({"from_unit": _("Choose one of your own units.")})
    if to_unit.municipality_id != actor.municipality_id:
        raise ValidationError({"to_unit": _("Choose a unit of your municipality.")})
    if to_unit.pk == from_unit.pk:
        raise ValidationError({"to_unit": _("A referral goes to another unit than your own.")})
    if (
        child.municipality_id != actor.municipality_id
        or not child_capabilities(actor, child.pk).refer
    ):
        raise ValidationError({"child": _("Choose one of the children you work with.")})
    if DataKind.BASIC not in kinds:
        raise ValidationError(
            {
                "kinds": _(
                    "The receiving unit must know who the child is: the consent covers at least "
                    "the basic data."
                )
            }
        )
    if to_unit.type == UnitType.PPR and red_team_pending(child, unit=from_unit):
        raise ValidationError(
            _(
                "The child's agreed position must first be discussed in the cross-disciplinary"
                " team: the task for that is still open."
            )
        )
    topic = referral_topic(to_unit)
    consent = consent_record(
        actor=actor,
        child=child,
        guardian=guardian,
        kinds=kinds,
        units=[to_unit],
        purpose=referral_purpose(from_unit, to_unit, proposal),
        valid_from=timezone.localdate(),
        valid_until=valid_until,
        paper=paper,
        paper_date=paper_date,
    )
    referral = Referral.objects.create(
        municipality_id=actor.municipality_id,
        child=child,
        from_unit=from_unit,
        to_unit=to_unit,
        reason=reason.strip(),
        proposal=proposal,
        proposed_when=proposed_when.strip(),
        consent=consent,
        sent_by=actor,
    )
    access_log_record(
        actor=actor,
        action=Action.CREATE,
        basis=child_bases_for(actor, [child.pk]).get(child.pk, Basis.OWN_RECORD),
        obj=referral,
        child_id=child.pk,
        purpose=_("Referral"),
        topic=topic,
    )
    return referral


@transaction.atomic
def referral_answer(*, actor, referral, accept, reason):
    """The receiving unit accepts or declines, with a reason: only while the parents' consent
    lets it read the referral."""
    if referral.to_unit_id not in own_unit_ids(actor):
        raise ValidationError(_("Only the receiving unit answers the referral."))
    row_lock(referral)  # two answers at once: the first stands, the second is told so
    if (
        referral.consent_id is None
        or not child_list_visible_to(actor, consent_id=referral.consent_id)
        .filter(pk=referral.child_id)
        .exists()
    ):
        raise ValidationError(
            _("The parents' consent to this referral is not in force: it cannot be answered.")
        )
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(_("The referral has already been answered."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Write the reason for the answer.")})
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.answer_reason = reason.strip()
    referral.answered_by, referral.answered_at = actor, timezone.now()
    referral.save(update_fields=["status", "answer_reason", "answered_by", "answered_at"])
    access_log_record(
        actor=actor,
        action=Action.CHANGE,
        basis=Basis.CONSENT,
        obj=referral,
        child_id=referral.child_id,
        purpose=_("Answer a referral"),
        topic=referral_topic(referral.to_unit),
    )
    return referral


# --- Anonymous consultations ----------------------------------------------------------------

_CAPITALISED = re.compile(r"\b[A-ZÆØÅ][a-zæøå]+(?:\s+[A-ZÆØÅ][a-zæøå]+)+")


def identifying_problems(municipality_id, text):
    """Names and CPR numbers have no place in an anonymous consultation."""
    problems = []
    if CPR_PATTERN.search(text):
        problems.append(_("The text contains something that looks like a CPR number."))
    words = set(re.findall(r"\b[A-ZÆØÅ][\wæøåÆØÅ-]+", text))
    if (
        words
        and Child.objects.filter(municipality_id=municipality_id, first_name__in=words).exists()
    ):
        problems.append(_("The text contains the name of a child."))
    elif _CAPITALISED.search(text):
        problems.append(_("The text seems to contain a person's full name."))
    return problems


@transaction.atomic
def consultation_record(*, actor, unit, topic):
    _check_social_work(actor)
    if unit.municipality_id != actor.municipality_id:
        raise ValidationError({"unit": _("Choose a unit of your municipality.")})
    problems = identifying_problems(actor.municipality_id, topic)
    if problems:
        raise ValidationError({"topic": problems})
    today = timezone.localdate()
    return AnonymousConsultation.objects.create(
        municipality_id=actor.municipality_id,
        unit=unit,
        month=today.replace(day=1),
        topic=topic.strip(),
        advised_by=actor,
    )
