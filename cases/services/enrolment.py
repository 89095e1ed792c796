"""Enrolment, involvement and the exchange without consent: the other sources of access to the
child's record, each rebuilding the child's grants when it changes."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import access_log_record
from trivsel.organisation.models import SOCIAL_WORK_ROLES, SOCIAL_WORK_UNIT_TYPES

from ..access import day_after, grants_rebuild
from ..capabilities import takes_part_in_exchange
from ..models import (
    EXCHANGE_FOLLOW_UP_WITHIN_DAYS,
    EXCHANGE_MAX_DAYS_AHEAD,
    EXCHANGE_YEAR_DAYS,
    EXCHANGES_PER_YEAR,
    DataKind,
    ExchangeGrant,
    Involvement,
    TimelineKind,
)
from ..selectors import child_require
from .timeline import timeline_add


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
    # Exactly this function's arguments, under the rules every involvement is created by.
    return _involvement_create(**locals())


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
