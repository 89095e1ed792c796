"""The young person's own access (issue #19): from YOUNG_PERSON_OWN_LOGIN_AGE a login of their
own, a basis of its own — their own page, consents, meetings and the minutes meant for the
family, their own consent and their own words — and at 18 the guardians' access ends while
theirs goes on. Plus whether the child was heard (Barnets lov § 5) on the forms that ask for the
child's view."""

import re
from datetime import datetime, time, timedelta
from time import monotonic, sleep

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.access import grants_rebuild
from cases.handovers import services as handover_services
from cases.models import (
    Consent,
    ConsentEvidence,
    ConsentStatus,
    DataKind,
    Guardianship,
    Handover,
    InsightRequest,
    TransitionType,
)
from cases.tasks import guardian_access_end_at_18
from meetings import rules
from meetings.services.meetings import network_meeting_create
from meetings.services.minutes import minutes_approve, minutes_start, minutes_update
from meetings.services.participants import network_consent_record, participant_add
from tests import factories as f
from tests.notifications.test_celery_worker import worker  # noqa: F401 (a fixture)
from trivsel.audit.models import AccessLogEntry, Basis
from trivsel.notifications.models import Notification
from trivsel.notifications.services import reminders_sweep


def today():
    return timezone.localdate()


def noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def make_young_person(world, *, age_years, age_days=10, username="emil"):
    """A pupil of Jonas's class with a guardian login and their own login."""
    born = today() - relativedelta(years=age_years, days=age_days)
    child = f.ChildFactory(
        municipality=world.solby, first_name="Emil", last_name="Berg", birth_date=born
    )
    f.EnrolmentFactory(child=child, group=world.school_class, unit=world.school)
    own = f.UserFactory(username=username, municipality=world.solby, first_name="Emil")
    child.user = own
    child.save(update_fields=["user"])
    parent = f.UserFactory(username=f"{username}-mor", municipality=world.solby)
    guardian = f.GuardianFactory(municipality=world.solby, user=parent, first_name="Hanne")
    f.GuardianshipFactory(child=child, guardian=guardian)
    grants_rebuild(child_ids=[child.pk])
    return child, own, parent


@pytest.fixture
def young(world):
    world.young_child, world.young, world.young_parent = make_young_person(world, age_years=16)
    return world


def status(client, url):
    return client.get(url).status_code


# --- What the young person sees ----------------------------------------------------------------


def test_the_young_person_sees_their_own_page_and_nothing_else(young, login):
    world = young
    other_municipality_child = f.ChildFactory(municipality=world.nabo_kommune)
    client = login(world.young)
    own = world.young_child
    assert status(client, f"/boern/{own.pk}/") == 200
    # Another child, a child of another municipality, the staff's own pages: 404, like nothing.
    for url in (
        f"/boern/{world.child.pk}/",
        f"/boern/{other_municipality_child.pk}/",
        "/boern/",
        "/overleveringer/",
        f"/boern/{own.pk}/samtykke/ny/",
        f"/boern/{own.pk}/forloeb/ny/",
    ):
        assert status(client, url) == 404, url
    looks = AccessLogEntry.objects.filter(actor=world.young, child_id=own.pk)
    assert looks.filter(basis=Basis.YOUNG_PERSON).exists()
    assert AccessLogEntry.objects.filter(actor=world.young, basis=Basis.DENIED).count() >= 2
    # Their look never shows in the family's log — not their guardians', not their own — while
    # a teacher's look does, by date and purpose.
    assert not looks.filter(guardian_visible_from__isnull=False).exists()
    login(world.teacher).get(f"/boern/{own.pk}/")
    log = login(world.young).get(f"/boern/{own.pk}/adgangslog/").content.decode()
    assert "Opslag om dig" in log and "Barnets side" in log and "Jonas" not in log


def test_before_the_age_the_login_opens_nothing_and_on_the_birthday_it_opens(world, login):
    child, own, _parent = make_young_person(world, age_years=15, age_days=-3, username="liva")
    with time_machine.travel(noon(today())):
        assert status(login(own), f"/boern/{child.pk}/") == 404
    with time_machine.travel(noon(today() + timedelta(days=3))):
        assert status(login(own), f"/boern/{child.pk}/") == 200


def test_mit_overblik_shows_their_page_and_what_waits_for_their_answer(
    young, login, django_assert_max_num_queries
):
    world = young
    services.consent_record(
        actor=world.teacher,
        child=world.young_child,
        given_by_child=True,
        kinds=[DataKind.BASIC],
        units=[world.kindergarten],
        purpose="Samtale med UU",
        valid_from=today(),
        valid_until=today() + timedelta(days=30),
        paper=False,
    )
    client = login(world.young)
    client.get("/")
    # The session, the user, the grants once, one query per section, the look logged in one insert.
    with django_assert_max_num_queries(7):
        page = client.get("/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Din side (1) Emil Berg" in text
    assert "Venter på dit svar (1) Emil Berg Et samtykke venter på dit svar" in text
    assert "Alma" not in text


def _network_meeting(world, *, with_the_young_person=True, approve=True):
    meeting = network_meeting_create(
        actor=world.teacher,
        child=world.young_child,
        purpose="Fremmøde",
        starts_at=noon(today() + timedelta(days=1)),
        place="Åskolen",
        tovholder=world.teacher,
    )
    if with_the_young_person:
        participant_add(
            actor=world.teacher, meeting=meeting, kind="child", name="Emil Berg", role="Eleven"
        )
    participant_add(actor=world.teacher, meeting=meeting, kind="staff", user=world.leader)
    network_consent_record(
        actor=world.teacher,
        meeting=meeting,
        guardian=world.young_child.guardians.get(),
        paper_date=today(),
    )
    minutes = minutes_start(actor=world.teacher, meeting=meeting)
    minutes_update(
        actor=world.teacher,
        minutes=minutes,
        lock=minutes.lock,
        agreements="Emil skriver, når han ikke kommer.",
        internal_notes="Kun for de professionelle.",
    )
    if approve:
        minutes_approve(actor=world.teacher, minutes=minutes)
    return meeting, minutes


def test_the_meetings_they_are_on_the_list_of_and_the_family_copy_of_the_minutes(young, login):
    world = young
    theirs, minutes = _network_meeting(world)
    without_them, _ = _network_meeting(world, with_the_young_person=False)
    client = login(world.young)
    page = client.get(f"/moeder/{theirs.pk}/").content.decode()
    assert "Fremmøde" in page
    assert status(client, f"/moeder/{without_them.pk}/") == 404
    pdf = client.get(f"/moeder/referat/{minutes.pk}/pdf/")
    assert pdf.status_code == 200
    assert AccessLogEntry.objects.filter(
        actor=world.young, child_id=world.young_child.pk, basis=Basis.YOUNG_PERSON
    ).exists()


# --- Their own consent --------------------------------------------------------------------------


def test_they_give_and_withdraw_their_own_consent_and_access_follows(young, login):
    world = young
    consent = services.consent_record(
        actor=world.teacher,
        child=world.young_child,
        given_by_child=True,
        kinds=[DataKind.BASIC],
        units=[world.kindergarten],
        purpose="Råd fra børnehavens leder",
        valid_from=today(),
        valid_until=today() + timedelta(days=30),
        paper=False,
    )
    assert consent.status == ConsentStatus.AWAITING_GUARDIAN
    # Only they answer it: not their guardian, not the staff.
    assert (
        login(world.young_parent)
        .post(f"/samtykke/{consent.pk}/svar/", {"answer": "accept"})
        .status_code
        == 404
    )
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.AWAITING_GUARDIAN
    assert status(login(world.leader), f"/boern/{world.young_child.pk}/") == 404

    client = login(world.young)
    assert "Giv samtykke" in client.get(f"/boern/{world.young_child.pk}/").content.decode()
    client.post(f"/samtykke/{consent.pk}/svar/", {"answer": "accept"})
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GIVEN
    assert consent.evidence == ConsentEvidence.YOUNG_PERSON_LOGIN
    assert status(login(world.leader), f"/boern/{world.young_child.pk}/") == 200

    login(world.young).post(f"/samtykke/{consent.pk}/tilbagekald/")
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert status(login(world.leader), f"/boern/{world.young_child.pk}/") == 404
    assert (
        AccessLogEntry.objects.filter(
            actor=world.young,
            object_type="cases.consent",
            object_id=str(consent.pk),
            basis=Basis.YOUNG_PERSON,
        ).count()
        == 2
    )


def test_they_cannot_withdraw_a_consent_their_guardian_gave(young, login):
    world = young
    consent = services.consent_record(
        actor=world.teacher,
        child=world.young_child,
        guardian=world.young_child.guardians.get(),
        kinds=[DataKind.BASIC],
        units=[world.kindergarten],
        purpose="Forældrenes samtykke",
        valid_from=today(),
        valid_until=today() + timedelta(days=30),
        paper_date=today(),
    )
    assert status(login(world.young), f"/boern/{world.young_child.pk}/") == 200
    assert login(world.young).post(f"/samtykke/{consent.pk}/tilbagekald/").status_code == 404
    assert Consent.objects.get(pk=consent.pk).status == ConsentStatus.GIVEN


def test_they_are_reminded_before_their_own_consent_expires(young, time_machine):
    world = young
    time_machine.move_to(noon(today()))
    services.consent_record(
        actor=world.teacher,
        child=world.young_child,
        given_by_child=True,
        kinds=[DataKind.BASIC],
        units=[world.kindergarten],
        purpose="Råd fra børnehaven",
        valid_from=today(),
        valid_until=today() + timedelta(days=30),
        paper_date=today(),
    )
    time_machine.move_to(noon(today() + timedelta(days=20)))
    reminders_sweep()
    reminders_sweep()
    mine = Notification.objects.filter(recipient=world.young)
    # Told when the paper consent was recorded in their name, and once before it expires.
    assert sorted(mine.values_list("kind", flat=True)) == [
        "cases.consent_expiry_young_person",
        "cases.consent_recorded",
    ]
    assert mine.get(kind="cases.consent_expiry_young_person").link == (
        f"/boern/{world.young_child.pk}/"
    )


# --- Their own words ----------------------------------------------------------------------------


def test_they_write_their_own_words_in_the_plan_and_a_stale_edit_is_refused(young, login):
    world = young
    forlob = services.forlob_open(
        actor=world.teacher,
        child=world.young_child,
        title="Fremmøde",
        tovholder=world.teacher,
        review_date=today() + timedelta(days=60),
    )
    url = f"/forloeb/{forlob.pk}/egne-ord/"
    for outsider in (world.young_parent, world.teacher, world.guardian):
        assert status(login(outsider), url) == 404
    client = login(world.young)
    assert url in client.get(f"/boern/{world.young_child.pk}/").content.decode()
    response = client.post(url, {"version": forlob.version, "text": "Jeg vil gerne i skole."})
    assert response.status_code == 302
    forlob.refresh_from_db()
    assert forlob.child_view == "Jeg vil gerne i skole."
    # The tovholder's plan form read before that is refused rather than overwriting the words.
    with pytest.raises(services.EditConflict):
        services.forlob_plan_update(
            actor=world.teacher, forlob=forlob, version=forlob.version - 1, child_view=""
        )
    page = client.get(f"/boern/{world.young_child.pk}/").content.decode()
    assert "Jeg vil gerne i skole." in page
    assert AccessLogEntry.objects.filter(
        actor=world.young,
        object_type="cases.forlob",
        object_id=str(forlob.pk),
        basis=Basis.YOUNG_PERSON,
    ).exists()


def test_they_write_their_own_words_in_a_handover_until_it_is_sent(young, login):
    world = young
    handover = handover_services.handover_create(
        actor=world.teacher,
        child=world.young_child,
        transition=TransitionType.YOUTH_EDUCATION,
        sending_unit=world.school,
        receiving_unit=world.kindergarten,
        transition_date=today() + timedelta(days=30),
        strengths="Hjælpsom",
        professional_view="Ro",
        child_heard="conversation",
        child_heard_note="Talt med Emil i frikvarteret.",
    )
    url = f"/overleveringer/{handover.pk}/egne-ord/"
    # A draft nobody has been asked about yet is the professional's own work.
    assert status(login(world.young), url) == 404
    handover_services.handover_request_consent(
        actor=world.teacher,
        handover=handover,
        guardian=world.young_child.guardians.get(),
        valid_until=today() + timedelta(days=60),
        paper=True,
        paper_date=today(),
    )
    client = login(world.young)
    page = client.get(f"/overleveringer/{handover.pk}/").content.decode()
    assert url in page
    assert "Hørt i en samtale" in page and "Talt med Emil i frikvarteret." in page
    assert client.post(url, {"text": "Jeg glæder mig."}).status_code == 302
    assert Handover.objects.get(pk=handover.pk).child_voice == "Jeg glæder mig."
    assert status(login(world.young_parent), url) == 404
    handover_services.handover_send(actor=world.teacher, handover=handover)
    assert status(login(world.young), url) == 404


# --- At 18 --------------------------------------------------------------------------------------


def test_at_18_the_guardians_access_ends_and_the_young_persons_goes_on(world, login):
    child, own, parent = make_young_person(world, age_years=18, age_days=-1, username="malte")
    birthday = child.turns(18)
    page = f"/boern/{child.pk}/"
    with time_machine.travel(noon(birthday - timedelta(days=1))):
        assert status(login(parent), page) == 200
        assert guardian_access_end_at_18.apply().get() == 0
    with time_machine.travel(noon(birthday + timedelta(days=1))):
        assert guardian_access_end_at_18.apply().get() == 1
        assert guardian_access_end_at_18.apply().get() == 0  # twice: nothing more
        assert status(login(parent), page) == 404
        response = login(own).get(page)
        assert response.status_code == 200
        assert "forældremyndigheden er ophørt" in response.content.decode()
    assert not Guardianship.objects.get(child=child).has_custody


def test_the_guardians_grant_stops_at_midnight_on_the_birthday_before_the_job_runs(world, login):
    child, own, parent = make_young_person(world, age_years=18, age_days=-1, username="ella")
    birthday = child.turns(18)
    with time_machine.travel(timezone.make_aware(datetime.combine(birthday, time(0, 1)))):
        assert status(login(parent), f"/boern/{child.pk}/") == 404
        assert status(login(own), f"/boern/{child.pk}/") == 200


@pytest.mark.worker
def test_a_real_worker_ends_the_custody_of_a_child_who_turned_18(world, worker, login):  # noqa: F811
    # Born 18 years and a day ago, with custody still on the books: what the beat job finds
    # each morning. The task goes through the real broker to a real worker.
    child, own, parent = make_young_person(world, age_years=18, age_days=1, username="noah")
    guardian_access_end_at_18.delay()
    deadline = monotonic() + 60
    while Guardianship.objects.filter(child=child, has_custody=True).exists():
        assert worker.poll() is None, "the worker died"
        assert monotonic() < deadline, "the worker did not run the job within 60 s"
        sleep(0.2)
    assert status(login(parent), f"/boern/{child.pk}/") == 404
    assert status(login(own), f"/boern/{child.pk}/") == 200


# --- Barnets lov § 5: was the child heard? ------------------------------------------------------


def _open_forlob(client, child, tovholder, **extra):
    return client.post(
        f"/boern/{child.pk}/forloeb/ny/",
        {
            "title": "Sprog",
            "tovholder": tovholder.pk,
            "ladder_step": "universal",
            "review_date": (today() + timedelta(days=60)).strftime("%d.%m.%Y"),
            **extra,
        },
    )


def test_the_forlob_form_asks_whether_the_child_was_heard_from_the_municipalitys_age(world, login):
    client = login(world.paedagog)
    mette = world.paedagog
    world.solby.child_heard_from_age = world.child.age_on(today()) + 1  # Alma is younger
    world.solby.save()
    assert _open_forlob(client, world.child, mette).status_code == 302
    world.child.forlob_set.all().delete()

    world.solby.child_heard_from_age = 0
    world.solby.save()
    page = _open_forlob(client, world.child, mette).content.decode()
    assert "barnet blev hørt" in page and not world.child.forlob_set.exists()
    page = _open_forlob(client, world.child, mette, child_heard="not_heard").content.decode()
    assert "hvorfor barnet ikke blev hørt" in page and not world.child.forlob_set.exists()
    response = _open_forlob(
        client, world.child, mette, child_heard="not_heard", child_heard_note="Alma var syg i ugen."
    )
    assert response.status_code == 302
    page = client.get(f"/boern/{world.child.pk}/").content.decode()
    assert "Ikke hørt" in page and "Alma var syg i ugen." in page


def test_network_meeting_minutes_record_how_the_child_was_heard(young, login):
    world = young
    meeting, new = _network_meeting(world, approve=False)
    new.refresh_from_db()
    minutes_update(actor=world.teacher, minutes=new, lock=new.lock, child_heard="conversation")
    new.refresh_from_db()
    assert "Skriv, hvordan barnet blev hørt." in rules.approval_problems(new)
    minutes_update(
        actor=world.teacher, minutes=new, lock=new.lock, child_heard_note="Samtale før mødet."
    )
    new.refresh_from_db()
    assert not rules.approval_problems(new)
    page = login(world.teacher).get(f"/moeder/{meeting.pk}/referat/").content.decode()
    assert 'value="conversation"' in page and "Samtale før mødet." in page


def test_the_young_person_asks_for_insight_about_themself(young, login):
    # GDPR art. 15 is the data subject's own right: with their own login they ask, as a
    # guardian does, and the request is logged with their own basis.
    client = login(young.young)
    page = client.get(reverse("cases:child_detail", args=[young.young_child.pk])).content.decode()
    assert "Indsigt i, hvad der er registreret om dig" in page
    assert "Bed om indsigt" in page
    response = client.post(reverse("cases:insight_request_create", args=[young.young_child.pk]))
    assert response.status_code == 302
    request = InsightRequest.objects.get(child=young.young_child)
    assert request.requested_by == young.young
    assert AccessLogEntry.objects.filter(
        actor=young.young, object_id=str(request.pk), basis=Basis.YOUNG_PERSON
    ).exists()
