"""The guardians' view of the access log never tells a mother that a notification of concern
exists — whatever route it came by and whatever the intake did with it (DOMAIN.md §5, exception
path; the allow-list is trivsel.audit.rules)."""

import pytest
from django.test import Client

from referrals import services as referrals
from referrals.models import DialogueUnderretning, Underretning
from tests.factories import received
from trivsel.audit.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def guardian_log(world, login):
    """What the mother's page shows: one table row per entry, and the page's text."""
    client = Client()  # her own browser: no messages left from the staff's requests
    client.force_login(world.guardian)
    page = client.get(f"/boern/{world.child.pk}/adgangslog/")
    assert page.status_code == 200
    return page.content.decode().count("<tr>") - 1, page.content.decode()


def notify_from_the_professional_form(world, login):
    response = login(world.teacher).post(
        "/underretninger/ny/",
        {
            "child": world.child.pk,
            "unit": world.school.pk,
            "category": "violence",
            "text": "Alma har mærker på armene.",
            "suspected_violence": "on",
        },
    )
    assert response.status_code == 302
    assert Underretning.objects.get().child == world.child


def notify_through_the_public_form(world, login):
    underretning = referrals.underretning_submit_public(
        municipality=world.solby,
        anonymous=False,
        category="neglect",
        text="Pigen fra nr. 7 er alene hjemme om aftenen.",
        name="En nabo",
        email="nabo@example.org",
        child_cpr="170521-4123",
    )
    login(world.social_worker).post(
        f"/underretninger/{underretning.pk}/barn/", {"cpr": "170521-4123"}
    )
    underretning.refresh_from_db()
    assert underretning.child == world.child


def write_down_a_phone_call(world, login):
    client = login(world.social_worker)
    client.post(
        "/underretninger/modtaget/",
        {
            "notifier_kind": "professional",
            "channel": "phone",
            **received(hours_ago=1),
            "notifier_name": "Lægen",
            "notifier_role": "Praktiserende læge",
            "notifier_workplace": "Lægehuset",
            "child_name_given": "Alma Hansen",
            "category": "neglect",
            "text": "Lægen ringede.",
        },
    )
    underretning = Underretning.objects.latest("pk")
    client.post(f"/underretninger/{underretning.pk}/barn/", {"cpr": "1705214123"})
    underretning.refresh_from_db()
    assert underretning.child == world.child


def handle_it_in_the_intake(world, login):
    underretning = referrals.underretning_submit(
        actor=world.teacher,
        category="child_wellbeing",
        text="Alma er sulten.",
        child=world.child,
        unit=world.school,
    )
    client = login(world.social_worker)
    url = f"/underretninger/{underretning.pk}"
    client.get(f"{url}/")
    client.post(f"{url}/tildel/", {"caseworker": world.social_worker.pk})
    client.post(f"{url}/vurder/", {"triage": "investigation", "outcome": "investigation"})
    client.post(f"{url}/kvittering/", {"receipt-via": "email"})
    client.post(f"{url}/tilbagemelding/", {"feedback-via": "in_product"})
    client.post(f"{url}/undersoegelse/")
    underretning.refresh_from_db()
    assert underretning.assigned_to == world.social_worker
    assert underretning.assessed_at and underretning.receipt_sent_at
    assert underretning.feedback_sent_at and underretning.status == "investigating"
    # The caseworker's statutory look at the record.
    assert client.get(f"/boern/{world.child.pk}/").status_code == 200


def start_the_dialogue_route(world, login):
    login(world.paedagog).post(
        "/underretninger/dialog/ny/",
        {
            "child": world.child.pk,
            "unit": world.kindergarten.pk,
            "category": "child_wellbeing",
            "parents_conversation": "Vi talte med mor om Almas søvn.",
            "parents_agreed": "on",
        },
    )
    dialogue = DialogueUnderretning.objects.get()
    assert login(world.leader).get(f"/underretninger/dialog/{dialogue.pk}/").status_code == 200


ROUTES = [
    notify_from_the_professional_form,
    notify_through_the_public_form,
    write_down_a_phone_call,
    handle_it_in_the_intake,
    start_the_dialogue_route,
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.__name__)
def test_the_mother_never_learns_of_a_notification_from_the_log(intake, login, route):
    login(intake.paedagog).get(f"/boern/{intake.child.pk}/")  # day-to-day, on her enrolment
    rows_before, _page = guardian_log(intake, login)
    assert rows_before == 1
    last = AccessLogEntry.objects.latest("pk").pk

    route(intake, login)

    written = AccessLogEntry.objects.filter(pk__gt=last, child_id=intake.child.pk)
    assert written.exists()  # the route did look at the child, and it is logged for the admins
    rows_after, page = guardian_log(intake, login)
    assert rows_after == rows_before
    for words in ("underretning", "Underretning", "Tildel", "Vurdér", "Kvittering"):
        assert words not in page
