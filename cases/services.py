"""Writes to the child's record. Each service enforces its rules, records timeline and audit
entries, and rebuilds the child's grants in the same transaction when a source of access changes."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import access_log_record
from trivsel.locking import row_lock
from trivsel.notifications.services import notification_send
from trivsel.organisation.models import (
    SOCIAL_WORK_ROLES,
    SOCIAL_WORK_UNIT_TYPES,
)

from .access import day_after, grants_rebuild
from .capabilities import takes_part_in_exchange
from .models import (
    CONSENT_SOURCE,
    EXCHANGE_FOLLOW_UP_WITHIN_DAYS,
    EXCHANGE_MAX_DAYS_AHEAD,
    EXCHANGE_YEAR_DAYS,
    EXCHANGES_PER_YEAR,
    Consent,
    ConsentEvidence,
    ConsentStatus,
    DataKind,
    ExchangeGrant,
    Forlob,
    Involvement,
    SubGoal,
    Task,
    TaskStatus,
    TimelineEntry,
    TimelineKind,
    consent_last_day,
)
from .reminders import CONSENT_AWAITING, CONSENT_RECORDED
from .selectors import (
    child_bases_for,
    child_capabilities,
    child_require,
    consent_topic,
)


class EditConflict(Exception):
    """Someone else saved the record after this edit started; nothing was overwritten."""


def timeline_add(
    *, child, kind, data_kind, actor, text, at=None, unit=None, source_type="", source_id=""
):
    """`unit`: the unit whose screening a screening entry comes from. `source_type`/`source_id`:
    what the entry is about, for the app whose rule decides who sees it."""
    return TimelineEntry.objects.create(
        child=child,
        kind=kind,
        data_kind=data_kind,
        actor=actor,
        text=text[:500],
        at=at or timezone.now(),
        unit=unit,
        source_type=source_type,
        source_id=str(source_id) if source_id != "" else "",
    )


# --- Consent ------------------------------------------------------------------------------------


def _consent_validate(
    *,
    actor,
    child,
    guardian,
    given_by_child,
    kinds,
    units,
    roles,
    people,
    purpose,
    valid_from,
    valid_until,
    paper,
    paper_date,
    refused,
):
    errors = {}
    if not kinds or set(kinds) - set(DataKind.values):
        errors["kinds"] = _("Choose which kinds of information the consent covers.")
    elif DataKind.NOTIFICATIONS in kinds:
        errors["kinds"] = _(
            "A consent cannot cover notifications: only the social-work side's statutory basis "
            "reaches them."
        )
    if not (units or roles or people):
        errors["recipient_units"] = _(
            "Name who may receive the information: units, roles within named units, or named "
            "people."
        )
    elif roles and not units:
        # A role alone would mean everyone with that role in the municipality.
        errors["recipient_roles"] = _(
            "A role names recipients only within units: choose the units as well, or name the "
            "people."
        )
    elif not units and not roles and [p.pk for p in people] == [actor.pk]:
        errors["recipient_people"] = _(
            "You cannot record a consent that names only yourself as recipient: it would give "
            "you access on your own word. Name the units or the other people who are to "
            "receive the information."
        )
    if not (purpose or "").strip():
        errors["purpose"] = _("Write the purpose of the consent.")
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = _("The consent must end on or after the day it starts.")
    elif valid_from and valid_until and valid_until > consent_last_day(valid_from):
        errors["valid_until"] = _(
            "A consent lasts at most %(months)s months: choose an end date no later than %(date)s."
        ) % {
            "months": settings.CONSENT_MAX_MONTHS,
            "date": consent_last_day(valid_from).strftime("%d.%m.%Y"),
        }
    if paper and not refused:
        if paper_date is None:
            errors["paper_date"] = _("Enter the date written on the paper consent.")
        elif paper_date > timezone.localdate():
            errors["paper_date"] = _("The date of the paper consent cannot be in the future.")
        # The consent was given on the paper's date: it covers nothing before it.
        elif valid_from and valid_from < paper_date:
            errors["valid_from"] = _(
                "A consent cannot cover the time before it was given: start on or after the "
                "paper's date, %(date)s."
            ) % {"date": paper_date.strftime("%d.%m.%Y")}
    if given_by_child:
        age = child.age_on(timezone.localdate())
        if age < child.municipality.own_consent_age:
            errors["given_by_child"] = _(
                "The young person can give their own consent from the age of %(age)s."
            ) % {"age": child.municipality.own_consent_age}
        elif not paper:
            errors["evidence"] = _(
                "The young person has no login to confirm with: record the consent on paper."
            )
    elif (
        guardian is None
        or not guardian.guardianship_set.filter(child=child, has_custody=True).exists()
    ):
        errors["guardian"] = _("Choose a guardian with custody of the child.")
    elif not paper and guardian.user_id is None:
        errors["evidence"] = _(
            "%(name)s has no login to confirm with: record the consent on paper instead."
        ) % {"name": guardian}
    outside = [u for u in units if u.municipality_id != child.municipality_id]
    outside += [p for p in people if p.municipality_id != child.municipality_id]
    if outside:
        errors["recipient_units"] = _("Recipients must belong to the child's municipality.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def consent_record(
    *,
    actor,
    child,
    guardian=None,
    given_by_child=False,
    kinds,
    units=(),
    roles=(),
    people=(),
    purpose,
    valid_from,
    valid_until,
    paper=True,
    paper_date=None,
    refused=False,
):
    """Record a consent (or a refusal). On paper it takes effect at once, carries the paper's
    date and is told to the guardian it names (in the app and by a content-free e-mail, with
    withdrawal one click away); otherwise it waits for the guardian to confirm through their
    own login."""
    child_require(actor, child, "record_consent")
    units, roles, people, kinds = list(units), list(roles), list(people), list(kinds)
    _consent_validate(
        actor=actor,
        child=child,
        guardian=guardian,
        given_by_child=given_by_child,
        kinds=kinds,
        units=units,
        roles=roles,
        people=people,
        purpose=purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        paper=paper,
        paper_date=paper_date,
        refused=refused,
    )
    if refused:
        status = ConsentStatus.REFUSED
    else:
        status = ConsentStatus.GIVEN if paper else ConsentStatus.AWAITING_GUARDIAN
    consent = Consent.objects.create(
        child=child,
        guardian=None if given_by_child else guardian,
        given_by_child=given_by_child,
        kinds=kinds,
        recipient_roles=roles,
        purpose=purpose.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        status=status,
        evidence=ConsentEvidence.PAPER if paper else "",
        paper_date=paper_date if paper else None,
        recorded_by=actor,
        confirmed_at=timezone.now() if paper else None,
    )
    consent.recipient_units.set(units)
    consent.recipient_people.set(people)
    texts = {
        ConsentStatus.GIVEN: _("Consent recorded: %(purpose)s"),
        ConsentStatus.REFUSED: _("Consent refused: %(purpose)s"),
        ConsentStatus.AWAITING_GUARDIAN: _("Consent sent to the guardian: %(purpose)s"),
    }
    timeline_add(
        child=child,
        kind=TimelineKind.CONSENT,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=texts[status] % {"purpose": consent.purpose},
        source_type=CONSENT_SOURCE,
        source_id=consent.pk,
    )
    access_log_record(
        actor=actor,
        action=Action.CREATE,
        basis=_actor_basis(actor, child),
        obj=consent,
        child_id=child.pk,
        purpose=_("Record consent"),
        topic=consent_topic(consent),
    )
    _consent_tell_guardian(consent)
    grants_rebuild(child_ids=[child.pk])
    return consent


def _consent_tell_guardian(consent):
    """The guardian a consent names learns of it through their own login: a paper consent
    recorded in their name (staff's word that they gave it), or one waiting for their answer."""
    guardian = consent.guardian
    if guardian is None or guardian.user_id is None:
        return
    kind = {
        ConsentStatus.GIVEN: CONSENT_RECORDED,
        ConsentStatus.AWAITING_GUARDIAN: CONSENT_AWAITING,
    }.get(consent.status)
    if kind is None:
        return
    notification_send(
        recipient=guardian.user,
        kind=kind,
        key=f"cases.consent:{consent.pk}:{kind}",
        link=reverse("cases:child_detail", args=[consent.child_id]) + "#samtykker",
    )


def _actor_basis(actor, child):
    # The basis the actor has for the child (a guardian's is their own access).
    return child_bases_for(actor, [child.pk]).get(child.pk, Basis.ADMINISTRATION)


@transaction.atomic
def consent_answer(*, guardian_user, consent, accept):
    """The guardian confirms (or refuses) a consent through their own login."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.status != ConsentStatus.AWAITING_GUARDIAN:
        raise ValidationError(_("This consent is no longer waiting for an answer."))
    if consent.guardian is None or consent.guardian.user_id != guardian_user.pk:
        raise ValidationError(_("Only the guardian the consent was sent to can answer it."))
    consent.status = ConsentStatus.GIVEN if accept else ConsentStatus.REFUSED
    consent.evidence = ConsentEvidence.GUARDIAN_LOGIN
    consent.confirmed_at = timezone.now()
    consent.save(update_fields=["status", "evidence", "confirmed_at"])
    text = (
        _("The guardian gave consent: %(purpose)s")
        if accept
        else _("The guardian refused consent: %(purpose)s")
    )
    timeline_add(
        child=consent.child,
        kind=TimelineKind.CONSENT,
        data_kind=DataKind.BASIC,
        actor=guardian_user,
        text=text % {"purpose": consent.purpose},
        source_type=CONSENT_SOURCE,
        source_id=consent.pk,
    )
    access_log_record(
        actor=guardian_user,
        action=Action.CHANGE,
        basis=Basis.GUARDIAN,
        obj=consent,
        child_id=consent.child_id,
        purpose=_("Answer consent"),
        topic=consent_topic(consent),
    )
    grants_rebuild(child_ids=[consent.child_id])
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent):
    """Withdrawal takes effect at once: the grants go in the same transaction."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.status not in {ConsentStatus.GIVEN, ConsentStatus.AWAITING_GUARDIAN}:
        raise ValidationError(_("Only a consent in force can be withdrawn."))
    if not child_capabilities(actor, consent.child_id).withdraw_consent(consent):
        raise PermissionDenied
    consent.status = ConsentStatus.WITHDRAWN
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
    timeline_add(
        child=consent.child,
        kind=TimelineKind.CONSENT,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("Consent withdrawn: %(purpose)s") % {"purpose": consent.purpose},
        source_type=CONSENT_SOURCE,
        source_id=consent.pk,
    )
    access_log_record(
        actor=actor,
        action=Action.CHANGE,
        basis=_actor_basis(actor, consent.child),
        obj=consent,
        child_id=consent.child_id,
        purpose=_("Withdraw consent"),
        topic=consent_topic(consent),
    )
    grants_rebuild(child_ids=[consent.child_id])
    return consent


# --- Enrolment, involvement and the exchange without consent -----------------------------------


def _is_social_work(person):
    profile = person.staff_profile_or_none if person is not None else None
    return profile is not None and profile.has_role(*SOCIAL_WORK_ROLES)


def _involvement_data_kind(involvement):
    # The social-work side's involvement — a caseworker, or a unit of the social-work side — is
    # itself a sign of a notification or case.
    unit = involvement.unit
    if involvement.statutory or (unit is not None and unit.type in SOCIAL_WORK_UNIT_TYPES):
        return DataKind.NOTIFICATIONS
    return DataKind.BASIC


@transaction.atomic
def involvement_add(*, actor, child, person=None, unit=None, role, purpose, start, end=None):
    """Register who works with the child; staff around the child do this (enrolment or the
    social-work side), never someone whose only basis is a consent or an exchange."""
    child_require(actor, child, "register_involvement")
    return _involvement_create(
        actor=actor,
        child=child,
        person=person,
        unit=unit,
        role=role,
        purpose=purpose,
        start=start,
        end=end,
    )


@transaction.atomic
def statutory_involvement_add(*, actor, child, person, role, purpose, start):
    """A caseworker's involvement registered by the social-work side's own services when she
    takes on a notification or case about the child: the statutory basis of the access engine
    (Barnets lov §§ 18–22, 136–137). The calling service has checked the notification."""
    if not (_is_social_work(actor) and _is_social_work(person)):
        raise PermissionDenied
    return _involvement_create(
        actor=actor, child=child, person=person, role=role, purpose=purpose, start=start
    )


def _involvement_create(*, actor, child, person, unit=None, role, purpose, start, end=None):
    if person is None and unit is None:
        raise ValidationError(_("Name the person or the unit that is involved."))
    if _is_social_work(person) and not _is_social_work(actor):
        # A social worker's involvement gives statutory access: only the social-work side
        # itself may register it.
        raise ValidationError(
            {"person": _("Only the social-work side can register a social worker's involvement.")}
        )
    for holder in (person, unit):
        if holder is not None and holder.municipality_id != child.municipality_id:
            raise ValidationError(_("Only people and units of the child's municipality."))
    involvement = Involvement.objects.create(
        child=child,
        person=person,
        unit=unit,
        role=role,
        purpose=purpose,
        start=start,
        end=end,
        statutory=_is_social_work(person),
        created_by=actor,
    )
    timeline_add(
        child=child,
        kind=TimelineKind.INVOLVEMENT,
        data_kind=_involvement_data_kind(involvement),
        actor=actor,
        text=_("%(who)s involved as %(role)s")
        % {"who": person.get_full_name() if person else unit.name, "role": role},
    )
    grants_rebuild(child_ids=[child.pk])
    return involvement


def _exchange_validate(*, child, participants, meeting_date, follow_up_date):
    if not participants:
        raise ValidationError({"participants": _("Choose who takes part in the meeting.")})
    if any(p.municipality_id != child.municipality_id for p in participants):
        raise ValidationError({"participants": _("Only staff of the child's municipality.")})
    outside = [
        p
        for p in participants
        if p.staff_profile_or_none is None
        or not takes_part_in_exchange(p.staff_profile_or_none.roles)
    ]
    if outside:
        raise ValidationError(
            {
                "participants": _(
                    "Only professionals from daycare, school, SFO, health visiting, municipal "
                    "health and the social-work side take part in an exchange without consent. "
                    "%(names)s cannot: ask the parents for consent instead."
                )
                % {"names": ", ".join(p.get_full_name() or p.username for p in outside)}
            }
        )
    today = timezone.localdate()
    if not today <= meeting_date <= today + timedelta(days=EXCHANGE_MAX_DAYS_AHEAD):
        raise ValidationError(
            {
                "meeting_date": _("The meeting must be today or within the next %(days)s days.")
                % {"days": EXCHANGE_MAX_DAYS_AHEAD}
            }
        )
    if follow_up_date and follow_up_date <= meeting_date:
        raise ValidationError(
            {"follow_up_date": _("The follow-up meeting must be after the first meeting.")}
        )
    if follow_up_date and follow_up_date > meeting_date + timedelta(
        days=EXCHANGE_FOLLOW_UP_WITHIN_DAYS
    ):
        raise ValidationError(
            {
                "follow_up_date": _(
                    "The follow-up meeting must be within %(days)s days of the first meeting."
                )
                % {"days": EXCHANGE_FOLLOW_UP_WITHIN_DAYS}
            }
        )
    # Counted by meeting date, a year back from this meeting (and any planned after it).
    earlier = ExchangeGrant.objects.filter(
        child=child,
        meeting_date__gt=meeting_date - timedelta(days=EXCHANGE_YEAR_DAYS),
    ).count()
    if earlier >= EXCHANGES_PER_YEAR:
        raise ValidationError(
            _(
                "There have already been %(count)s exchanges without consent about this child "
                "within a year. Further cooperation needs the parents' consent: talk with them "
                "and record their consent instead."
            )
            % {"count": earlier}
        )


@transaction.atomic
def exchange_grant_create(
    *, actor, child, purpose, participants, meeting_date, follow_up_date=None
):
    """The one-meeting exchange without consent (one matter): the meeting and at most one
    follow-up meeting, between the fields the law names, time-boxed to the meeting days and their
    minutes follow-up, at most twice a year per child, always marked as such — and in the
    guardians' log once the meeting is over."""
    child_require(actor, child, "record_exchange")
    participants = list(participants)
    # Two exchanges recorded at the same moment must not both pass the count.
    list(type(child).objects.select_for_update().filter(pk=child.pk).values("pk"))
    _exchange_validate(
        child=child,
        participants=participants,
        meeting_date=meeting_date,
        follow_up_date=follow_up_date,
    )
    exchange = ExchangeGrant.objects.create(
        child=child,
        purpose=purpose,
        meeting_date=meeting_date,
        follow_up_date=follow_up_date,
        created_by=actor,
    )
    exchange.participants.set(participants)
    timeline_add(
        child=child,
        kind=TimelineKind.EXCHANGE,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("Exchange without consent (%(law)s) for the meeting on %(date)s: %(purpose)s")
        % {
            "law": child.municipality.exchange_legal_reference,
            "date": meeting_date.strftime("%d.%m.%Y"),
            "purpose": purpose,
        },
    )
    # The exchange's own record: shown in the guardians' log from the midnight after the
    # meeting day (the exchange is not announced to them before it is held).
    access_log_record(
        actor=actor,
        action=Action.CREATE,
        basis=Basis.MEETING_EXCHANGE,
        obj=exchange,
        child_id=child.pk,
        purpose=_("Exchange without consent"),
        topic=Topic.EXCHANGE,
        guardian_not_before=day_after(meeting_date),
    )
    grants_rebuild(child_ids=[child.pk])
    return exchange


# --- Forløb ---------------------------------------------------------------------------------


def _check_tovholder_pair(child, tovholder, backup):
    for person in (tovholder, backup):
        if person is not None and person.municipality_id != child.municipality_id:
            raise ValidationError(_("The tovholder must work in the child's municipality."))
    if backup is not None and backup.pk == tovholder.pk:
        raise ValidationError({"backup": _("The backup must be someone else than the tovholder.")})


@transaction.atomic
def forlob_open(
    *,
    actor,
    child,
    title,
    tovholder,
    backup=None,
    review_date,
    goal="",
    child_view="",
    parents_view="",
    ladder_step=None,
):
    child_require(actor, child, "open_forlob")
    _check_tovholder_pair(child, tovholder, backup)
    already_open = ValidationError(_("The child already has an open forløb. Work in that one."))
    if Forlob.objects.filter(child=child, closed_at__isnull=True).exists():
        raise already_open
    try:
        with transaction.atomic():  # a savepoint: a double click must not break the request
            forlob = Forlob.objects.create(
                child=child,
                title=title,
                tovholder=tovholder,
                backup=backup,
                opened_at=timezone.localdate(),
                review_date=review_date,
                goal=goal,
                child_view=child_view,
                parents_view=parents_view,
                **({"ladder_step": ladder_step} if ladder_step else {}),
            )
    except IntegrityError:
        raise already_open from None
    timeline_add(
        child=child,
        kind=TimelineKind.FORLOB,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("Forløb opened: %(title)s, tovholder %(name)s")
        % {"title": title, "name": tovholder.get_full_name()},
    )
    return forlob


PLAN_FIELDS = ("title", "goal", "child_view", "parents_view", "ladder_step", "review_date")


@transaction.atomic
def forlob_plan_update(*, actor, forlob, version, sub_goals=None, **changes):
    """Save the plan only if nobody saved it since `version` was read."""
    child_require(actor, forlob.child, "edit_forlob")
    updated = Forlob.objects.filter(pk=forlob.pk, version=version, closed_at__isnull=True).update(
        version=version + 1, **{k: v for k, v in changes.items() if k in PLAN_FIELDS}
    )
    if not updated:
        raise EditConflict
    if sub_goals is not None:
        forlob.sub_goals.all().delete()
        SubGoal.objects.bulk_create(
            SubGoal(forlob=forlob, actor=actor_name, text=text)
            for actor_name, text in sub_goals
            if text.strip()
        )
    forlob.refresh_from_db()
    timeline_add(
        child=forlob.child,
        kind=TimelineKind.FORLOB,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("The plan of %(title)s was updated") % {"title": forlob.title},
    )
    return forlob


@transaction.atomic
def forlob_hand_over(*, actor, forlob, tovholder, backup=None):
    """Hand the tovholder role to someone else; there is never a moment with two or none."""
    child_require(actor, forlob.child, "edit_forlob")
    _check_tovholder_pair(forlob.child, tovholder, backup)
    # Two hand-overs at once: the second sees the first's tovholder (the timeline says who had
    # the role), and the same hand-over pressed twice is done once.
    row_lock(forlob)
    if forlob.closed_at:
        raise ValidationError(_("The forløb is closed."))
    if (forlob.tovholder_id, forlob.backup_id) == (tovholder.pk, backup.pk if backup else None):
        return forlob
    previous = forlob.tovholder
    forlob.tovholder, forlob.backup = tovholder, backup
    forlob.version += 1
    forlob.save(update_fields=["tovholder", "backup", "version"])
    timeline_add(
        child=forlob.child,
        kind=TimelineKind.TOVHOLDER,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("Tovholder handed over from %(old)s to %(new)s")
        % {"old": previous.get_full_name(), "new": tovholder.get_full_name()},
    )
    return forlob


@transaction.atomic
def forlob_close(*, actor, forlob, decision):
    """No silent drop-off: closing needs a written decision or a named receiver."""
    child_require(actor, forlob.child, "edit_forlob")
    if not decision.strip():
        raise ValidationError(
            {"closing_decision": _("Write the decision to close, or who takes over.")}
        )
    row_lock(forlob)  # closed once, with one decision: a second close is told so
    if forlob.closed_at:
        raise ValidationError(_("The forløb has already been closed."))
    forlob.closed_at = timezone.localdate()
    forlob.closing_decision = decision.strip()
    forlob.save(update_fields=["closed_at", "closing_decision"])
    timeline_add(
        child=forlob.child,
        kind=TimelineKind.FORLOB,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=_("Forløb closed: %(title)s") % {"title": forlob.title},
    )
    return forlob


# --- Tasks ----------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    child=None,
    title,
    owner,
    due_date,
    created_by=None,
    data_kind=DataKind.BASIC,
    source_type="",
    source_id="",
    unit=None,
    timeline_source_type="",
    timeline_source_id="",
):
    """`unit`: for a task following up a screening, the unit whose screening it is.
    `timeline_source_type`/`_id`: what the task's entry on the child's timeline is about, where an
    app's rule decides who sees it (a meeting's action item: the meeting); the task itself keeps
    its own source, and the apps' task rules decide who sees it on the child's page."""
    task = Task.objects.create(
        child=child,
        title=title,
        owner=owner,
        due_date=due_date,
        created_by=created_by,
        data_kind=data_kind,
        source_type=source_type,
        source_id=str(source_id),
        unit=unit,
    )
    if child is not None:
        timeline_add(
            child=child,
            kind=TimelineKind.TASK,
            data_kind=data_kind,
            actor=created_by,
            text=_("Task for %(owner)s: %(title)s")
            % {"owner": owner.get_full_name(), "title": title},
            unit=unit,
            source_type=timeline_source_type,
            source_id=timeline_source_id,
        )
    return task


@transaction.atomic
def task_complete(*, actor, task):
    if task.owner_id != actor.pk:
        raise ValidationError(_("Only the owner can complete the task."))
    row_lock(task)
    if task.status == TaskStatus.DONE:
        return task  # done once: a second press keeps the first time
    task.status = TaskStatus.DONE
    task.completed_at = timezone.now()
    task.save(update_fields=["status", "completed_at"])
    return task
