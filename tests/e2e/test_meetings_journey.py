"""A leader creates a network meeting, records the parents' consent and invites; the tovholder
writes the minutes (autosaved), adds a decision and an action item and approves; the leader
downloads the PDF. axe-core checks every page on the way."""

import re
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Task
from meetings.models import Meeting, Minutes, MinutesStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_network_meeting_from_creation_to_pdf(world, log_in, axe_violations, tmp_path):
    leader = log_in("lone")
    leader.get_by_role("link", name="Møder").click()
    assert axe_violations(leader) == []
    leader.get_by_role("link", name="Nyt netværksmøde").click()
    leader.locator("#id_child").select_option(value=str(world.child.pk))
    leader.locator("#id_purpose").fill("Fælles aftaler om sprog og samspil")
    day = timezone.localdate() + timedelta(days=2)
    leader.locator("#id_day").fill(day.strftime("%d.%m.%Y"))
    leader.locator("#id_time").fill("14:00")
    leader.locator("#id_place").fill("Børnehaven Mejsen, mødelokalet")
    leader.locator("#id_tovholder").select_option(value=str(world.paedagog.pk))
    assert axe_violations(leader) == []
    leader.get_by_role("button", name="Gem").click()
    leader.wait_for_url("**/moeder/*/")
    meeting = Meeting.objects.get()
    assert meeting.tovholder == world.paedagog

    # Inviting first is refused with the reason.
    leader.get_by_role("button", name="Send invitationer").click()
    leader.get_by_text("Invitationerne blev ikke sendt").wait_for()

    leader.get_by_text("Tilføj en deltager").click()
    leader.locator("#deltager_kind").select_option(value="parent")
    leader.locator("#deltager_guardian").select_option(index=1)
    leader.get_by_role("button", name="Tilføj deltager").click()
    leader.get_by_text("Deltageren er tilføjet.").wait_for()
    assert axe_violations(leader) == []
    # The consent form is open while there is no consent; paper is the default.
    leader.locator("#samtykke_guardian").select_option(index=1)
    leader.locator("#samtykke_paper_date").fill(timezone.localdate().strftime("%d.%m.%Y"))
    leader.get_by_role("button", name="Registrér samtykke").click()
    leader.get_by_text("Forældrenes svar er registreret.").wait_for()
    leader.get_by_role("button", name="Send invitationer").click()
    leader.get_by_text("3 invitationer er på vej.").wait_for()

    tovholder = log_in("mette")
    tovholder.goto(f"/moeder/{meeting.pk}/")
    tovholder.get_by_role("button", name="Start referatet").click()
    tovholder.wait_for_url(f"**/moeder/{meeting.pk}/referat/")
    assert axe_violations(tovholder) == []
    tovholder.locator("#id_going_well").fill("Hun er glad for æblerne og åen ved børnehaven.")
    tovholder.locator("#autosave-status").get_by_text(re.compile(r"^Gemt kl\.")).wait_for()
    assert Minutes.objects.get().going_well.startswith("Hun er glad")
    tovholder.locator("#id_challenges").fill("Hun trækker sig i store grupper.")
    tovholder.locator("#id_agreements").fill("Små legegrupper i seks uger.")
    tovholder.get_by_role("button", name="Gem referatet").click()
    # With JavaScript the button saves through the same queue as the autosave: no self-conflict.
    for _ in range(50):
        minutes = Minutes.objects.get()
        if minutes.agreements:
            break
        tovholder.wait_for_timeout(200)
    assert (minutes.challenges, minutes.agreements) == (
        "Hun trækker sig i store grupper.",
        "Små legegrupper i seks uger.",
    )

    tovholder.get_by_text("Tilføj en beslutning").click()
    tovholder.locator("#id_text").fill("Legegrupper to gange om ugen")
    tovholder.locator("#id_reason").fill("Hun taler mere i små grupper")
    tovholder.get_by_role("button", name="Tilføj beslutning").click()
    tovholder.get_by_text("Beslutningen er tilføjet.").wait_for()
    tovholder.get_by_text("Tilføj en handling").click()
    tovholder.locator("#id_what").fill("Observation på stuen")
    tovholder.locator("#id_owner").select_option(value=str(world.leader.pk))
    tovholder.locator("#id_due_date").fill((day + timedelta(days=14)).strftime("%d.%m.%Y"))
    tovholder.get_by_role("button", name="Tilføj handling").click()
    tovholder.get_by_text("Handlingen er tilføjet.").wait_for()
    assert axe_violations(tovholder) == []
    tovholder.get_by_role("button", name="Godkend referatet").click()
    tovholder.get_by_text("Referatet er godkendt og låst.").wait_for()
    assert axe_violations(tovholder) == []
    assert Minutes.objects.get().status == MinutesStatus.APPROVED
    assert Task.objects.filter(source_type="meetings.action", owner=world.leader).exists()

    leader.goto(f"/moeder/{meeting.pk}/")
    assert axe_violations(leader) == []
    with leader.expect_download() as download:
        leader.get_by_role("link", name="De fagprofessionelles udgave, version 1 (PDF)").click()
    path = tmp_path / "referat.pdf"
    download.value.save_as(path)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "æblerne og åen" in text
    assert "Legegrupper to gange om ugen" in text
    assert "Side 1 af" in text
