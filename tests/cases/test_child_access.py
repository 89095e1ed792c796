"""Mit overblik reads the user's grants once (cases.selectors.ChildAccess) instead of asking
child_list_visible_to per section: it must name exactly the children child_list_visible_to
gives, for every kind and basis, with the bases child_bases_for gives — and a withdrawn consent
must be gone at the next page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.access import grants_rebuild
from cases.capabilities import WRITER_BASES
from cases.models import DataKind
from cases.selectors import ChildAccess, child_bases_for, child_list_visible_to
from tests import factories as f
from tests.cases.test_access_engine import consent_to_school
from trivsel.audit.models import Basis

QUESTIONS = [
    {},
    {"bases": WRITER_BASES},
    {"bases": [Basis.ENROLMENT]},
    {"kind": DataKind.HANDOVER},
    {"kind": DataKind.MINUTES},
    {"kind": DataKind.MINUTES, "bases": [Basis.GUARDIAN]},
    {"kind": DataKind.SCREENING},
    {"kind": DataKind.NOTIFICATIONS},
]
PEOPLE = ["paedagog", "teacher", "leader", "social_worker", "guardian", "outsider"]


def _answers_agree(user):
    access = ChildAccess(user)
    for question in QUESTIONS:
        expected = sorted(child_list_visible_to(user, **question).values_list("pk", flat=True))
        assert access.ids(**question) == expected, question
        child_ids = access.ids(**question)
        kind = question.get("kind", DataKind.BASIC)
        assert access.bases_for(child_ids, kind=kind) == child_bases_for(
            user, child_ids, kind=kind
        ), question


@pytest.fixture
def many_bases(world):
    """A consent to the school, a statutory involvement and an enrolment in the same child, a
    child of another municipality enrolled in a Solby room (tenancy), a second Solby child."""
    consent_to_school(world)
    services.statutory_involvement_add(
        actor=world.social_worker,
        child=world.child,
        person=world.social_worker,
        role="Socialrådgiver",
        purpose="Underretning",
        start=timezone.localdate(),
    )
    stranger = f.ChildFactory(municipality=world.nabo_kommune)
    f.EnrolmentFactory(child=stranger, group=world.room)
    second = f.ChildFactory(municipality=world.solby)
    f.EnrolmentFactory(child=second, group=world.school_class)
    grants_rebuild(child_ids=[stranger.pk, second.pk])
    return world


@pytest.mark.parametrize("person", PEOPLE)
def test_it_sees_exactly_the_children_the_access_rules_give(many_bases, person):
    _answers_agree(getattr(many_bases, person))


def test_a_withdrawn_consent_is_gone_at_the_next_read(world):
    consent = consent_to_school(world)
    assert world.child.pk in ChildAccess(world.teacher).ids()
    services.consent_withdraw(actor=world.paedagog, consent=consent)
    assert world.child.pk not in ChildAccess(world.teacher).ids()
    _answers_agree(world.teacher)


def test_a_consent_not_yet_begun_opens_nothing(world):
    consent_to_school(world, valid_from=timezone.localdate() + timedelta(days=2))
    assert world.child.pk not in ChildAccess(world.teacher).ids()
    _answers_agree(world.teacher)
