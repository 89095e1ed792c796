"""Issue #13, hole 5: a referral no longer bypasses the access engine. It records a real consent
(cases.services.consent_record) naming the receiving unit, and the receiving unit sees the child
and the referral only through that consent, only while it is in force; the sender keeps seeing
the referral as sent. A referral to the social-work side never shows in the guardians' log."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services as case_services
from cases.models import Consent, ConsentStatus, DataKind
from referrals import services
from referrals.models import Referral
from trivsel.audit.models import AccessLogEntry, Basis, Topic
from trivsel.audit.selectors import access_log_for_guardian
from trivsel.notifications.models import Notification

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def day(d):
    return d.strftime("%d.%m.%Y")


def refer(world, **overrides):
    arguments = {
        "actor": world.paedagog,
        "child": world.child,
        "from_unit": world.kindergarten,
        "to_unit": world.ppr,
        "reason": "Sproglige udfordringer i samling",
        "proposal": "meeting",
        "guardian": world.child.guardians.get(),
        "kinds": [DataKind.BASIC, DataKind.SCREENING],
        "valid_until": TODAY() + timedelta(days=120),
        "paper_date": TODAY() - timedelta(days=1),
    }
    arguments.update(overrides)
    return services.referral_create(**arguments)


def test_a_referral_records_the_parents_consent_naming_the_receiving_unit(ppr, login):
    referral = refer(ppr)
    consent = referral.consent
    assert consent.status == ConsentStatus.GIVEN
    assert consent.kinds == [DataKind.BASIC, DataKind.SCREENING]
    assert list(consent.recipient_units.all()) == [ppr.ppr]
    assert not consent.recipient_roles and not consent.recipient_people.exists()
    assert consent.purpose.startswith("Henvisning fra Børnehaven Mejsen til PPR Solby")
    assert consent.valid_from == TODAY() and consent.valid_until == TODAY() + timedelta(days=120)
    assert consent.paper_date == TODAY() - timedelta(days=1)
    assert consent.recorded_by == ppr.paedagog
    # The guardian sees it on the child's page, is told, and can withdraw it like any consent.
    assert Notification.objects.filter(recipient=ppr.guardian).exists()
    page = login(ppr.guardian).get(f"/boern/{ppr.child.pk}/").content.decode()
    assert "Henvisning fra Børnehaven Mejsen til PPR Solby" in page
    assert f"/samtykke/{consent.pk}/tilbagekald/" in page


def test_the_receiver_sees_the_child_only_while_the_consent_is_in_force(ppr, login):
    referral = refer(ppr)
    pia = login(ppr.psychologist)
    page = pia.get(f"/henvisninger/{referral.pk}/")
    assert page.status_code == 200
    assert "Alma Hansen" in page.content.decode()
    assert "Sproglige udfordringer i samling" in page.content.decode()
    assert AccessLogEntry.objects.filter(
        actor=ppr.psychologist, child_id=ppr.child.pk, basis=Basis.CONSENT
    ).exists()
    # The engine gives the receiving unit the child: the kinds the parents chose, no more.
    assert pia.get(f"/boern/{ppr.child.pk}/").status_code == 200
    assert f'href="/henvisninger/{referral.pk}/"' in pia.get("/henvisninger/").content.decode()

    case_services.consent_withdraw(actor=ppr.guardian, consent=referral.consent)
    assert pia.get(f"/henvisninger/{referral.pk}/").status_code == 404
    assert pia.get(f"/boern/{ppr.child.pk}/").status_code == 404
    triage = pia.get("/henvisninger/").content.decode()
    assert f'href="/henvisninger/{referral.pk}/"' not in triage
    assert "kan ikke længere læse henvisningen" in triage
    with pytest.raises(ValidationError):
        services.referral_answer(actor=ppr.psychologist, referral=referral, accept=True, reason="x")

    # The sender keeps seeing it as sent.
    mette = login(ppr.paedagog)
    page = mette.get(f"/henvisninger/{referral.pk}/")
    assert page.status_code == 200
    assert "Venter på svar" in page.content.decode()
    assert "Tilbagekaldt eller udløbet" in page.content.decode()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("paedagog", 200),
        ("leader", 200),
        ("psychologist", 200),
        ("teacher", 404),
        ("social_worker", 404),
        ("outsider", 404),
        ("guardian", 404),
    ],
)
def test_who_reads_a_referral(ppr, login, persona, status):
    referral = refer(ppr)
    user = getattr(ppr, persona)
    response = login(user).get(f"/henvisninger/{referral.pk}/")
    assert response.status_code == status
    looks = AccessLogEntry.objects.filter(actor=user)
    if status == 200:
        assert "Sproglige udfordringer" in response.content.decode()
        assert looks.filter(child_id=ppr.child.pk).exclude(basis=Basis.DENIED).exists()
    else:
        assert "Sproglige udfordringer" not in response.content.decode()
        assert looks.filter(basis=Basis.DENIED).exists()


def test_a_referral_waiting_for_the_guardians_login_opens_nothing_until_she_confirms(ppr, login):
    referral = refer(ppr, paper=False, paper_date=None)
    assert referral.consent.status == ConsentStatus.AWAITING_GUARDIAN
    assert login(ppr.psychologist).get(f"/henvisninger/{referral.pk}/").status_code == 404
    assert Notification.objects.filter(recipient=ppr.guardian).exists()
    login(ppr.guardian).post(f"/samtykke/{referral.consent.pk}/svar/", {"answer": "accept"})
    assert login(ppr.psychologist).get(f"/henvisninger/{referral.pk}/").status_code == 200


def test_an_old_referral_without_a_consent_gives_the_receiver_nothing(ppr, login):
    old = Referral.objects.create(
        municipality=ppr.solby,
        child=ppr.child,
        from_unit=ppr.kindergarten,
        to_unit=ppr.ppr,
        reason="Sendt før samtykket fulgte med",
        proposal="meeting",
        sent_by=ppr.paedagog,
    )
    pia = login(ppr.psychologist)
    assert pia.get(f"/henvisninger/{old.pk}/").status_code == 404
    assert pia.get(f"/boern/{ppr.child.pk}/").status_code == 404
    assert "Intet samtykke registreret" in pia.get("/henvisninger/").content.decode()
    assert login(ppr.paedagog).get(f"/henvisninger/{old.pk}/").status_code == 200


def test_a_referral_to_the_social_work_side_never_shows_in_the_guardians_log(ppr, login):
    referral = refer(ppr, to_unit=ppr.authority)
    assert login(ppr.social_worker).get(f"/henvisninger/{referral.pk}/").status_code == 200
    entries = AccessLogEntry.objects.filter(child_id=ppr.child.pk)
    # The consent, the referral and the social worker's look.
    assert entries.count() == 3
    assert set(entries.values_list("topic", flat=True)) == {Topic.SOCIAL_WORK}
    assert list(access_log_for_guardian(child_id=ppr.child.pk)) == []


def test_a_referral_to_ppr_shows_in_the_guardians_log_as_sharing_under_consent(ppr, login):
    referral = refer(ppr)
    login(ppr.psychologist).get(f"/henvisninger/{referral.pk}/")
    looks = AccessLogEntry.objects.filter(actor=ppr.psychologist, child_id=ppr.child.pk)
    assert looks.get().topic == Topic.CONSENT
    assert AccessLogEntry.objects.get(object_type="referrals.referral").topic == Topic.CONSENT


def test_the_consent_of_a_referral_keeps_the_rules_of_every_consent(ppr):
    with pytest.raises(ValidationError) as error:
        refer(ppr, kinds=[DataKind.BASIC, DataKind.NOTIFICATIONS])
    assert "kinds" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        refer(ppr, valid_until=TODAY() + timedelta(days=400))
    assert "valid_until" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        refer(ppr, kinds=[DataKind.SCREENING])
    assert "kinds" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        refer(ppr, paper_date=None)
    assert "paper_date" in error.value.error_dict
    assert not Referral.objects.exists() and not Consent.objects.exists()


def test_the_referral_form_asks_for_the_child_then_the_parents_consent(ppr, login):
    client = login(ppr.paedagog)
    page = client.get("/henvisninger/ny/").content.decode()
    assert "Alma Hansen" in page and "Næste" in page
    url = f"/henvisninger/ny/?barn={ppr.child.pk}"
    page = client.get(url).content.decode()
    assert "Maria" in page
    assert "Forælder, der giver samtykke" in page
    assert 'value="notifications"' not in page
    data = {
        "from_unit": ppr.kindergarten.pk,
        "to_unit": ppr.ppr.pk,
        "reason": "Sproglige udfordringer",
        "proposal": "meeting",
        "guardian": ppr.child.guardians.get().pk,
        "kinds": [DataKind.BASIC],
        "evidence": "paper",
        "valid_until": day(TODAY() + timedelta(days=90)),
    }
    page = client.post(url, data).content.decode()
    assert "Indtast datoen på papirsamtykket" in page
    assert not Referral.objects.exists()
    response = client.post(url, {**data, "paper_date": day(TODAY())})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent.paper_date == TODAY()
    assert list(referral.consent.recipient_units.all()) == [ppr.ppr]


def test_only_staff_who_may_record_consent_about_the_child_refer_it(ppr, login):
    for user in (ppr.psychologist, ppr.outsider, ppr.guardian, ppr.social_worker):
        response = login(user).get(f"/henvisninger/ny/?barn={ppr.child.pk}")
        assert response.status_code == 404, user
        assert "Alma" not in response.content.decode()
    with pytest.raises(ValidationError):
        refer(ppr, actor=ppr.psychologist, from_unit=ppr.ppr, to_unit=ppr.authority)


def test_a_referral_to_the_social_work_side_is_listed_only_to_those_it_concerns(ppr, login):
    """Like the social-work side's involvement, a consent naming it tells of a case: the guardian,
    the sender and the receiving unit see it; a colleague reading the child under another
    consent does not, nor in the timeline."""
    # Pia (PPR) reads Alma's basic data under the parents' consent to PPR.
    refer(ppr, kinds=[DataKind.BASIC])
    referral = refer(ppr, to_unit=ppr.authority)
    consent = referral.consent
    purpose = "Henvisning fra Børnehaven Mejsen til Familieafdelingen"
    for user in (ppr.guardian, ppr.paedagog, ppr.social_worker):
        page = login(user).get(f"/boern/{ppr.child.pk}/").content.decode()
        assert purpose in page, user
    page = login(ppr.psychologist).get(f"/boern/{ppr.child.pk}/").content.decode()
    assert purpose not in page
    # Withdrawing it is the social-work side's too: never in the guardians' log.
    case_services.consent_withdraw(actor=ppr.guardian, consent=consent)
    entries = AccessLogEntry.objects.filter(object_id=str(consent.pk), object_type="cases.consent")
    assert entries.exists()
    assert set(entries.values_list("topic", flat=True)) == {Topic.SOCIAL_WORK}
    assert (
        not access_log_for_guardian(child_id=ppr.child.pk)
        .filter(object_id=str(consent.pk))
        .exists()
    )
