"""What a user may do with a child is decided in one place (cases.capabilities): the child's page
offers only that, every other page answers 404 (logged), and the services refuse it themselves
whatever a view did. A consent or an exchange lets its recipient see, never write."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases import services
from cases.models import DataKind
from cases.selectors import child_capabilities
from tests import factories as f
from trivsel.audit.models import AccessLogEntry, Basis
from trivsel.organisation.models import Role, UnitType

pytestmark = pytest.mark.django_db

WRITE_BUTTONS = {
    "Registrér samtykke": "samtykke/ny/",
    "Opret et forløb": "forloeb/ny/",
    "Udveksling uden samtykke (ét møde)": "udveksling/ny/",
    "Registrér, hvem der arbejder med barnet": "involvering/ny/",
    "Forbered en overlevering": "overlevering/ny/",
}


@pytest.fixture
def consented(world):
    """A PPR psychologist the mother gave consent to: she sees Alma's basic data."""
    ppr_unit = f.UnitFactory(municipality=world.solby, name="PPR Solby", type=UnitType.PPR)
    world.psychologist = f.StaffFactory(
        user=f.UserFactory(username="pia", municipality=world.solby, first_name="Pia"),
        roles=[Role.PPR_PSYCHOLOGIST],
        units=[ppr_unit],
    ).user
    consent = services.consent_record(
        actor=world.paedagog,
        child=world.child,
        guardian=world.child.guardians.get(),
        kinds=[DataKind.BASIC],
        people=[world.psychologist],
        purpose="Sparring med PPR om sprog",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=90),
        paper=False,
    )
    services.consent_answer(actor=world.guardian, consent=consent, accept=True)
    return world


def test_the_consent_recipient_sees_the_child_and_no_button_to_change_it(consented, login):
    page = login(consented.psychologist).get(f"/boern/{consented.child.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    for label, path in WRITE_BUTTONS.items():
        assert label not in text
        assert f"/boern/{consented.child.pk}/{path}" not in text


@pytest.mark.parametrize("path", WRITE_BUTTONS.values())
def test_the_consent_recipient_gets_404_on_every_writing_page_and_it_is_logged(
    consented, login, path
):
    response = login(consented.psychologist).get(f"/boern/{consented.child.pk}/{path}")
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(actor=consented.psychologist, basis=Basis.DENIED).exists()


def test_the_staff_around_the_child_are_offered_what_they_may_do(world, login):
    text = login(world.paedagog).get(f"/boern/{world.child.pk}/").content.decode()
    for label, path in WRITE_BUTTONS.items():
        assert label in text
        assert login(world.paedagog).get(f"/boern/{world.child.pk}/{path}").status_code == 200


def test_the_services_refuse_a_consent_recipient_whatever_the_view_did(consented):
    today = timezone.localdate()
    writes = [
        lambda: services.consent_record(
            actor=consented.psychologist,
            child=consented.child,
            guardian=consented.child.guardians.get(),
            kinds=[DataKind.BASIC],
            people=[consented.teacher],
            purpose="Videre",
            valid_from=today,
            valid_until=today + timedelta(days=30),
            paper=False,
        ),
        lambda: services.forlob_open(
            actor=consented.psychologist,
            child=consented.child,
            title="Mit forløb",
            tovholder=consented.psychologist,
            review_date=today + timedelta(days=90),
        ),
        lambda: services.involvement_add(
            actor=consented.psychologist,
            child=consented.child,
            person=consented.psychologist,
            role="PPR",
            purpose="Sparring",
            start=today,
        ),
        lambda: services.exchange_grant_create(
            actor=consented.psychologist,
            child=consented.child,
            purpose="Møde",
            participants=[consented.psychologist],
            meeting_date=today,
        ),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()


def test_a_social_worker_cannot_give_herself_statutory_access_through_the_register(world):
    with pytest.raises(PermissionDenied):
        services.involvement_add(
            actor=world.social_worker,
            child=world.child,
            person=world.social_worker,
            role="Socialrådgiver",
            purpose="Egen sag",
            start=timezone.localdate(),
        )
    assert not child_capabilities(world.social_worker, world.child.pk).kinds


def test_the_statutory_involvement_is_registered_by_the_social_work_side_only(world):
    with pytest.raises(PermissionDenied):
        services.statutory_involvement_add(
            actor=world.paedagog,
            child=world.child,
            person=world.social_worker,
            role="Socialrådgiver",
            purpose="Underretning",
            start=timezone.localdate(),
        )


def test_the_guardian_withdraws_her_own_consents_only(consented, login):
    other_guardian = f.GuardianFactory(municipality=consented.solby, first_name="Peter")
    f.GuardianshipFactory(child=consented.child, guardian=other_guardian)
    theirs = services.consent_record(
        actor=consented.paedagog,
        child=consented.child,
        guardian=other_guardian,
        kinds=[DataKind.BASIC],
        people=[consented.teacher],
        purpose="Fars samtykke til skolen",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=30),
        paper_date=timezone.localdate(),
    )
    client = login(consented.guardian)
    text = client.get(f"/boern/{consented.child.pk}/").content.decode()
    assert "Tilbagekald samtykke: Sparring med PPR om sprog" in text
    assert "Tilbagekald samtykke: Fars samtykke til skolen" not in text
    assert client.post(f"/samtykke/{theirs.pk}/tilbagekald/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "given"
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(actor=consented.guardian, consent=theirs)


def test_the_exchange_recipient_sees_the_mark_and_cannot_write(world, login):
    services.exchange_grant_create(
        actor=world.leader,
        child=world.child,
        purpose="Fælles møde om overgangen",
        participants=[world.teacher],
        meeting_date=timezone.localdate(),
    )
    can = child_capabilities(world.teacher, world.child.pk)
    assert can.by_exchange_only and not can.writes_record
    text = login(world.teacher).get(f"/boern/{world.child.pk}/").content.decode()
    assert "Udveksling uden samtykke." in text
    assert "Registrér samtykke" not in text


def test_the_social_work_side_as_a_unit_is_not_told_to_the_guardians(world, login):
    services.involvement_add(
        actor=world.paedagog,
        child=world.child,
        unit=world.authority,
        role="Familieafdelingen",
        purpose="Forebyggende samtaler",
        start=timezone.localdate(),
    )
    assert (
        "Forebyggende samtaler"
        in login(world.paedagog).get(f"/boern/{world.child.pk}/").content.decode()
    )
    page = login(world.guardian).get(f"/boern/{world.child.pk}/").content.decode()
    assert "Forebyggende samtaler" not in page and "Familieafdelingen" not in page


def test_a_later_social_work_role_does_not_turn_an_involvement_into_statutory_access(world):
    colleague = f.StaffFactory(
        user=f.UserFactory(username="ole", municipality=world.solby, first_name="Ole"),
        roles=[Role.RESOURCE_PAEDAGOG],
        units=[world.school],
    ).user
    services.involvement_add(
        actor=world.paedagog,
        child=world.child,
        person=colleague,
        role="AKT",
        purpose="Støtte i frikvartererne",
        start=timezone.localdate(),
    )
    assert not child_capabilities(colleague, world.child.pk).kinds
    colleague.staff_profile.roles = [Role.SOCIAL_WORKER]
    colleague.staff_profile.save()
    assert not child_capabilities(colleague, world.child.pk).kinds
