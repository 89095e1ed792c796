"""Consents: recorded by staff (on paper or awaiting the guardian's own answer), answered by the
guardian, withdrawn at once; each rebuilds the child's grants in the same transaction."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis
from trivsel.audit.services import access_log_record
from trivsel.notifications.services import notification_send

from ..access import grants_rebuild
from ..models import (
    CONSENT_SOURCE,
    Consent,
    ConsentEvidence,
    ConsentStatus,
    DataKind,
    TimelineKind,
    consent_last_day,
)
from ..reminders import CONSENT_AWAITING, CONSENT_RECORDED
from ..selectors import child_bases_for, child_capabilities, child_require, consent_topic
from .timeline import timeline_add


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
        elif not paper and not young_person_confirms(child):
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


def young_person_confirms(child):
    """May the young person confirm a consent through their own login now? Only if the engine
    gives them their own access (a login, and old enough: settings.YOUNG_PERSON_OWN_LOGIN_AGE)."""
    return child.user_id is not None and bool(
        child_bases_for(child.user, [child.pk], bases=[Basis.YOUNG_PERSON])
    )


def _consent_tell_guardian(consent):
    """The one a consent names as its giver learns of it through their own login — the guardian,
    or the young person giving it for themself: a paper consent recorded in their name (staff's
    word that they gave it), or one waiting for their answer."""
    if consent.given_by_child:
        giver = consent.child.user if young_person_confirms(consent.child) else None
    else:
        giver = consent.guardian.user if consent.guardian is not None else None
    if giver is None:
        return
    kind = {
        ConsentStatus.GIVEN: CONSENT_RECORDED,
        ConsentStatus.AWAITING_GUARDIAN: CONSENT_AWAITING,
    }.get(consent.status)
    if kind is None:
        return
    notification_send(
        recipient=giver,
        kind=kind,
        key=f"cases.consent:{consent.pk}:{kind}",
        link=reverse("cases:child_detail", args=[consent.child_id]) + "#samtykker",
    )


def _actor_basis(actor, child):
    # The basis the actor has for the child (a guardian's is their own access).
    return child_bases_for(actor, [child.pk]).get(child.pk, Basis.ADMINISTRATION)


@transaction.atomic
def consent_answer(*, actor, consent, accept):
    """The one who gives the consent confirms (or refuses) it through their own login: the
    guardian it names, or — for a consent the young person gives for themself — the young
    person (cases.capabilities decides which)."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.status != ConsentStatus.AWAITING_GUARDIAN:
        raise ValidationError(_("This consent is no longer waiting for an answer."))
    can = child_capabilities(actor, consent.child_id)
    if not can.gave_consent(consent):
        raise ValidationError(_("Only the one the consent was sent to can answer it."))
    by_young_person = can.is_young_person
    consent.status = ConsentStatus.GIVEN if accept else ConsentStatus.REFUSED
    consent.evidence = (
        ConsentEvidence.YOUNG_PERSON_LOGIN if by_young_person else ConsentEvidence.GUARDIAN_LOGIN
    )
    consent.confirmed_at = timezone.now()
    consent.save(update_fields=["status", "evidence", "confirmed_at"])
    if by_young_person:
        text = (
            _("The young person gave consent: %(purpose)s")
            if accept
            else _("The young person refused consent: %(purpose)s")
        )
    else:
        text = (
            _("The guardian gave consent: %(purpose)s")
            if accept
            else _("The guardian refused consent: %(purpose)s")
        )
    timeline_add(
        child=consent.child,
        kind=TimelineKind.CONSENT,
        data_kind=DataKind.BASIC,
        actor=actor,
        text=text % {"purpose": consent.purpose},
        source_type=CONSENT_SOURCE,
        source_id=consent.pk,
    )
    access_log_record(
        actor=actor,
        action=Action.CHANGE,
        basis=Basis.YOUNG_PERSON if by_young_person else Basis.GUARDIAN,
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
