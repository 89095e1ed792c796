"""The citizens' page: no login, anonymous allowed, rate-limited and protected against spam, and
a form with a missing answer comes back with every answer kept."""

import random
import string
import time

import pytest
from django.core import signing

from referrals.forms import _SIGNING_SALT
from referrals.models import Notifier, Underretning
from tests.factories import MunicipalityFactory
from trivsel.audit.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def started(seconds_ago=10):
    return signing.dumps(time.time() - seconds_ago, salt=_SIGNING_SALT)


def answers(**kwargs):
    data = {
        "name": "Hanne Nabo",
        "email": "hanne@example.invalid",
        "child_name": "Alma",
        "child_address": "Solvej 3",
        "category": "neglect",
        "text": "Barnet står ofte alene ude om aftenen.",
        "started": started(),
    }
    data.update(kwargs)
    return data


def test_it_shows_the_public_form_without_login(intake, client):
    page = client.get("/underret/901/").content.decode()
    assert "Underret kommunen om et barn" in page and "Solby Kommune" in page
    assert client.get("/underret/999/").status_code == 404


def test_a_citizen_notifies_and_it_reaches_the_queue_unmatched(intake, client, login):
    response = client.post("/underret/901/", answers())
    assert response.status_code == 302 and response["Location"] == "/underret/901/tak/"
    n = Underretning.objects.get()
    assert (n.notifier_kind, n.child, n.municipality) == (Notifier.CITIZEN, None, intake.solby)
    assert n.notifier_name == "Hanne Nabo" and n.wants_receipt
    assert AccessLogEntry.objects.filter(object_id=str(n.pk), action="create").exists()
    page = login(intake.social_worker).get("/underretninger/").content.decode()
    assert "Alma" in page and "ikke knyttet" in page


def test_anonymous_needs_no_name_and_keeps_none(intake, client):
    response = client.post(
        "/underret/901/", answers(anonymous="on", name="Skjult", email="x@example.invalid")
    )
    assert response.status_code == 302
    n = Underretning.objects.get()
    assert (n.notifier_kind, n.notifier_name, n.notifier_email) == (Notifier.ANONYMOUS, "", "")


def test_missing_answers_come_back_with_every_answer_kept(intake, client):
    response = client.post("/underret/901/", answers(name="", text="", child_cpr="170521-4123"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Skriv dit navn, eller vælg at være anonym." in page
    assert "Feltet skal udfyldes." in page
    for kept in ("hanne@example.invalid", "Solvej 3", "170521-4123", 'value="neglect" selected'):
        assert kept in page, kept
    assert Underretning.objects.count() == 0


def test_the_honeypot_and_a_too_fast_answer_are_refused(intake, client):
    page = client.post("/underret/901/", answers(website="http://spam")).content.decode()
    assert "Formularen kunne ikke sendes" in page
    page = client.post("/underret/901/", answers(started=started(0))).content.decode()
    assert "Formularen kunne ikke sendes" in page
    page = client.post("/underret/901/", answers(started="forged")).content.decode()
    assert "Formularen kunne ikke sendes" in page
    assert Underretning.objects.count() == 0
    # The form that comes back can be sent again as it is (a person who was just quick).
    response = client.post("/underret/901/", answers(started=started(0)))
    assert "Barnet står ofte alene ude om aftenen." in response.content.decode()


def test_it_is_rate_limited_per_connection(intake, client):
    for _ in range(5):
        assert client.post("/underret/901/", answers()).status_code == 302
    response = client.post("/underret/901/", answers())
    assert response.status_code == 429
    assert "For mange underretninger fra denne forbindelse" in response.content.decode()
    assert Underretning.objects.count() == 5
    other = client.post("/underret/901/", answers(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_behind_a_proxy_each_citizen_has_their_own_limit_and_cannot_choose_it(
    intake, client, settings
):
    """With PROXY_COUNT=1 the proxy's own address (REMOTE_ADDR) is the same for everyone: the
    limit follows the address the proxy appended, and an address the sender put in front of
    it changes nothing."""
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(5):
        spoofed = f"203.0.113.{n}, 198.51.100.7"  # the first part is the sender's own claim
        response = client.post("/underret/901/", answers(), HTTP_X_FORWARDED_FOR=spoofed, **proxy)
        assert response.status_code == 302
    blocked = client.post("/underret/901/", answers(), HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert blocked.status_code == 429
    neighbour = client.post(
        "/underret/901/", answers(), HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy
    )
    assert neighbour.status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(intake, client):
    for n in range(5):
        forwarded = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        assert client.post("/underret/901/", answers(), **forwarded).status_code == 302
    response = client.post("/underret/901/", answers(), HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_random_input_never_gives_a_500(intake, client):
    rng = random.Random(7)
    fields = list(answers()) + ["anonymous", "suspected_violence", "website", "phone"]
    for _ in range(40):
        data = {
            field: "".join(
                rng.choice(string.printable + "æøå\x00") for _ in range(rng.randint(0, 300))
            )
            for field in rng.sample(fields, rng.randint(0, len(fields)))
        }
        response = client.post("/underret/901/", data, REMOTE_ADDR=f"10.1.0.{rng.randint(1, 250)}")
        # Noise is never a complete report: the form comes back with its errors, in Danish.
        assert response.status_code == 200, data


def test_the_intake_matches_the_child_from_the_cpr_the_citizen_gave(intake, client, login):
    client.post("/underret/901/", answers(child_cpr="170521-4123"))
    n = Underretning.objects.get()
    worker = login(intake.social_worker)
    page = worker.get(f"/underretninger/{n.pk}/").content.decode()
    assert 'value="170521-4123"' in page
    worker.post(f"/underretninger/{n.pk}/barn/", {"cpr": "170521-4123"})
    n.refresh_from_db()
    assert n.child == intake.child


def test_the_login_page_links_to_the_public_form(intake, client):
    for url in ("/log-ind/", "/"):
        page = client.get(url, follow=True).content.decode()
        assert '<a href="/underret/">Er du bekymret for et barn?</a>' in page, url


def test_with_several_municipalities_the_citizen_chooses_hers(intake, client):
    page = client.get("/underret/")
    assert page.status_code == 200
    text = page.content.decode()
    for municipality in (intake.solby, intake.nabo_kommune):
        link = f'<a href="/underret/{municipality.code}/">{municipality.name}</a>'
        assert link in text
        assert client.get(f"/underret/{municipality.code}/").status_code == 200
    # Nothing but the names and their links: no login, no data of either municipality.
    assert "Log ud" not in text and "Mejse" not in text


def test_with_one_municipality_the_link_leads_straight_to_its_form(client):
    MunicipalityFactory(name="Solby Kommune", code="901")
    response = client.get("/underret/")
    assert response.status_code == 302 and response["Location"] == "/underret/901/"
