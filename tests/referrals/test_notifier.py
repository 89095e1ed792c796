"""Who notified, not how it came, decides § 137 (issue #16, point 1): a professional's letter or
phone call written down by the intake gets the receipt and the feedback, the receipt by letter
when there is no e-mail, the feedback never by e-mail; the clocks start when the municipality
received it; an anonymous notifier stays anonymous."""

import random
import re
import string
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals import services
from referrals.models import Underretning
from tests import factories as f

pytestmark = pytest.mark.django_db

RECORD = "/underretninger/modtaget/"


def record(client, hours_ago=1, **fields):
    data = {
        "notifier_kind": "professional",
        "channel": "letter",
        **f.received(hours_ago=hours_ago),
        "notifier_name": "Kim Holm",
        "notifier_role": "Politiassistent",
        "notifier_workplace": "Fyns Politi",
        "child_name_given": "Alma",
        "category": "neglect",
        "text": "Politiet var kaldt ud til adressen i nat.",
    }
    data.update(fields)
    return client.post(RECORD, data)


def ways(page, step):
    return set(re.findall(rf'name="{step}-via" value="([a-z_]+)"', page))


def test_a_letter_from_the_police_counts_as_professional(intake, login):
    client = login(intake.social_worker)
    assert record(client).status_code == 302
    n = Underretning.objects.get()
    assert (n.notifier_kind, n.channel, n.notifier_workplace) == (
        "professional",
        "letter",
        "Fyns Politi",
    )
    assert n.wants_receipt and n.wants_feedback
    assert n.receipt_due_at is not None
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "Send kvitteringen" in page and "Fyns Politi" in page
    assert "Kvittering til underretteren" in page  # the receipt's clock is on the page
    services.underretning_assess(
        actor=intake.social_worker, underretning=n, triage="investigation", outcome="investigation"
    )
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "Giv underretteren tilbagemelding" in page


def test_a_professional_who_phones_without_an_email_gets_a_receipt_by_letter(intake, login):
    client = login(intake.social_worker)
    record(client, channel="phone", notifier_email="", notifier_phone="")
    n = Underretning.objects.get()
    assert n.receipt_due_at is not None and n.wants_receipt
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert ways(page, "receipt") == {"letter"}
    response = client.post(f"/underretninger/{n.pk}/kvittering/", {"receipt-via": "email"})
    assert response.status_code == 200
    assert "Vælg, hvordan den sendes." in response.content.decode()
    with pytest.raises(ValidationError, match="Underretteren kan ikke nås på den måde"):
        services.underretning_send_receipt(actor=intake.social_worker, underretning=n, via="email")
    n.refresh_from_db()
    assert n.receipt_sent_at is None
    response = client.post(f"/underretninger/{n.pk}/kvittering/", {"receipt-via": "letter"})
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.receipt_via == "letter" and n.receipt_sent_at is not None


def test_the_clock_starts_when_the_phone_call_came_not_when_it_was_typed(intake, login):
    client = login(intake.social_worker)
    record(client, hours_ago=1, channel="phone")
    n = Underretning.objects.get()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    assert abs(n.received_at - an_hour_ago) < timedelta(minutes=2)
    assert n.assessment_due_at == n.received_at + timedelta(hours=24)
    assert n.next_deadline == n.assessment_due_at


def test_a_received_time_in_the_future_is_refused_in_danish(intake, login):
    client = login(intake.social_worker)
    response = record(client, hours_ago=-2)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Modtagelsestidspunktet kan ikke ligge i fremtiden." in page
    assert "Politiet var kaldt ud til adressen i nat." in page  # nothing typed is lost
    assert not Underretning.objects.exists()


def test_an_anonymous_notifiers_name_and_email_are_not_kept(intake, login):
    client = login(intake.social_worker)
    response = record(
        client,
        notifier_kind="anonymous",
        channel="phone",
        notifier_name="Hemmelig Nabo",
        notifier_email="nabo@example.org",
        notifier_phone="12345678",
    )
    assert response.status_code == 302
    n = Underretning.objects.get()
    assert (n.notifier_name, n.notifier_email, n.notifier_phone, n.notifier_role) == ("",) * 4
    assert not n.wants_receipt and n.receipt_due_at is None
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "Hemmelig Nabo" not in page and "nabo@example.org" not in page


def test_the_feedback_is_never_offered_by_email(intake, login):
    # A teacher with a login and an e-mail: the receipt may go by e-mail, the feedback not.
    n = services.underretning_submit(
        actor=intake.teacher,
        category="neglect",
        text="Alma er sulten.",
        child=intake.child,
        unit=intake.school,
    )
    assert n.notifier_email
    services.underretning_assess(
        actor=intake.social_worker, underretning=n, triage="advice", outcome="no_action"
    )
    client = login(intake.social_worker)
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert ways(page, "receipt") == {"email", "in_product", "letter"}
    assert ways(page, "feedback") == {"in_product", "letter"}
    start = page.index("Tilbagemelding til den fagperson, der underrettede (§ 137)")
    feedback = page[start : page.index("Giv underretteren tilbagemelding", start)]
    assert "I Trivsel+" in feedback and "Med brev" in feedback and "Med e-mail" not in feedback
    response = client.post(f"/underretninger/{n.pk}/tilbagemelding/", {"feedback-via": "email"})
    assert response.status_code == 200
    assert "Vælg, hvordan den sendes." in response.content.decode()
    with pytest.raises(ValidationError, match="Underretteren kan ikke nås på den måde"):
        services.underretning_send_feedback(actor=intake.social_worker, underretning=n, via="email")
    n.refresh_from_db()
    assert n.feedback_sent_at is None
    client.post(f"/underretninger/{n.pk}/tilbagemelding/", {"feedback-via": "letter"})
    client.post(f"/underretninger/{n.pk}/kvittering/", {"receipt-via": "in_product"})
    n.refresh_from_db()
    assert (n.feedback_via, n.receipt_via) == ("letter", "in_product")
    # The notifier's own page shows how each was sent.
    page = login(intake.teacher).get("/underretninger/mine/").content.decode()
    assert "Med brev" in page and "I Trivsel+" in page


def test_bad_input_on_the_new_fields_never_gives_a_500(intake, login):
    client = login(intake.social_worker)
    response = record(
        client,
        notifier_kind="police",
        channel="fax",
        received_day="31.02.2026",
        received_time="25:61",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vælg, hvem der underrettede." in page
    assert "Vælg hvordan underretningen blev modtaget." in page
    # A professional without role or workplace: told in Danish.
    page = record(client, notifier_role="", notifier_workplace="").content.decode()
    assert "Skriv, hvor fagpersonen arbejder." in page
    rng = random.Random(16)
    fields = ["notifier_kind", "channel", "received_day", "received_time", "notifier_workplace"]
    for _ in range(30):
        noise = {
            field: "".join(
                rng.choice(string.printable + "æøå§") for _ in range(rng.randint(0, 300))
            )
            for field in rng.sample(fields, rng.randint(1, len(fields)))
        }
        assert record(client, **noise).status_code in (200, 302), noise
    assert Underretning.objects.filter(received_at__gt=timezone.now()).count() == 0
