"""Transition handovers (DOMAIN.md §7): nothing reaches the receiver before the parents consent
and the sender sends; the receiver sees only what the consent covers and acknowledges; a refusal
is respected and prompts a conversation."""

import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from cases import services
from cases.handovers import services as handover_services
from cases.handovers.selectors import upcoming_transitions
from cases.models import ConsentStatus, Handover, Task, TaskStatus, TransitionType
from screening import services as screening_services
from tests import factories as f
from trivsel.audit.models import AccessLogEntry, Basis
from trivsel.organisation.models import Role

BACKEND = "trivsel.organisation.backends.StaffModelBackend"


def client_for(user):
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def transition(world):
    """Alma leaves the kindergarten for the school; the school has a leader, Søren."""
    world.school_leader = f.StaffFactory(
        user=f.UserFactory(username="soeren", municipality=world.solby, first_name="Søren"),
        roles=[Role.LEADER],
        units=[world.school],
    ).user
    world.guardian_record = world.child.guardianship_set.get().guardian
    return world


def prepare(world, **extra):
    return handover_services.handover_create(
        actor=world.paedagog,
        child=world.child,
        transition=TransitionType.KINDERGARTEN_TO_SCHOOL,
        sending_unit=world.kindergarten,
        sending_group=world.room,
        receiving_unit=world.school,
        transition_date=timezone.localdate() + timedelta(days=30),
        strengths="Alma er nysgerrig og god til at lege med de små.",
        professional_view="Hun har brug for ro ved overgange.",
        **extra,
    )


def ask(world, handover, **extra):
    return handover_services.handover_request_consent(
        actor=world.paedagog,
        handover=handover,
        guardian=world.guardian_record,
        valid_until=timezone.localdate() + timedelta(days=200),
        **({"paper_date": timezone.localdate()} if extra.get("paper") else {}),
        **extra,
    )


def sent_handover(world, **extra):
    handover = ask(world, prepare(world, **extra))
    handover_services.handover_parent_answer(
        guardian_user=world.guardian, handover=handover, accept=True, parents_view="Hun glæder sig."
    )
    return handover_services.handover_send(actor=world.paedagog, handover=handover)


def test_the_whole_way_prepare_consent_send_acknowledge_enrol(transition):
    world = transition
    handover = prepare(world, evaluation_needed=True)
    school = client_for(world.school_leader)
    url = f"/overleveringer/{handover.pk}/"

    # Before consent and sending, the school sees neither the handover nor the child.
    assert school.get(url).status_code == 404
    assert school.get(f"/boern/{world.child.pk}/").status_code == 404

    ask(world, handover)
    parent = client_for(world.guardian)
    page = parent.get(url)
    assert page.status_code == 200
    assert "Dit svar" in page.content.decode()
    response = parent.post(
        f"{url}svar/", {"answer": "accept", "parents_view": "Hun glæder sig til skolen."}
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.consent.status == ConsentStatus.GIVEN
    assert handover.parents_view == "Hun glæder sig til skolen."
    # Consent alone sends nothing: the professional sends.
    assert school.get(url).status_code == 404

    sender = client_for(world.paedagog)
    assert sender.post(f"{url}send/").status_code == 302
    page = school.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "nysgerrig" in html and "Hun glæder sig til skolen." in html
    assert school.get(f"/boern/{world.child.pk}/").status_code == 200
    # The acknowledgement task is the receiving leader's.
    task = Task.objects.get(source_type="cases.handover.acknowledge", source_id=str(handover.pk))
    assert task.owner == world.school_leader

    assert school.post(f"{url}kvitter/").status_code == 302
    handover.refresh_from_db()
    assert handover.acknowledged_by == world.school_leader
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert "Modtaget og kvitteret" in sender.get(url).content.decode()
    evaluation = Task.objects.get(source_type="cases.handover.evaluate")
    assert evaluation.due_date == handover.transition_date + timedelta(days=105)

    response = school.post(
        f"{url}indskriv/",
        {"group": world.school_class.pk, "start": handover.transition_date.strftime("%d.%m.%Y")},
    )
    assert response.status_code == 302
    assert world.child.enrolments.filter(unit=world.school, group=world.school_class).exists()
    # Every look was logged with its basis.
    looks = AccessLogEntry.objects.filter(actor=world.school_leader, child_id=world.child.pk)
    assert looks.filter(basis=Basis.CONSENT).exists()
    assert AccessLogEntry.objects.filter(actor=world.school_leader, basis=Basis.DENIED).exists()


def test_the_receiver_sees_only_what_the_consent_covers(transition):
    world = transition
    sent_handover(world)  # without the screening assessment
    school = client_for(world.school_leader)
    assert school.get(f"/boern/{world.child.pk}/").status_code == 200
    assert school.get(f"/trivsel/barn/{world.child.pk}/").status_code == 404


def test_an_attached_assessment_is_the_plain_words_summary_without_colours(school, transition):
    world = transition
    screening_services.round_start_joint(actor=world.leader, round_=world.round)
    screening_services.joint_assessment_save(
        actor=world.leader,
        round_=world.round,
        child=world.child,
        position="gul",
        reflection="Intern refleksion",
        parent_summary="Alma trives og har fået nye venner.",
    )
    handover = sent_handover(world, attach_screening=True)
    assert handover.screening_summary == "Alma trives og har fået nye venner."
    html = client_for(world.school_leader).get(f"/overleveringer/{handover.pk}/").content.decode()
    assert "Alma trives og har fået nye venner." in html
    assert "Intern refleksion" not in html
    # The summary in the handover is all the school gets of the kindergarten's screening.
    history = client_for(world.school_leader).get(f"/trivsel/barn/{world.child.pk}/")
    assert history.status_code == 200
    assert "Intern refleksion" not in history.content.decode()
    assert "Gul position" not in history.content.decode()


def test_a_refusal_is_respected_and_prompts_a_conversation(transition):
    world = transition
    handover = ask(world, prepare(world))
    parent = client_for(world.guardian)
    parent.post(f"/overleveringer/{handover.pk}/svar/", {"answer": "refuse"})
    handover.refresh_from_db()
    assert handover.state == "refused"
    with pytest.raises(ValidationError, match="ikke givet samtykke|not consented"):
        handover_services.handover_send(actor=world.paedagog, handover=handover)
    response = client_for(world.paedagog).post(f"/overleveringer/{handover.pk}/send/", follow=True)
    assert "forældrene har ikke givet samtykke" in response.content.decode()
    task = Task.objects.get(source_type="cases.handover.refused")
    assert task.owner == world.paedagog
    assert client_for(world.school_leader).get(f"/overleveringer/{handover.pk}/").status_code == 404


def test_a_paper_refusal_is_recorded_too(transition):
    handover = ask(transition, prepare(transition), paper=True, refused=True)
    assert handover.consent.status == ConsentStatus.REFUSED
    assert Task.objects.filter(source_type="cases.handover.refused").count() == 1


def test_withdrawing_the_consent_ends_the_receivers_access_at_once(transition):
    world = transition
    handover = sent_handover(world)
    school = client_for(world.school_leader)
    assert school.get(f"/overleveringer/{handover.pk}/").status_code == 200
    services.consent_withdraw(actor=world.guardian, consent=handover.consent)
    assert school.get(f"/overleveringer/{handover.pk}/").status_code == 404
    assert school.get(f"/boern/{world.child.pk}/").status_code == 404


def test_the_sender_keeps_the_handover_for_the_follow_up_period(transition):
    world = transition
    handover = sent_handover(world)
    enrolment = world.child.enrolments.get(unit=world.kindergarten)
    f.ended(enrolment, timezone.localdate())
    url = f"/overleveringer/{handover.pk}/"
    import time_machine

    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert client_for(world.paedagog).get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert client_for(world.paedagog).get(url).status_code == 404


def test_a_second_handover_to_the_same_unit_shows_the_open_one(transition):
    world = transition
    handover = prepare(world)
    response = client_for(world.paedagog).post(
        f"/boern/{world.child.pk}/overlevering/ny/",
        {
            "transition": TransitionType.KINDERGARTEN_TO_SCHOOL,
            "receiving_unit": world.school.pk,
            "transition_date": "01.08.2027",
            "strengths": "x",
            "professional_view": "y",
            "child_heard": "conversation",
            "child_heard_note": "z",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/overleveringer/{handover.pk}/"
    assert Handover.objects.count() == 1


def test_a_receiver_outside_the_municipality_is_refused(transition):
    world = transition
    response = client_for(world.paedagog).post(
        f"/boern/{world.child.pk}/overlevering/ny/",
        {
            "transition": TransitionType.KINDERGARTEN_TO_SCHOOL,
            "receiving_unit": world.nabo_unit.pk,
            "transition_date": "01.08.2027",
            "strengths": "Alma er glad",
            "professional_view": "y",
        },
    )
    assert response.status_code == 200
    assert "Vælg en enhed i din kommune" in response.content.decode()
    assert "Alma er glad" in response.content.decode()  # nothing typed is lost
    with pytest.raises(ValidationError):
        handover_services.handover_create(
            actor=world.paedagog,
            child=world.child,
            transition=TransitionType.OTHER,
            sending_unit=world.kindergarten,
            receiving_unit=world.nabo_unit,
            transition_date=timezone.localdate(),
            strengths="x",
            professional_view="y",
        )


def test_bad_input_gets_danish_messages_not_500s(transition):
    world = transition
    sender = client_for(world.paedagog)
    response = sender.post(
        f"/boern/{world.child.pk}/overlevering/ny/",
        {"transition": "nonsense", "receiving_unit": "x", "transition_date": "31.02.2027"},
    )
    assert response.status_code == 200
    assert "Indtast en gyldig dato" in response.content.decode()
    handover = prepare(world)
    response = sender.post(
        f"/overleveringer/{handover.pk}/samtykke/", {"guardian": "999", "how": "x"}
    )
    assert response.status_code == 200
    assert "Vælg en forælder med forældremyndighed" in response.content.decode()
    assert sender.get("/overleveringer/999999/").status_code == 404
    assert sender.get("/overleveringer/evaluering/?saeson=xx").status_code == 404  # not a leader


def test_only_parties_see_a_handover(transition):
    world = transition
    handover = sent_handover(world)
    url = f"/overleveringer/{handover.pk}/"
    for user, status in (
        (world.paedagog, 200),  # the sender
        (world.school_leader, 200),  # the receiving unit's leader
        (world.teacher, 200),  # and its staff: it was sent to the unit
        (world.guardian, 200),
        (world.outsider, 404),  # another municipality
        (world.social_worker, 404),  # not a party, no case
    ):
        assert client_for(user).get(url).status_code == status, user.username


def test_the_pdf_is_danish_and_has_no_colour_words(transition, tmp_path):
    world = transition
    handover = sent_handover(world)
    response = client_for(world.paedagog).get(f"/overleveringer/{handover.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Alma" not in response["Content-Disposition"]
    pdf = tmp_path / "h.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Overlevering · Alma Hansen" in text
    assert "Barnets ressourcer og styrker" in text
    assert "Forældrenes eget syn" in text
    assert "Side 1 af 1" in text
    lowered = text.lower()
    for word in ("grøn", "gul", "rød"):
        assert word not in lowered


def test_upcoming_transitions_list_school_start_and_the_18th_birthday(transition):
    world = transition
    today = timezone.localdate()
    world.child.birth_date = today.replace(year=today.year - 6, month=1, day=1)
    world.child.save()
    birthday = today + timedelta(days=40)
    teenager = f.ChildFactory(
        municipality=world.solby, birth_date=birthday.replace(year=birthday.year - 18)
    )
    f.EnrolmentFactory(child=teenager, group=world.school_class)
    from cases.access import grants_rebuild

    grants_rebuild(child_ids=[teenager.pk])
    school_start = today.replace(month=8, day=1)
    rows = upcoming_transitions(world.paedagog, today=school_start - timedelta(days=30))
    assert [(day, enrolment.child) for day, _reason, enrolment in rows] == [
        (school_start, world.child)
    ]
    rows = upcoming_transitions(world.teacher)
    assert [enrolment.child for _day, _reason, enrolment in rows] == [teenager]
    assert "Fylder 18" in client_for(world.teacher).get("/overleveringer/").content.decode()


def test_leaders_evaluate_a_season(transition):
    world = transition
    sent_handover(world)
    leader = client_for(world.leader)
    page = leader.get("/overleveringer/evaluering/")
    assert page.status_code == 200
    assert "Børnehave → skole og SFO" in page.content.decode()
    response = leader.post(
        "/overleveringer/evaluering/",
        {"transition": TransitionType.KINDERGARTEN_TO_SCHOOL, "text": "Besøgsdagene virkede."},
        follow=True,
    )
    assert "Besøgsdagene virkede." in response.content.decode()


def test_the_handover_list_keeps_its_queries_constant(transition, django_assert_max_num_queries):
    world = transition
    sent_handover(world)
    for _ in range(5):
        child = f.ChildFactory(municipality=world.solby)
        f.EnrolmentFactory(child=child, group=world.room)
        from cases.access import grants_rebuild

        grants_rebuild(child_ids=[child.pk])
    client = client_for(world.paedagog)
    client.get("/")
    with django_assert_max_num_queries(15):
        assert client.get("/overleveringer/").status_code == 200
