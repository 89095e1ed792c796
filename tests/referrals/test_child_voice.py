"""The child's voice and the bisidder (Barnets lov §§ 5–6): recorded on a notification, its
investigation and the dialogue meeting, seen by the intake — and by nobody else."""

import re
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals import services
from referrals.models import ChildHeard, Underretning

pytestmark = pytest.mark.django_db


def send(world):
    return services.underretning_submit(
        actor=world.teacher,
        category="child_wellbeing",
        text="Alma er ofte sulten og træt om morgenen.",
        child=world.child,
        unit=world.school,
    )


def voice(prefix="voice", **fields):
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def ids_of(page):
    return [i for i, count in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if count > 1]


def test_the_intake_records_and_sees_the_childs_voice(intake, login):
    n = send(intake)
    client = login(intake.social_worker)
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "Barnets perspektiv og bisidder" in page
    response = client.post(
        f"/underretninger/{n.pk}/barnets-perspektiv/",
        voice(
            child_heard="heard",
            child_heard_note="Samtale med Alma på skolen, med kontaktlæreren til stede.",
            bisidder_present="no",
        ),
    )
    assert response.status_code == 302
    n.refresh_from_db()
    assert (n.child_heard, n.bisidder_present) == (ChildHeard.HEARD, False)
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "Ja, barnet blev hørt" in page
    assert "Samtale med Alma på skolen" in page
    # No investigation: no form for it.
    assert "barnets-perspektiv/" in page and "undersoegelse/barnets-perspektiv/" not in page


def test_not_heard_needs_the_reason_in_danish_and_nothing_is_lost(intake, login):
    n = send(intake)
    client = login(intake.social_worker)
    response = client.post(
        f"/underretninger/{n.pk}/barnets-perspektiv/",
        voice(child_heard="not_heard", child_heard_note="  ", bisidder_present="yes"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Skriv, hvorfor barnet ikke blev hørt (Barnets lov § 5)." in page
    # What was chosen is still chosen.
    assert re.search(r'value="not_heard"[^>]*checked', page)
    assert re.search(r'value="yes"[^>]*checked', page)
    n.refresh_from_db()
    assert (n.child_heard, n.bisidder_present) == ("", None)
    # "Heard" needs how.
    page = client.post(
        f"/underretninger/{n.pk}/barnets-perspektiv/", voice(child_heard="heard")
    ).content.decode()
    assert "Skriv, hvordan barnet blev hørt." in page
    # Nonsense is a Danish error, never a 500.
    response = client.post(
        f"/underretninger/{n.pk}/barnets-perspektiv/",
        voice(child_heard="red", bisidder_present="maybe"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vælg, om barnet blev hørt." in page and "Vælg, om en bisidder deltog." in page
    # Not yet heard: the note may wait, the bisidder not decided.
    response = client.post(
        f"/underretninger/{n.pk}/barnets-perspektiv/",
        voice(child_heard="not_yet", bisidder_present=""),
    )
    assert response.status_code == 302
    n.refresh_from_db()
    assert (n.child_heard, n.bisidder_present) == (ChildHeard.NOT_YET, None)


def test_the_investigation_records_its_own(intake, login):
    n = send(intake)
    with pytest.raises(ValidationError):
        services.child_voice_record(
            actor=intake.social_worker,
            target=n,
            part="investigation",
            child_heard="heard",
            child_heard_note="Samtale",
        )
    services.underretning_assess(
        actor=intake.social_worker, underretning=n, triage="advice", outcome="investigation"
    )
    client = login(intake.social_worker)
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "Gem barnets perspektiv i undersøgelsen" in page
    assert ids_of(page) == []  # two child's-voice forms, every id once
    response = client.post(
        f"/underretninger/{n.pk}/undersoegelse/barnets-perspektiv/",
        voice(
            "investigation_voice",
            child_heard="not_heard",
            child_heard_note="Alma er to år; hendes perspektiv er belyst ved observation.",
            bisidder_present="",
        ),
    )
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.investigation_child_heard == ChildHeard.NOT_HEARD
    assert n.child_heard == ""  # the notification's own stay as they were
    page = client.get(f"/underretninger/{n.pk}/").content.decode()
    assert "hendes perspektiv er belyst ved observation" in page
    # An error on the investigation's form shows that form again, with unique ids.
    page = client.post(
        f"/underretninger/{n.pk}/undersoegelse/barnets-perspektiv/",
        voice("investigation_voice", child_heard="heard"),
    ).content.decode()
    assert "Skriv, hvordan barnet blev hørt." in page and ids_of(page) == []


def test_nobody_else_records_or_sees_it(intake, login):
    n = send(intake)
    services.child_voice_record(
        actor=intake.social_worker,
        target=n,
        child_heard="heard",
        child_heard_note="Hemmelig samtale",
        bisidder_present=True,
    )
    for user in (intake.teacher, intake.guardian, intake.outsider, intake.leader):
        client = login(user)
        response = client.post(
            f"/underretninger/{n.pk}/barnets-perspektiv/",
            voice(child_heard="not_heard", child_heard_note="x"),
        )
        assert response.status_code == 404, user
        assert client.get(f"/underretninger/{n.pk}/").status_code == 404
    assert (
        "Hemmelig samtale"
        not in login(intake.teacher).get("/underretninger/mine/").content.decode()
    )
    n.refresh_from_db()
    assert n.child_heard == ChildHeard.HEARD
    with pytest.raises(ValidationError):
        services.child_voice_record(
            actor=intake.teacher, target=n, child_heard="heard", child_heard_note="x"
        )


def _dialogue_with_meeting(world):
    dialogue = services.dialogue_start(
        actor=world.paedagog,
        child=world.child,
        unit=world.kindergarten,
        category="child_wellbeing",
        parents_conversation="Vi talte med mor om Almas søvn.",
        parents_agreed=True,
        suspected_violence=False,
    )
    day = timezone.localdate() + timedelta(days=3)
    return services.dialogue_invite(
        actor=world.leader,
        dialogue=dialogue,
        social_worker=world.social_worker,
        starts_at=timezone.make_aware(datetime.combine(day, time(9))),
        place="Mejsen",
    )


def test_the_dialogue_meetings_facts_reach_the_notifications_page(intake, login):
    dialogue = _dialogue_with_meeting(intake)
    client = login(intake.leader)
    page = client.get(f"/underretninger/dialog/{dialogue.pk}/").content.decode()
    assert "Barnets perspektiv og bisidder" in page
    response = client.post(
        f"/underretninger/dialog/{dialogue.pk}/barnets-perspektiv/",
        voice(child_heard="heard"),
    )
    assert "Skriv, hvordan barnet blev hørt." in response.content.decode()
    response = client.post(
        f"/underretninger/dialog/{dialogue.pk}/barnets-perspektiv/",
        voice(
            child_heard="heard",
            child_heard_note="Alma tegnede sin dag sammen med pædagogen før mødet.",
            bisidder_present="yes",
        ),
    )
    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert (dialogue.child_heard, dialogue.bisidder_present) == (ChildHeard.HEARD, True)
    # Others in the municipality: 404, nothing changed.
    for user in (intake.outsider, intake.guardian, intake.caseworker2, intake.teacher):
        response = login(user).post(
            f"/underretninger/dialog/{dialogue.pk}/barnets-perspektiv/",
            voice(child_heard="not_yet"),
        )
        assert response.status_code == 404, user
    dialogue.refresh_from_db()
    assert dialogue.child_heard == ChildHeard.HEARD
    # When the meeting has become the notification, the intake sees what was recorded there.
    n = send(intake)
    dialogue.underretning = n
    dialogue.save(update_fields=["underretning"])
    page = login(intake.social_worker).get(f"/underretninger/{n.pk}/").content.decode()
    assert "På dialogmødet" in page
    assert "Alma tegnede sin dag sammen med pædagogen før mødet." in page
    assert Underretning.objects.count() == 1


def test_the_social_worker_sees_the_dialogues_record_only_from_the_meeting_on(intake, login):
    dialogue = _dialogue_with_meeting(intake)
    services.child_voice_record(
        actor=intake.leader,
        target=dialogue,
        child_heard="heard",
        child_heard_note="Alma tegnede sin dag sammen med pædagogen.",
    )
    sara = login(intake.social_worker)
    # Before the meeting she knows the short type of concern only (DOMAIN.md §9).
    page = sara.get(f"/underretninger/dialog/{dialogue.pk}/").content.decode()
    assert "Alma tegnede" not in page and "Barnets perspektiv og bisidder" not in page
    with pytest.raises(ValidationError):
        services.child_voice_record(
            actor=intake.social_worker, target=dialogue, child_heard="not_yet"
        )
    # The meeting held: the notification exists, and she records and reads it too.
    services.dialogue_meeting_held(actor=intake.leader, dialogue=dialogue)
    dialogue.refresh_from_db()
    page = sara.get(f"/underretninger/dialog/{dialogue.pk}/").content.decode()
    assert "Alma tegnede" in page
    services.child_voice_record(
        actor=intake.social_worker,
        target=dialogue,
        child_heard="heard",
        child_heard_note="Alma fortalte selv på mødet.",
        bisidder_present=False,
    )
    dialogue.refresh_from_db()
    assert dialogue.bisidder_present is False
