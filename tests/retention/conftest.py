"""One record of every kind the retention job knows, about the persona child Alma in Solby (and
the same in Nabo, which Solby's rules must never touch), all of whose named events happened at
EVENT: the round closed, the consent withdrawn, the notification closed, …"""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from cases.models import Consent, Forlob, Handover, Task, TimelineEntry
from meetings.models import Meeting, Minutes
from referrals.models import AnonymousConsultation, Referral, Underretning
from screening.defaults import install_default_templates
from screening.models import FormTemplate, JointAssessment, Rating, Round
from tests import factories as f
from trivsel.audit.models import AccessLogEntry, Action, Basis
from trivsel.notifications.models import OutgoingEmail

EVENT = timezone.make_aware(datetime(2027, 3, 10, 12, 0))


def records_about(
    child, *, municipality, unit, other_unit, group, staff, guardian=None, event=EVENT
):
    """One row of each kind, their events at `event`; returns them by record type key."""
    install_default_templates(FormTemplate)
    template = FormTemplate.objects.get(municipality=None, sector="boernehave", version=1)
    with time_machine.travel(event - timedelta(days=20), tick=False):
        round_ = Round.objects.create(
            group=group,
            template=template,
            deadline=(event - timedelta(days=5)).date(),
            status="closed",
            opened_by=staff,
            closed_at=event,
        )
        rating = Rating.objects.create(
            round=round_, child=child, rater=staff, position="gul", comment="Bekymret for Alma"
        )
        assessment = JointAssessment.objects.create(
            round=round_,
            child=child,
            position="gul",
            reflection="Alma er stille",
            parent_summary="Vi taler med jer",
            decided_by=staff,
        )
        handover = Handover.objects.create(
            child=child,
            transition="boernehave_skole",
            sending_unit=unit,
            receiving_unit=other_unit,
            transition_date=event.date(),
            strengths="Glad",
            professional_view="Tryghed",
            created_by=staff,
            follow_up_days=90,
        )
        consent = Consent.objects.create(
            child=child,
            guardian=guardian,
            given_by_child=guardian is None,
            kinds=["basic"],
            purpose="Samarbejde",
            valid_from=(event - timedelta(days=20)).date(),
            valid_until=(event + timedelta(days=100)).date(),
            status="withdrawn",
            withdrawn_at=event,
            recorded_by=staff,
        )
        forlob = Forlob.objects.create(
            child=child,
            title="Forløb om Alma",
            tovholder=staff,
            opened_at=event.date(),
            closed_at=event.date(),
            review_date=event.date(),
        )
        task = Task.objects.create(
            child=child,
            title="Ring til Almas mor",
            owner=staff,
            due_date=event.date(),
            status="done",
            completed_at=event,
        )
        meeting = Meeting.objects.create(
            municipality=municipality,
            child=child,
            title="Netværksmøde om Alma",
            starts_at=event,
            place="Mejsen",
            tovholder=staff,
            created_by=staff,
        )
        Minutes.objects.create(meeting=meeting, going_well="Alma leger")
        notification = Underretning(
            municipality=municipality,
            route="classic",
            category="neglect",
            child=child,
            text="Alma kommer sulten",
            received_at=event - timedelta(days=10),
            closed_at=event,
            status="closed",
            notifier_kind="citizen",
            notifier_name="Nabo Jens",
            notifier_email="jens@example.invalid",
        )
        notification.save()
        referral = Referral.objects.create(
            municipality=municipality,
            child=child,
            from_unit=unit,
            to_unit=other_unit,
            reason="Sprog",
            proposal="meeting",
            sent_by=staff,
            status="accepted",
            answer_reason="Ja",
            answered_at=event,
        )
        # An entry that outlives what it describes unless its own rule removes it.
        entry = TimelineEntry.objects.create(
            child=child,
            at=event,
            kind="handover",
            data_kind="handover",
            actor=staff,
            text="Overlevering om Alma sendt til skolen",
        )
        email = OutgoingEmail.objects.create(
            recipient=staff, digest_date=event.date(), sent_at=event
        )
    with time_machine.travel(event, tick=False):
        consultation = AnonymousConsultation.objects.create(
            municipality=municipality,
            unit=unit,
            month=event.date().replace(day=1),
            topic="En dreng der slår",
            advised_by=staff,
        )
        log_entry = AccessLogEntry.objects.create(
            municipality=municipality,
            actor=staff,
            action=Action.READ,
            basis=Basis.ENROLMENT,
            child_id=child.pk,
            purpose="Barnets side",
        )
    return {
        "screening.rating": rating,
        "screening.joint_assessment": assessment,
        "cases.handover": handover,
        "cases.consent": consent,
        "cases.forlob": forlob,
        "cases.task": task,
        "cases.timeline": entry,
        "meetings.meeting": meeting,
        "referrals.underretning": notification,
        "referrals.referral": referral,
        "referrals.consultation": consultation,
        "audit.access_log": log_entry,
        "notifications.email": email,
    }


def still_there(records):
    """For each kind: whether the row is still as it was (not deleted, not anonymised)."""
    kept = {}
    for key, row in records.items():
        fresh = type(row)._base_manager.filter(pk=row.pk).first()
        if fresh is None:
            kept[key] = False
        elif key == "screening.joint_assessment":
            kept[key] = fresh.child_id is not None and fresh.reflection != ""
        elif key == "referrals.underretning":
            kept[key] = fresh.anonymised_at is None and fresh.text != ""
        elif key == "referrals.consultation":
            kept[key] = fresh.topic != ""
        else:
            kept[key] = True
    return kept


def at(day_offset, months=0):
    from dateutil.relativedelta import relativedelta

    return time_machine.travel(
        timezone.make_aware(datetime.combine(EVENT.date() + relativedelta(months=months), time(3)))
        + timedelta(days=day_offset),
        tick=False,
    )


@pytest.fixture
def records(world):
    solby = records_about(
        world.child,
        municipality=world.solby,
        unit=world.kindergarten,
        other_unit=world.school,
        group=world.room,
        staff=world.paedagog,
        guardian=world.child.guardianship_set.get().guardian,
    )
    nabo_child = f.ChildFactory(
        municipality=world.nabo_kommune, first_name="Nabo", last_name="Barn"
    )
    nabo_other = f.UnitFactory(municipality=world.nabo_kommune, name="Naboskolen")
    nabo = records_about(
        nabo_child,
        municipality=world.nabo_kommune,
        unit=world.nabo_unit,
        other_unit=nabo_other,
        group=world.nabo_unit.groups.get(),
        staff=world.outsider,
    )
    return SimpleNamespace(world=world, solby=solby, nabo=nabo)
