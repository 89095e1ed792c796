"""Issue #13, hole 2: staff cannot grant themselves access through a "paper consent". No consent
covers notifications, a consent has a maximum period and named recipients (units, roles within
named units, people), nobody records one naming only themselves, and a paper consent carries the
paper's date and is told to the guardian it names, who can withdraw it with one click."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.access import grants_rebuild
from cases.handovers import services as handover_services
from cases.handovers.selectors import handover_consent_default_end
from cases.models import Consent, ConsentStatus, DataKind
from cases.selectors import child_list_visible_to
from tests import factories as f
from trivsel.notifications.models import Notification
from trivsel.notifications.services import email_outbox_drain
from trivsel.organisation.models import Role

TODAY = timezone.localdate


def visible(user, child, kind=DataKind.BASIC):
    return child_list_visible_to(user, kind=kind).filter(pk=child.pk).exists()


def day(d):
    return d.strftime("%d.%m.%Y")


@pytest.fixture
def pupil(world):
    """Alma is also in Jonas' class: the teacher may record consents about her."""
    f.EnrolmentFactory(child=world.child, group=world.school_class)
    grants_rebuild(child_ids=[world.child.pk])
    world.guardian_row = world.child.guardians.get()
    return world


def consent_form(world, **fields):
    data = {
        "giver": f"guardian-{world.guardian_row.pk}",
        "kinds": [DataKind.BASIC],
        "recipient_units": [world.school.pk],
        "purpose": "Overlevering til skolen",
        "valid_from": day(TODAY()),
        "valid_until": day(TODAY() + timedelta(days=60)),
        "evidence": "paper",
        "paper_date": day(TODAY()),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def record(world, **overrides):
    arguments = {
        "actor": world.paedagog,
        "child": world.child,
        "guardian": world.child.guardians.get(user=world.guardian),
        "kinds": [DataKind.BASIC],
        "units": [world.school],
        "purpose": "Overlevering til skolen",
        "valid_from": TODAY(),
        "valid_until": TODAY() + timedelta(days=60),
        "paper_date": TODAY(),
    }
    arguments.update(overrides)
    return services.consent_record(**arguments)


def old_row(world, *, kinds=(DataKind.BASIC,), units=(), roles=(), people=(), **fields):
    """A consent as an earlier version of the product let it be recorded (the engine must not
    trust what it says, however it was given)."""
    values = {
        "child": world.child,
        "guardian": world.child.guardians.get(),
        "kinds": list(kinds),
        "recipient_roles": list(roles),
        "purpose": "Gammelt samtykke",
        "valid_from": TODAY(),
        "valid_until": TODAY() + timedelta(days=60),
        "status": ConsentStatus.GIVEN,
        "evidence": "login",
        "recorded_by": world.teacher,
    }
    values.update(fields)
    consent = Consent.objects.create(**values)
    consent.recipient_units.set(units)
    consent.recipient_people.set(people)
    grants_rebuild(child_ids=[world.child.pk])
    return consent


# --- The reproduced hole ---------------------------------------------------------------------


def test_the_teachers_paper_consent_to_herself_until_2099_is_refused_in_danish(pupil, login):
    page = login(pupil.teacher).post(
        f"/boern/{pupil.child.pk}/samtykke/ny/",
        consent_form(
            pupil,
            kinds=[k.value for k in DataKind],
            recipient_units=None,
            recipient_people=[pupil.teacher.pk],
            valid_until="31.12.2099",
        ),
    )
    assert page.status_code == 200
    assert not Consent.objects.exists()
    assert not visible(pupil.teacher, pupil.child, DataKind.NOTIFICATIONS)
    # Notifications are not even offered; asked for anyway, the form says no.
    assert "Marker en gyldig valgmulighed" in page.content.decode()


def test_the_consent_form_offers_no_notifications_and_says_how_long_a_consent_lasts(pupil, login):
    page = login(pupil.teacher).get(f"/boern/{pupil.child.pk}/samtykke/ny/").content.decode()
    assert 'value="notifications"' not in page
    assert 'value="basic"' in page
    assert "højst 12 måneder" in page


# --- Notifications ---------------------------------------------------------------------------


def test_the_service_refuses_a_consent_covering_notifications(world):
    with pytest.raises(ValidationError) as error:
        record(world, kinds=[DataKind.BASIC, DataKind.NOTIFICATIONS])
    assert "underretninger" in " ".join(error.value.error_dict["kinds"][0].messages)
    assert not Consent.objects.exists()


def test_an_old_consent_naming_notifications_never_opens_them(world):
    old_row(world, kinds=[DataKind.BASIC, DataKind.NOTIFICATIONS], units=[world.school])
    assert visible(world.teacher, world.child)
    assert not visible(world.teacher, world.child, DataKind.NOTIFICATIONS)


# --- The maximum period ----------------------------------------------------------------------


def test_a_consent_longer_than_the_maximum_is_refused_with_the_last_allowed_day(world, login):
    page = login(world.paedagog).post(
        f"/boern/{world.child.pk}/samtykke/ny/",
        consent_form(_with_guardian(world), valid_until=day(TODAY() + timedelta(days=400))),
    )
    assert page.status_code == 200
    assert "højst 12 måneder" in page.content.decode()
    assert not Consent.objects.exists()
    start = date(2026, 3, 1)
    with time_machine.travel(date(2026, 2, 20)), pytest.raises(ValidationError) as error:
        record(world, valid_from=start, valid_until=date(2027, 3, 1))
    message = " ".join(error.value.error_dict["valid_until"][0].messages)
    assert "højst 12 måneder" in message and "28.02.2027" in message
    with time_machine.travel(date(2026, 2, 20)):
        assert record(world, valid_from=start, valid_until=date(2027, 2, 28)).pk


def test_an_old_consent_without_end_stops_at_the_maximum(world):
    old_row(
        world,
        units=[world.school],
        valid_from=TODAY() - timedelta(days=30),
        valid_until=date(2099, 12, 31),
    )
    assert visible(world.teacher, world.child)
    last = TODAY() - timedelta(days=30) + relativedelta(months=12) - timedelta(days=1)
    with time_machine.travel(
        timezone.make_aware(datetime.combine(last, time(12))) + timedelta(days=1)
    ):
        assert not visible(world.teacher, world.child)


def test_a_handover_to_a_transition_more_than_a_year_away_is_explained_not_crashed(world, login):
    handover = handover_services.handover_create(
        actor=world.paedagog,
        child=world.child,
        transition="boernehave_skole",
        sending_unit=world.kindergarten,
        receiving_unit=world.school,
        transition_date=TODAY() + timedelta(days=500),
        strengths="Glad og nysgerrig.",
        professional_view="Har brug for ro.",
    )
    client = login(world.paedagog)
    page = client.get(f"/overleveringer/{handover.pk}/samtykke/").content.decode()
    # The suggested end is within the maximum, not half a year after the transition.
    assert day(TODAY() + timedelta(days=680)) not in page
    response = client.post(
        f"/overleveringer/{handover.pk}/samtykke/",
        {
            "guardian": world.child.guardians.get().pk,
            "how": "login",
            "valid_until": day(TODAY() + timedelta(days=600)),
        },
    )
    assert response.status_code == 200
    assert "mere end 12 måneder" in response.content.decode()
    assert not Consent.objects.exists()


def test_the_handovers_suggested_end_is_within_the_maximum(world):
    handover = handover_services.handover_create(
        actor=world.paedagog,
        child=world.child,
        transition="boernehave_skole",
        sending_unit=world.kindergarten,
        receiving_unit=world.school,
        transition_date=TODAY() + timedelta(days=300),
        strengths="Glad og nysgerrig.",
        professional_view="Har brug for ro.",
    )
    end = handover_consent_default_end(handover)
    assert end == TODAY() + relativedelta(months=12) - timedelta(days=1)
    handover_services.handover_request_consent(
        actor=world.paedagog,
        handover=handover,
        guardian=world.child.guardians.get(),
        valid_until=end,
    )
    assert Consent.objects.get().valid_until == end


# --- Named recipients ------------------------------------------------------------------------


def test_a_role_without_a_unit_is_refused_by_the_form_and_the_service(world, login):
    page = login(world.paedagog).post(
        f"/boern/{world.child.pk}/samtykke/ny/",
        consent_form(_with_guardian(world), recipient_units=None, recipient_roles=[Role.LEADER]),
    )
    assert "inden for enheder" in page.content.decode()
    with pytest.raises(ValidationError) as error:
        record(world, units=[], roles=[Role.LEADER])
    assert "recipient_roles" in error.value.error_dict
    assert not Consent.objects.exists()


def _with_guardian(world):
    world.guardian_row = world.child.guardians.get()
    return world


def test_an_old_role_only_consent_gives_nobody_anything(world):
    school_leader = f.StaffFactory(
        user=f.UserFactory(username="skoleleder", municipality=world.solby),
        roles=[Role.LEADER],
        units=[world.school],
    ).user
    old_row(world, roles=[Role.LEADER])
    assert not visible(school_leader, world.child)
    assert not visible(world.leader, world.child, DataKind.HANDOVER)


def test_a_role_within_a_named_unit_still_names_its_people(world):
    school_leader = f.StaffFactory(
        user=f.UserFactory(username="skoleleder", municipality=world.solby),
        roles=[Role.LEADER],
        units=[world.school],
    ).user
    record(world, roles=[Role.LEADER])
    assert visible(school_leader, world.child)
    assert not visible(world.teacher, world.child)


def test_leaving_the_role_ends_a_role_consent_at_once(world):
    school_leader = f.StaffFactory(
        user=f.UserFactory(username="skoleleder", municipality=world.solby),
        roles=[Role.LEADER],
        units=[world.school],
    ).user
    record(world, roles=[Role.LEADER])
    assert visible(school_leader, world.child)
    profile = school_leader.staff_profile
    profile.roles = [Role.TEACHER]
    profile.save()
    assert not visible(school_leader, world.child)


def test_nobody_records_a_consent_naming_only_themselves(pupil):
    with pytest.raises(ValidationError) as error:
        record(pupil, actor=pupil.teacher, units=[], people=[pupil.teacher])
    assert "kun dig selv" in " ".join(error.value.error_dict["recipient_people"][0].messages)
    # Naming a colleague as well is a real recipient.
    assert record(pupil, actor=pupil.teacher, units=[], people=[pupil.teacher, pupil.paedagog])


def test_an_old_consent_naming_only_its_recorder_gives_nothing(pupil):
    pupil.child.enrolments.filter(group=pupil.school_class).delete()
    grants_rebuild(child_ids=[pupil.child.pk])
    old_row(pupil, people=[pupil.teacher], recorded_by=pupil.teacher)
    assert not visible(pupil.teacher, pupil.child)


# --- The paper consent: its date, and the guardian is told --------------------------------


def test_a_paper_consent_needs_the_papers_date_and_not_one_in_the_future(world, login):
    client = login(world.paedagog)
    url = f"/boern/{world.child.pk}/samtykke/ny/"
    page = client.post(url, consent_form(_with_guardian(world), paper_date="")).content.decode()
    assert "Indtast datoen på papirsamtykket" in page
    tomorrow = day(TODAY() + timedelta(days=1))
    page = client.post(url, consent_form(world, paper_date=tomorrow)).content.decode()
    assert "kan ikke ligge i fremtiden" in page
    assert not Consent.objects.exists()
    with pytest.raises(ValidationError) as error:
        record(world, paper_date=None)
    assert "paper_date" in error.value.error_dict


def test_the_guardian_is_told_of_a_paper_consent_in_her_name_and_withdraws_it(world, login):
    staff = login(world.paedagog)
    staff.post(
        f"/boern/{world.child.pk}/samtykke/ny/",
        consent_form(_with_guardian(world), paper_date=day(TODAY() - timedelta(days=2))),
    )
    consent = Consent.objects.get()
    assert consent.paper_date == TODAY() - timedelta(days=2)
    assert consent.recorded_by == world.paedagog
    assert visible(world.teacher, world.child)

    # The bell: a kind and a link, nothing about the child.
    notification = Notification.objects.get(recipient=world.guardian)
    assert notification.link == f"/boern/{world.child.pk}/#samtykker"
    assert str(notification.title) == "Der er registreret et samtykke i dit navn."
    # The e-mail says the same, with the link, and nothing about the child.
    email_outbox_drain()
    (message,) = mail.outbox
    assert message.to == [world.guardian.email]
    assert "Der er registreret et samtykke i dit navn." in message.body
    assert f"/boern/{world.child.pk}/" in message.body
    for secret in ("Alma", "Hansen", "Overlevering", "Åskolen", "Mette"):
        assert secret not in message.body + message.subject

    guardian = login(world.guardian)
    assert (
        "Der er registreret et samtykke i dit navn."
        in guardian.get("/notifikationer/").content.decode()
    )
    page = guardian.get(notification.link).content.decode()
    name = world.paedagog.get_full_name()
    assert f"registreret på papir af {name} d. {day(TODAY())}" in page
    assert f"papiret er dateret {day(TODAY() - timedelta(days=2))}" in page
    # Withdraw is one click on the page the link opens.
    assert f'action="/samtykke/{consent.pk}/tilbagekald/"' in page
    guardian.post(f"/samtykke/{consent.pk}/tilbagekald/")
    assert Consent.objects.get().status == ConsentStatus.WITHDRAWN
    assert not visible(world.teacher, world.child)


def test_a_consent_awaiting_the_guardians_answer_is_told_to_her_too(world):
    record(world, paper=False, paper_date=None)
    assert Notification.objects.get(recipient=world.guardian).title == (
        "Et samtykke venter på dit svar."
    )


def test_a_guardian_without_a_login_cannot_be_asked_to_confirm_through_one(world):
    other = f.GuardianFactory(municipality=world.solby, first_name="Peter")
    f.GuardianshipFactory(child=world.child, guardian=other)
    with pytest.raises(ValidationError) as error:
        record(world, guardian=other, paper=False, paper_date=None)
    assert "har intet login" in " ".join(error.value.messages)
    # On paper it is recorded, and there is no one to notify in the app.
    record(world, guardian=other)
    assert not Notification.objects.exists()


def test_a_refusal_tells_no_one_and_needs_no_paper_date(world):
    record(world, refused=True, paper_date=None)
    assert Consent.objects.get().status == ConsentStatus.REFUSED
    assert not Notification.objects.exists()


def test_the_migration_dates_old_paper_consents_by_the_day_they_were_recorded(world):
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("cases.migrations.0004_consent_paper_date")
    (constraint,) = [
        c for c in Consent._meta.constraints if c.name == "consent_on_paper_has_its_date"
    ]
    # As before the migration: paper consents without the paper's date (DDL is rolled back
    # with the test's transaction).
    with connection.schema_editor() as editor:
        editor.remove_constraint(Consent, constraint)
    given = old_row(world, units=[world.school], evidence="paper")
    refused = old_row(world, units=[world.school], evidence="paper", status="refused")
    on_login = old_row(world, units=[world.school])
    late_evening = timezone.make_aware(datetime(2026, 3, 1, 23, 30))
    Consent.objects.update(paper_date=None, recorded_at=late_evening)

    migration.date_old_paper_consents(apps, None)
    dates = dict(Consent.objects.values_list("pk", "paper_date"))
    assert dates == {given.pk: date(2026, 3, 1), refused.pk: None, on_login.pk: None}
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before the DDL
    with connection.schema_editor() as editor:
        editor.add_constraint(Consent, constraint)  # every row now satisfies it


def test_a_paper_consent_covers_nothing_before_the_day_it_was_given(world):
    with pytest.raises(ValidationError) as error:
        record(
            world,
            paper_date=TODAY() - timedelta(days=10),
            valid_from=TODAY() - timedelta(days=20),
        )
    assert "valid_from" in error.value.error_dict
    assert record(world, paper_date=TODAY() - timedelta(days=10), valid_from=TODAY()).pk


def test_joining_and_leaving_a_unit_named_with_a_role_takes_effect_at_once(world):
    record(world, units=[world.school], roles=[Role.TEACHER])
    newcomer = f.StaffFactory(
        user=f.UserFactory(username="nina", municipality=world.solby),
        roles=[Role.TEACHER],
        units=[],
    )
    assert not visible(newcomer.user, world.child)
    newcomer.units.add(world.school)
    assert visible(newcomer.user, world.child)
    newcomer.units.remove(world.school)
    assert not visible(newcomer.user, world.child)
    newcomer.units.add(world.school)
    newcomer.units.clear()
    assert not visible(newcomer.user, world.child)
