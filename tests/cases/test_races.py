"""Two people pressing the same button at once double nothing (issue #14, point 6)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.handovers import services as handover_services
from cases.models import (
    Enrolment,
    Forlob,
    Handover,
    TimelineEntry,
    TimelineKind,
    TransitionType,
)
from tests import factories as f
from tests.race import race
from trivsel.organisation.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def refused(results, text):
    return [r for r in results if isinstance(r, ValidationError) and text in " ".join(r.messages)]


def test_two_enrolments_from_one_handover_at_once_enrol_once(world):
    school_leader = f.StaffFactory(
        user=f.UserFactory(username="soeren", municipality=world.solby, first_name="Søren"),
        roles=[Role.LEADER],
        units=[world.school],
    ).user
    handover = handover_services.handover_create(
        actor=world.paedagog,
        child=world.child,
        transition=TransitionType.KINDERGARTEN_TO_SCHOOL,
        sending_unit=world.kindergarten,
        sending_group=world.room,
        receiving_unit=world.school,
        transition_date=timezone.localdate() + timedelta(days=30),
        strengths="Alma er nysgerrig.",
        professional_view="Hun har brug for ro ved overgange.",
    )
    handover_services.handover_request_consent(
        actor=world.paedagog,
        handover=handover,
        guardian=world.child.guardianship_set.get().guardian,
        valid_until=timezone.localdate() + timedelta(days=200),
    )
    handover_services.handover_parent_answer(
        guardian_user=world.guardian, handover=handover, accept=True
    )
    handover_services.handover_send(actor=world.paedagog, handover=handover)
    handover_services.handover_acknowledge(actor=school_leader, handover=handover)

    results = race(
        Enrolment,
        lambda i: handover_services.handover_enrol(
            actor=school_leader,
            handover=Handover.objects.get(pk=handover.pk),
            group=world.school_class,
            start=handover.transition_date,
        ),
    )

    assert world.child.enrolments.filter(unit=world.school).count() == 1
    assert len(refused(results, "allerede indskrevet")) == 1


@pytest.fixture
def forlob(world):
    world.kim = f.StaffFactory(
        user=f.UserFactory(username="kim", municipality=world.solby, first_name="Kim"),
        units=[world.kindergarten],
        groups=[world.room],
    ).user
    return services.forlob_open(
        actor=world.leader,
        child=world.child,
        title="Sprog",
        tovholder=world.paedagog,
        review_date=timezone.localdate() + timedelta(days=90),
    )


def test_closing_a_forlob_twice_at_once_closes_it_once(world, forlob):
    decisions = ["Målene er nået.", "Familien flytter; Solby Skole tager over."]

    results = race(
        Forlob,
        lambda i: services.forlob_close(
            actor=world.leader, forlob=Forlob.objects.get(pk=forlob.pk), decision=decisions[i]
        ),
    )

    (closed,) = [r for r in results if isinstance(r, Forlob)]
    assert len(refused(results, "allerede afsluttet")) == 1
    forlob.refresh_from_db()
    assert forlob.closing_decision == closed.closing_decision
    closings = TimelineEntry.objects.filter(child=world.child, text__startswith="Forløb afsluttet")
    assert closings.count() == 1


def test_handing_over_a_forlob_twice_at_once_hands_it_over_once(world, forlob):
    results = race(
        Forlob,
        lambda i: services.forlob_hand_over(
            actor=world.leader, forlob=Forlob.objects.get(pk=forlob.pk), tovholder=world.kim
        ),
    )

    assert all(isinstance(r, Forlob) for r in results)  # a double click is not an error
    handovers = TimelineEntry.objects.filter(child=world.child, kind=TimelineKind.TOVHOLDER)
    assert handovers.count() == 1
    forlob.refresh_from_db()
    assert forlob.tovholder == world.kim
