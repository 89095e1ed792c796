"""The dialogue-based route in the browser: the pædagog records the parents' agreement, the
leader plans the meeting with the socialrådgiver, the pædagog invites the parents; after the
meeting the leader (tovholder) records who was present, and the intake sees the notification at
once, its 24-hour clock running from the meeting's time; the socialrådgiver, the pædagog and the
mother (a guardian with a login of her own, so the leader cannot record it for her) confirm the
minutes with their own login, and once everyone present has confirmed and the leader approved,
the minutes are the notification's content. Then a referral to PPR is answered, and an anonymous
consultation counted. axe-core checks every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.access import grants_rebuild
from meetings import services as meetings
from meetings.models import Meeting
from referrals.models import DialogueUnderretning, Referral, Underretning
from tests import factories as f
from trivsel.organisation.models import Role, UnitType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dialogue_route_referral_and_consultation(world, log_in, axe_violations):
    intake = f.UnitFactory(municipality=world.solby, name="Modtagelsen", type=UnitType.INTAKE)
    world.social_worker.staff_profile.units.add(intake)
    ppr = f.UnitFactory(municipality=world.solby, name="PPR Solby", type=UnitType.PPR)
    f.StaffFactory(
        user=f.UserFactory(username="pia", municipality=world.solby, first_name="Pia"),
        roles=[Role.PPR_PSYCHOLOGIST],
        units=[ppr],
    )
    grants_rebuild(child_ids=[world.child.pk])

    mette = log_in("mette")
    mette.get_by_role("link", name="Underretninger").click()
    assert axe_violations(mette) == []
    mette.get_by_role("link", name="Start en dialogbaseret underretning").click()
    mette.locator("#id_child").select_option(label="Alma Hansen")
    mette.get_by_label("Din enhed").select_option(label="Børnehaven Mejsen")
    mette.get_by_label("Hvad drejer bekymringen sig om?").select_option(
        label="Barnets adfærd eller trivsel"
    )
    mette.get_by_label("Samtalen med forældrene").fill("Vi talte med mor om Almas søvn.")
    mette.get_by_role("button", name="Gem").click()
    mette.get_by_text("Forældrene skal være indforstået").first.wait_for()
    assert axe_violations(mette) == []
    mette.locator("label[for=id_parents_agreed]").click()
    mette.get_by_role("button", name="Gem").click()
    mette.get_by_text("Forældrenes tilsagn er registreret.").wait_for()
    assert axe_violations(mette) == []
    dialogue_url = mette.url

    lone = log_in("lone")
    lone.goto(dialogue_url)
    assert axe_violations(lone) == []
    lone.locator("#id_social_worker").select_option(index=1)
    day = timezone.localdate() + timedelta(days=3)
    lone.get_by_label("Dag").fill(day.strftime("%d.%m.%Y"))
    lone.get_by_label("Tidspunkt").fill("09:00")
    lone.get_by_label("Sted").fill("Mejsen, mødelokalet")
    lone.get_by_role("button", name="Planlæg mødet").click()
    lone.get_by_text("Mødet er planlagt, og socialrådgiveren er inviteret.").wait_for()

    mette.reload()
    mette.get_by_role("button", name="Invitér forældrene").click()
    mette.get_by_text("Forældrene er på mødets deltagerliste.").wait_for()

    sara = log_in("sara")
    sara.goto(dialogue_url)
    assert sara.get_by_text("Barnets adfærd eller trivsel").is_visible()
    assert sara.get_by_text("Alma").count() == 0  # only the short type beforehand
    assert axe_violations(sara) == []

    dialogue = DialogueUnderretning.objects.get()
    meeting = dialogue.meeting
    # The day comes: the meeting began two hours ago (planned three days ahead above).
    held_at = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=held_at)
    meetings.network_consent_record(
        actor=world.leader,
        meeting=meeting,
        guardian=world.child.guardians.get(),
        paper_date=timezone.localdate(),
    )
    minutes = meetings.minutes_start(actor=world.leader, meeting=meeting)
    minutes.agreements = "Familien får tilbud om familiebehandling."
    minutes.save()

    # The leader, tovholder, records who was present; approval waits for their confirmations.
    lone.goto(f"/moeder/{meeting.pk}/referat/")
    lone.get_by_role("heading", name="Bekræftelse af referatet").wait_for()
    attendance = lone.get_by_role("group", name="Hvem var til stede ved mødet?")
    for label in attendance.locator("label").all():
        label.click()  # the design system draws the box on the label
    assert attendance.get_by_role("checkbox", checked=False).count() == 0
    lone.get_by_role("button", name="Gem fremmødet").click()
    lone.get_by_text("Fremmødet er registreret.").wait_for()
    assert axe_violations(lone) == []

    # The meeting is held: the intake has the notification now, received at the meeting's time,
    # the 24-hour assessment due 24 hours after it — confirmations or not.
    received = Underretning.objects.get()
    assert received.received_at == held_at and received.minutes is None
    sara.goto("/underretninger/")
    sara.get_by_text("Dialogbaseret underretning").first.wait_for()
    sara.goto(f"/underretninger/{received.pk}/")
    due = timezone.localtime(held_at + timedelta(hours=24)).strftime("%d.%m.%Y %H:%M")
    assessment = sara.get_by_role("row", name=re.compile("Vurdering inden for 24 timer"))
    assert due in assessment.inner_text() and "frist om" in assessment.inner_text()
    assert axe_violations(sara) == []
    lone.get_by_role("button", name="Godkend referatet").click()
    refusal = lone.get_by_text("Ikke bekræftet endnu:").first
    refusal.wait_for()
    assert "Sara" in refusal.inner_text() and "Mette" in refusal.inner_text()

    lone.goto(f"/moeder/{meeting.pk}/referat/")
    assert lone.get_by_role("button", name=re.compile("Bekræftet på mødet")).count() == 0

    maria = log_in("maria")
    for colleague in (sara, mette, maria):
        colleague.goto(f"/moeder/{meeting.pk}/")
        colleague.get_by_role("link", name="Læs og bekræft referatet").click()
        colleague.get_by_text("Familien får tilbud om familiebehandling.").wait_for()
        assert axe_violations(colleague) == []
        colleague.get_by_role("button", name="Bekræft referatet").click()
        colleague.get_by_text("Du har bekræftet referatet.").wait_for()
        assert axe_violations(colleague) == []

    lone.goto(f"/moeder/{meeting.pk}/referat/")
    lone.get_by_role("button", name="Bekræft referatet").click()
    lone.get_by_text("Du har bekræftet referatet.").wait_for()
    assert lone.get_by_text("Med eget login").count() == 4
    assert axe_violations(lone) == []
    assert Underretning.objects.get().minutes is None
    lone.get_by_role("button", name="Godkend referatet").click()
    lone.get_by_text("Referatet er godkendt og låst.").wait_for()
    n = Underretning.objects.get()
    assert n.route == "dialogue" and n.minutes_id and n.received_at == held_at
    sara.goto("/underretninger/")
    assert sara.get_by_text("Dialogbaseret underretning").first.is_visible()

    # A referral is made with the parents: the child first, then their consent with it.
    mette.goto("/henvisninger/ny/")
    assert axe_violations(mette) == []
    mette.locator("#id_barn").select_option(label="Alma Hansen")
    mette.get_by_role("button", name="Næste").click()
    mette.get_by_label("Fra").select_option(label="Børnehaven Mejsen")
    mette.get_by_label("Til", exact=True).select_option(label="PPR Solby")
    mette.get_by_label("Hvad henvisningen drejer sig om").fill("Sproglige udfordringer")
    mette.get_by_text("Et møde", exact=True).click()
    mette.get_by_label("Forælder, der giver samtykke").select_option(label="Maria Jensen")
    mette.get_by_role("button", name="Send henvisningen").click()
    mette.get_by_text("Indtast datoen på papirsamtykket.").first.wait_for()
    assert axe_violations(mette) == []
    mette.get_by_label("Dato på papirsamtykket").fill(timezone.localdate().strftime("%d.%m.%Y"))
    mette.get_by_role("button", name="Send henvisningen").click()
    mette.get_by_text("Henvisningen er sendt.").wait_for()
    assert Referral.objects.get().consent.recipient_units.get().name == "PPR Solby"

    pia = log_in("pia")
    pia.goto("/henvisninger/")
    assert axe_violations(pia) == []
    pia.get_by_role("link", name=timezone.localdate().strftime("%d.%m.%Y")).first.click()
    assert axe_violations(pia) == []
    pia.get_by_text("Tag imod", exact=True).click()
    pia.get_by_label("Begrundelse").fill("Vi ringer til forældrene i morgen.")
    pia.get_by_role("button", name="Gem svaret").click()
    pia.get_by_text("Svaret er gemt.").wait_for()
    assert Referral.objects.get().status == "accepted"

    sara.goto("/sparring/")
    assert axe_violations(sara) == []
    sara.get_by_label("Enheden der spurgte").select_option(label="Åskolen")
    sara.get_by_label("Emne, uden navne").fill("En elev med meget fravær")
    sara.get_by_role("button", name="Tæl sparringen med").click()
    sara.get_by_text("Sparringen er talt med.").wait_for()
    assert axe_violations(sara) == []
