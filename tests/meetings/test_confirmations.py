"""Minutes confirmed by everyone present (the dialogue-based notification's minutes are signed by
all): the tovholder records who was present, each present participant confirms the version with
their own login or orally at the meeting, and approval waits for all of them. A meeting without
the flag approves as before."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import MinutesConfirmation, MinutesStatus
from tests.meetings.conftest import confirm, participant, version_of, write_minutes
from tests.meetings.test_pdf import pdf_text
from trivsel.audit.models import AccessLogEntry, Basis

pytestmark = pytest.mark.django_db


def everyone_but_kim_present(world):
    present = world.meeting.participants.exclude(user=world.kim)
    services.attendance_record(actor=world.paedagog, minutes=world.minutes, present=present)


def add_bisidder(world, name="Birthe"):
    """Someone without a login of their own: the tovholder records their confirmation."""
    return services.participant_add(
        actor=world.leader, meeting=world.meeting, kind="bisidder", name=name, role="Bisidder"
    )


def approval_refusal(world):
    with pytest.raises(ValidationError) as refused:
        services.minutes_approve(actor=world.paedagog, minutes=world.minutes)
    return " ".join(refused.value.messages)


def test_it_refuses_approval_until_attendance_is_recorded_and_everyone_present_confirmed(
    confirming,
):
    birthe = add_bisidder(confirming)
    message = approval_refusal(confirming)
    assert "Registrér hvem der var til stede ved mødet" in message
    assert "Kim" in message and "Maria" in message

    everyone_but_kim_present(confirming)
    message = approval_refusal(confirming)
    assert "Ikke bekræftet endnu" in message
    for name in ("Lone", "Mette", "Maria"):
        assert name in message
    assert "Kim" not in message  # absent: not asked to confirm

    confirm(confirming.leader, confirming.minutes)
    confirm(confirming.paedagog, confirming.minutes)
    message = approval_refusal(confirming)
    assert "Maria" in message and "Lone" not in message and "Mette" not in message

    confirm(confirming.guardian, confirming.minutes)  # with her own login
    message = approval_refusal(confirming)
    assert "Birthe" in message and "Maria" not in message
    services.minutes_confirmation_record(
        actor=confirming.paedagog,
        minutes=confirming.minutes,
        participant=birthe,
        version=version_of(confirming.minutes),
    )
    approved = services.minutes_approve(actor=confirming.paedagog, minutes=confirming.minutes)
    assert approved.status == MinutesStatus.APPROVED
    methods = dict(
        MinutesConfirmation.objects.filter(minutes=approved).values_list(
            "participant__name", "method"
        )
    )
    assert sorted(methods.values()) == ["login", "login", "login", "meeting"]
    assert methods["Birthe"] == "meeting"


def test_a_meeting_without_the_flag_approves_as_before(consented):
    minutes = write_minutes(consented, consented.meeting, agreements="Aftale")
    with pytest.raises(ValidationError, match="uden bekræftelser"):
        confirm(consented.paedagog, minutes)
    approved = services.minutes_approve(actor=consented.paedagog, minutes=minutes)
    assert approved.status == MinutesStatus.APPROVED


def test_only_those_present_and_on_the_list_confirm(confirming):
    everyone_but_kim_present(confirming)
    with pytest.raises(ValidationError, match="Kim .* er ikke registreret som til stede"):
        confirm(confirming.kim, confirming.minutes)
    with pytest.raises(ValidationError, match="ikke på mødets deltagerliste"):
        confirm(confirming.teacher, confirming.minutes)
    with pytest.raises(ValidationError, match="Kun tovholderen"):
        services.minutes_confirmation_record(
            actor=confirming.leader,
            minutes=confirming.minutes,
            participant=participant(confirming, confirming.guardian),
            version=version_of(confirming.minutes),
        )
    with pytest.raises(ValidationError, match="Kun tovholderen registrerer"):
        services.attendance_record(actor=confirming.leader, minutes=confirming.minutes, present=[])
    assert not MinutesConfirmation.objects.exists()


def test_marking_someone_absent_drops_their_confirmation(confirming):
    everyone_but_kim_present(confirming)
    confirm(confirming.leader, confirming.minutes)
    present = [participant(confirming, u) for u in (confirming.paedagog, confirming.guardian)]
    services.attendance_record(
        actor=confirming.paedagog, minutes=confirming.minutes, present=present
    )
    assert not MinutesConfirmation.objects.exists()
    assert "Lone" not in approval_refusal(confirming)


def test_a_change_to_the_draft_clears_the_confirmations(confirming):
    everyone_but_kim_present(confirming)
    minutes = confirming.minutes
    confirm(confirming.leader, minutes)
    # Saving the same words again changes nothing.
    services.minutes_update(
        actor=confirming.paedagog, minutes=minutes, lock=minutes.lock, agreements=minutes.agreements
    )
    assert MinutesConfirmation.objects.count() == 1
    services.minutes_update(
        actor=confirming.paedagog, minutes=minutes, lock=minutes.lock, agreements="Andre ord."
    )
    assert not MinutesConfirmation.objects.exists()
    confirm(confirming.leader, minutes)
    services.decision_add(actor=confirming.paedagog, minutes=minutes, text="Ny", reason="Fordi")
    assert not MinutesConfirmation.objects.exists()


def test_a_correction_needs_its_own_confirmations(confirming):
    everyone_but_kim_present(confirming)
    for user in (confirming.leader, confirming.paedagog, confirming.guardian):
        confirm(user, confirming.minutes)
    approved = services.minutes_approve(actor=confirming.paedagog, minutes=confirming.minutes)
    with pytest.raises(ValidationError, match="allerede godkendt"):
        confirm(confirming.kim, approved)
    with pytest.raises(ValidationError, match="allerede godkendt"):
        services.attendance_record(actor=confirming.paedagog, minutes=approved, present=[])
    correction = services.minutes_new_version(
        actor=confirming.paedagog, minutes=approved, reason="Forkert dato"
    )
    confirming.minutes = correction
    message = approval_refusal(confirming)
    for name in ("Lone", "Mette", "Maria"):
        assert name in message
    confirm(confirming.leader, correction)
    assert MinutesConfirmation.objects.filter(minutes=approved).count() == 3
    # Someone whose confirmation is part of approved minutes stays on the list.
    with pytest.raises(ValidationError, match="bliver på listen"):
        services.participant_remove(
            actor=confirming.leader, participant=participant(confirming, confirming.leader)
        )


def test_the_tovholder_records_attendance_and_oral_confirmations_on_the_editor(confirming, login):
    birthe = add_bisidder(confirming)
    client = login(confirming.paedagog)
    page = client.get(f"/moeder/{confirming.meeting.pk}/referat/").content.decode()
    assert "Bekræftelse af referatet" in page and "Hvem var til stede ved mødet?" in page
    assert "<legend" in page
    present = [participant(confirming, confirming.paedagog).pk, birthe.pk]
    page = client.post(
        f"/moeder/referat/{confirming.minutes.pk}/fremmoede/", {"present": present}, follow=True
    ).content.decode()
    assert "Fremmødet er registreret." in page
    version = {"version": version_of(confirming.minutes)}
    page = client.post(
        f"/moeder/referat/{confirming.minutes.pk}/bekraeft/{birthe.pk}/", version, follow=True
    ).content.decode()
    assert "Bekræftelsen fra Birthe" in page
    assert "På mødet, registreret af tovholderen" in page
    confirmation = MinutesConfirmation.objects.get()
    stamp = timezone.localtime(confirmation.confirmed_at).strftime("%d.%m.%Y %H:%M")
    assert f"Bekræftet {stamp}" in page
    page = client.post(f"/moeder/referat/{confirming.minutes.pk}/bekraeft/", version, follow=True)
    assert "Du har bekræftet referatet." in page.content.decode()
    page = client.post(f"/moeder/referat/{confirming.minutes.pk}/godkend/", follow=True)
    assert "Referatet er godkendt og låst." in page.content.decode()


def test_a_present_participant_reads_the_draft_and_confirms_with_their_own_login(confirming, login):
    everyone_but_kim_present(confirming)
    url = f"/moeder/referat/{confirming.minutes.pk}/bekraeft/"
    maria = login(confirming.guardian)
    page = maria.get(f"/moeder/{confirming.meeting.pk}/").content.decode()
    assert url in page
    page = maria.get(url).content.decode()
    assert "små legegrupper" in page
    assert "tidligere bekymring" not in page  # the parents' copy: no internal notes
    version = {"version": version_of(confirming.minutes)}
    page = maria.post(url, version, follow=True).content.decode()
    assert "Du har bekræftet denne version af referatet." in page
    assert MinutesConfirmation.objects.get().method == "login"
    entry = AccessLogEntry.objects.filter(actor=confirming.guardian, basis=Basis.GUARDIAN)
    assert entry.exists()

    # Kim is on the list but was absent: the selector gives him the 404 of anyone else, logged.
    kim = login(confirming.kim)
    assert kim.get(url).status_code == 404
    assert kim.post(url, version).status_code == 404
    assert AccessLogEntry.objects.filter(actor=confirming.kim, basis=Basis.DENIED).count() == 2
    assert MinutesConfirmation.objects.count() == 1


@pytest.mark.parametrize("persona", ["teacher", "social_worker", "outsider"])
def test_anyone_else_gets_404_and_the_attempt_is_logged(confirming, login, persona):
    user = getattr(confirming, persona)
    client = login(user)
    minutes = confirming.minutes
    for url in (
        f"/moeder/referat/{minutes.pk}/bekraeft/",
        f"/moeder/referat/{minutes.pk}/fremmoede/",
        f"/moeder/referat/{minutes.pk}/bekraeft/{participant(confirming, confirming.leader).pk}/",
    ):
        assert client.post(url).status_code == 404, url
    assert client.get(f"/moeder/referat/{minutes.pk}/bekraeft/").status_code == 404
    assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()
    assert not MinutesConfirmation.objects.exists()


def test_bad_input_never_gives_a_500(confirming, login):
    client = login(confirming.paedagog)
    minutes = confirming.minutes
    for data in ({"present": ["abc"]}, {"present": ["999999"]}, {"present": ["1e9", ""]}, {}):
        response = client.post(f"/moeder/referat/{minutes.pk}/fremmoede/", data, follow=True)
        assert response.status_code == 200
    page = client.post(
        f"/moeder/referat/{minutes.pk}/fremmoede/", {"present": ["abc"]}, follow=True
    ).content.decode()
    assert "Vælg blandt mødets deltagere." in page
    assert client.post("/moeder/referat/999999/bekraeft/").status_code == 404
    # The chair (an organiser, not the tovholder) is told why, not shown an error page.
    page = login(confirming.leader).post(
        f"/moeder/referat/{minutes.pk}/fremmoede/",
        {"present": [participant(confirming, confirming.leader).pk]},
        follow=True,
    )
    assert page.status_code == 200
    assert "Kun tovholderen registrerer" in page.content.decode()
    # Someone not present, recorded orally by the tovholder: refused with a message.
    birthe = add_bisidder(confirming)
    services.attendance_record(actor=confirming.paedagog, minutes=minutes, present=[])
    page = (
        login(confirming.paedagog)
        .post(
            f"/moeder/referat/{minutes.pk}/bekraeft/{birthe.pk}/",
            {"version": version_of(minutes)},
            follow=True,
        )
        .content.decode()
    )
    assert "Birthe" in page and "er ikke registreret som til stede" in page


def test_the_pdf_lists_who_confirmed(confirming, login):
    everyone_but_kim_present(confirming)
    for user in (confirming.leader, confirming.paedagog, confirming.guardian):
        confirm(user, confirming.minutes)
    services.minutes_approve(actor=confirming.paedagog, minutes=confirming.minutes)
    response = login(confirming.paedagog).get(f"/moeder/referat/{confirming.minutes.pk}/pdf/")
    text = pdf_text(response.content)
    assert "Bekræftet af de tilstedeværende" in text
    assert "Med eget login" in text and "Maria" in text


def test_the_minutes_pages_keep_a_fixed_number_of_queries(
    confirming, login, django_assert_max_num_queries
):
    for i in range(10):
        services.participant_add(
            actor=confirming.leader,
            meeting=confirming.meeting,
            kind="external",
            name=f"Gæst {i}",
            role="Ekstern",
        )
    everyone_but_kim_present(confirming)
    confirm(confirming.leader, confirming.minutes)
    editor = f"/moeder/{confirming.meeting.pk}/referat/"
    client = login(confirming.paedagog)
    client.get(editor)  # the first request after logging in also saves the session
    # The editor was at 12 before the section; attendance and confirmations add two.
    with django_assert_max_num_queries(14):
        assert client.get(editor).status_code == 200
    confirm_page = f"/moeder/referat/{confirming.minutes.pk}/bekraeft/"
    client = login(confirming.guardian)
    client.get(confirm_page)
    with django_assert_max_num_queries(15):
        assert client.get(confirm_page).status_code == 200


def test_a_new_date_in_the_draft_clears_the_confirmations(confirming):
    everyone_but_kim_present(confirming)
    minutes = confirming.minutes
    confirm(confirming.leader, minutes)
    services.minutes_update(
        actor=confirming.paedagog,
        minutes=minutes,
        lock=minutes.lock,
        next_meeting=timezone.localdate() + timedelta(days=30),
    )
    assert not MinutesConfirmation.objects.exists()
