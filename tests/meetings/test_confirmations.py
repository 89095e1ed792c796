"""Minutes confirmed by everyone present (the dialogue-based notification's minutes are signed by
all): the tovholder records who was present, each present participant confirms the version with
their own login or orally at the meeting, and approval waits for all of them. A meeting without
the flag approves as before."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meetings import selectors, services
from meetings.models import MinutesConfirmation, MinutesStatus, Participant
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
    # Jonas is not on the list, so the parents' consent gives him nothing: not the minutes.
    with pytest.raises(PermissionDenied):
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


def test_a_parent_who_got_a_login_after_being_listed_is_shown_the_link(confirming, login):
    everyone_but_kim_present(confirming)
    row = confirming.meeting.participants.get(kind="parent")
    Participant.objects.filter(pk=row.pk).update(user=None)  # listed before her login existed
    page = login(confirming.guardian).get(f"/moeder/{confirming.meeting.pk}/").content.decode()
    assert f"/moeder/referat/{confirming.minutes.pk}/bekraeft/" in page


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


# --- The reviewer's points ----------------------------------------------------------------------


def test_a_confirmation_of_words_that_have_changed_since_is_refused(confirming, login):
    everyone_but_kim_present(confirming)
    minutes = confirming.minutes
    birthe = add_bisidder(confirming)
    services.attendance_record(
        actor=confirming.paedagog,
        minutes=minutes,
        present=confirming.meeting.participants.exclude(user=confirming.kim),
    )
    read = version_of(minutes)
    # A decision, an action item or a new text after the page was read: the words moved on.
    services.decision_add(actor=confirming.paedagog, minutes=minutes, text="Ny", reason="Fordi")
    assert version_of(minutes) > read
    with pytest.raises(ValidationError, match="Referatet er ændret, siden du åbnede det"):
        services.minutes_confirm(actor=confirming.leader, minutes=minutes, version=read)
    with pytest.raises(ValidationError, match="Referatet er ændret, siden du åbnede det"):
        services.minutes_confirmation_record(
            actor=confirming.paedagog, minutes=minutes, participant=birthe, version=read
        )
    read = version_of(minutes)
    services.action_item_add(actor=confirming.paedagog, minutes=minutes, what="Ring til mor")
    with pytest.raises(ValidationError, match="Læs det igen, før du bekræfter"):
        services.minutes_confirm(actor=confirming.leader, minutes=minutes, version=read)
    assert not MinutesConfirmation.objects.exists()

    # Through the page: the version it showed is posted back; an old one is refused.
    maria = login(confirming.guardian)
    url = f"/moeder/referat/{minutes.pk}/bekraeft/"
    page = maria.get(url).content.decode()
    assert f'name="version" value="{version_of(minutes)}"' in page
    stale = version_of(minutes)
    services.minutes_update(
        actor=confirming.paedagog, minutes=minutes, lock=stale, agreements="Andre aftaler."
    )
    for data in ({"version": stale}, {}, {"version": "abc"}):
        page = maria.post(url, data, follow=True).content.decode()
        assert "Referatet er ændret, siden du åbnede det. Læs det igen, før du bekræfter." in page
    assert not MinutesConfirmation.objects.exists()
    maria.post(url, {"version": version_of(minutes)})
    assert MinutesConfirmation.objects.get().participant.user == confirming.guardian


def test_someone_recorded_present_stays_on_the_list_while_the_draft_waits(confirming):
    everyone_but_kim_present(confirming)
    maria = participant(confirming, confirming.guardian)
    for organiser in (confirming.leader, confirming.paedagog):
        with pytest.raises(ValidationError, match="registreret som til stede ved mødet"):
            services.participant_remove(actor=organiser, participant=maria)
    assert confirming.meeting.participants.filter(pk=maria.pk).exists()
    # Kim was absent: he may leave the list.
    services.participant_remove(
        actor=confirming.leader, participant=participant(confirming, confirming.kim)
    )
    confirm(confirming.leader, confirming.minutes)
    confirm(confirming.paedagog, confirming.minutes)
    assert "Maria" in approval_refusal(confirming)


def test_the_tovholder_records_a_confirmation_only_for_those_without_a_login(confirming, login):
    birthe = add_bisidder(confirming)
    alma = services.participant_add(
        actor=confirming.leader, meeting=confirming.meeting, kind="child", name="Alma", role="Barn"
    )
    services.attendance_record(
        actor=confirming.paedagog,
        minutes=confirming.minutes,
        present=confirming.meeting.participants.all(),
    )
    for user in (confirming.leader, confirming.kim, confirming.guardian):
        with pytest.raises(ValidationError, match="har sit eget login og bekræfter selv"):
            services.minutes_confirmation_record(
                actor=confirming.paedagog,
                minutes=confirming.minutes,
                participant=participant(confirming, user),
                version=version_of(confirming.minutes),
            )
    assert not MinutesConfirmation.objects.exists()
    page = login(confirming.paedagog).get(f"/moeder/{confirming.meeting.pk}/referat/")
    page = page.content.decode()
    for p in (birthe, alma):
        assert f"/moeder/referat/{confirming.minutes.pk}/bekraeft/{p.pk}/" in page
    for user in (confirming.leader, confirming.kim, confirming.guardian, confirming.paedagog):
        pk = participant(confirming, user).pk
        assert f"/moeder/referat/{confirming.minutes.pk}/bekraeft/{pk}/" not in page


def test_attendance_is_fixed_once_a_version_is_approved(confirming):
    everyone_but_kim_present(confirming)
    for user in (confirming.leader, confirming.paedagog, confirming.guardian):
        confirm(user, confirming.minutes)
    approved = services.minutes_approve(actor=confirming.paedagog, minutes=confirming.minutes)
    correction = services.minutes_new_version(
        actor=confirming.paedagog, minutes=approved, reason="Forkert dato"
    )
    confirming.minutes = correction
    with pytest.raises(ValidationError, match="Fremmødet er en del af det godkendte referat"):
        services.attendance_record(
            actor=confirming.paedagog,
            minutes=correction,
            present=[participant(confirming, confirming.paedagog)],
        )
    assert set(
        confirming.meeting.participants.filter(present=True).values_list("user_id", flat=True)
    ) == {confirming.leader.pk, confirming.paedagog.pk, confirming.guardian.pk}
    # Someone put on the list afterwards was not at the meeting.
    late = add_bisidder(confirming, "Sent tilføjet")
    assert late.present is False
    message = approval_refusal(confirming)
    assert "Sent tilføjet" not in message and "Registrér" not in message
    for name in ("Lone", "Mette", "Maria"):
        assert name in message


def test_the_pdf_names_only_the_parents_present(confirming):
    def parents_present():
        context = selectors.pdf_context(confirming.minutes.pk, variant="parent")
        return [p.guardian_id for p in context["parents_present"]]

    # Before attendance is recorded: the parents on the list.
    assert parents_present() == [confirming.guardian_row.pk]
    services.attendance_record(
        actor=confirming.paedagog,
        minutes=confirming.minutes,
        present=[participant(confirming, confirming.paedagog)],
    )
    assert parents_present() == []
    everyone_but_kim_present(confirming)
    assert parents_present() == [confirming.guardian_row.pk]


def test_the_confirm_page_is_for_organisers_and_those_present(confirming, login):
    url = f"/moeder/referat/{confirming.minutes.pk}/bekraeft/"
    # Before attendance is recorded, and when recorded absent: the same 404, logged.
    for recorded in (False, True):
        if recorded:
            services.attendance_record(
                actor=confirming.paedagog,
                minutes=confirming.minutes,
                present=[participant(confirming, confirming.paedagog)],
            )
        for user in (confirming.guardian, confirming.kim):
            AccessLogEntry.objects.all().delete()
            client = login(user)
            assert client.get(url).status_code == 404
            assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()
    # The chair, an organiser, reads it without being present.
    assert login(confirming.leader).get(url).status_code == 200


def test_parents_neither_read_nor_confirm_a_draft_with_colour_words(confirming, login):
    everyone_but_kim_present(confirming)
    minutes = confirming.minutes
    services.minutes_update(
        actor=confirming.paedagog,
        minutes=minutes,
        lock=version_of(minutes),
        agreements="Alma er i en gul position; vi prøver små legegrupper.",
    )
    url = f"/moeder/referat/{minutes.pk}/bekraeft/"
    maria = login(confirming.guardian)
    page = maria.get(url).content.decode()
    assert "Referatet er ikke klar til forældrene endnu." in page
    assert "små legegrupper" not in page and 'name="version"' not in page
    page = maria.post(url, {"version": version_of(minutes)}, follow=True).content.decode()
    assert "Referatet er ikke klar til forældrene endnu." in page
    assert not MinutesConfirmation.objects.exists()
    # Staff read and confirm; the tovholder sees why among the approval problems.
    page = login(confirming.paedagog).get(url).content.decode()
    assert "gul position" in page
    confirm(confirming.paedagog, minutes)
    assert "farveord (gul)" in approval_refusal(confirming)
    # Once the words are plain, the parents read and confirm.
    services.minutes_update(
        actor=confirming.paedagog,
        minutes=minutes,
        lock=version_of(minutes),
        agreements="Vi prøver små legegrupper i seks uger.",
    )
    assert "små legegrupper" in login(confirming.guardian).get(url).content.decode()
    confirm(confirming.guardian, minutes)


def test_a_forged_participant_id_gets_a_danish_message(confirming, login):
    client = login(confirming.paedagog)
    minutes = confirming.minutes
    other_meeting = services.network_meeting_create(
        actor=confirming.leader,
        child=confirming.child,
        purpose="Et andet møde",
        starts_at=confirming.meeting.starts_at,
        place="Et andet sted",
        tovholder=confirming.paedagog,
    )
    elsewhere = services.participant_add(
        actor=confirming.leader, meeting=other_meeting, kind="external", name="Anden", role="Gæst"
    )
    for pk in (999999, elsewhere.pk):
        response = client.post(
            f"/moeder/referat/{minutes.pk}/bekraeft/{pk}/",
            {"version": version_of(minutes)},
            follow=True,
        )
        assert response.status_code == 200
        assert "Kun mødets deltagere bekræfter" in response.content.decode()
    assert not MinutesConfirmation.objects.exists()


def test_the_flag_reads_as_a_requirement():
    from django.utils import translation

    from meetings.models import Meeting

    with translation.override("da"):
        label = str(Meeting._meta.get_field("minutes_need_confirmation").verbose_name)
    assert label == "referatet skal bekræftes af alle tilstedeværende"
