"""The meeting pages: the access matrix (the right people see them and it is logged, everyone
else gets 404 and the attempt is logged), the editor's autosave, bad input and query counts."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from meetings import services
from meetings.models import Minutes, MinutesConfirmation, MinutesStatus
from tests.meetings.conftest import at, version_of, write_minutes
from trivsel.audit.models import AccessLogEntry, Basis

PERSONAS = ["paedagog", "leader", "kim", "teacher", "social_worker", "outsider", "guardian"]


@pytest.fixture
def approved(consented):
    minutes = write_minutes(consented, consented.meeting, agreements="Små legegrupper")
    services.minutes_approve(actor=consented.paedagog, minutes=minutes)
    consented.minutes = minutes
    return consented


def matrix(world):
    meeting, minutes = world.meeting.pk, world.minutes.pk
    organisers, parents = {"paedagog", "leader"}, {"guardian"}
    return [
        # (method, address, data, who may, their answer): the minutes are approved, so their
        # editor sends the organisers back to the meeting's page.
        ("get", f"/moeder/{meeting}/", {}, organisers | parents, 200),
        ("get", f"/moeder/{meeting}/referat/", {}, organisers, 302),
        ("get", f"/moeder/referat/{minutes}/pdf/", {}, organisers | parents, 200),
        ("get", f"/moeder/referat/{minutes}/pdf/?udgave=parent", {}, organisers | parents, 200),
        ("get", f"/moeder/referat/{minutes}/ny-version/", {}, organisers, 200),
    ]


@pytest.fixture
def confirming_present(confirming):
    """The draft of a meeting that needs confirmation; everyone but Kim was present, with a
    bisidder without a login whose confirmation the tovholder records."""
    world = confirming
    world.bisidder = services.participant_add(
        actor=world.leader, meeting=world.meeting, kind="bisidder", name="Birthe", role="Bisidder"
    )
    world.present = list(
        world.meeting.participants.exclude(user=world.kim).values_list("pk", flat=True)
    )
    services.attendance_record(actor=world.paedagog, minutes=world.minutes, present=world.present)
    return world


def confirmation_matrix(world):
    minutes = world.minutes.pk
    organisers = {"paedagog", "leader"}
    version = {"version": version_of(world.minutes)}
    return [
        # Those recorded present read and confirm; Kim, recorded absent, is not among them.
        ("get", f"/moeder/referat/{minutes}/bekraeft/", {}, organisers | {"guardian"}, 200),
        ("post", f"/moeder/referat/{minutes}/bekraeft/", version, organisers | {"guardian"}, 302),
        (
            "post",
            f"/moeder/referat/{minutes}/fremmoede/",
            {"present": world.present},
            organisers,
            302,
        ),
        (
            "post",
            f"/moeder/referat/{minutes}/bekraeft/{world.bisidder.pk}/",
            version,
            organisers,
            302,
        ),
    ]


def check_matrix(world, login, persona, rows):
    user = getattr(world, persona)
    client = login(user)
    for method, url, data, allowed, answer in rows:
        AccessLogEntry.objects.all().delete()
        response = getattr(client, method)(url, data)
        if persona in allowed:
            assert response.status_code == answer, (url, persona, response.status_code)
            entry = AccessLogEntry.objects.filter(actor=user, child_id=world.child.pk).first()
            assert entry is not None and entry.basis != Basis.DENIED, (url, persona)
        else:
            assert response.status_code == 404, (url, persona, response.status_code)
            assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists(), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_access_matrix_of_a_network_meeting(approved, login, persona):
    check_matrix(approved, login, persona, matrix(approved))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_access_matrix_of_the_confirmation_of_the_minutes(confirming_present, login, persona):
    world = confirming_present
    check_matrix(world, login, persona, confirmation_matrix(world))
    if persona not in {"paedagog", "leader", "guardian"}:
        assert not MinutesConfirmation.objects.exists()


def test_a_parent_gets_the_parents_copy_whatever_they_ask_for(approved, login):
    response = login(approved.guardian).get(f"/moeder/referat/{approved.minutes.pk}/pdf/")
    assert response.status_code == 200
    assert "foraeldre" in response["Content-Disposition"]


def test_a_parent_never_sees_a_draft(consented, login):
    minutes = write_minutes(consented, consented.meeting, going_well="Udkast")
    response = login(consented.guardian).get(f"/moeder/referat/{minutes.pk}/pdf/")
    assert response.status_code == 404


def test_being_invited_does_not_open_the_childs_other_data(consented, login):
    services.participant_add(
        actor=consented.leader, meeting=consented.meeting, kind="staff", user=consented.teacher
    )
    client = login(consented.teacher)
    # On the list, but not covered by the parents' consent: no meeting, no child.
    assert client.get(f"/moeder/{consented.meeting.pk}/").status_code == 404
    assert client.get(f"/boern/{consented.child.pk}/").status_code == 404


def test_organisers_see_the_meeting_before_the_consent_participants_do_not(network, login):
    assert login(network.leader).get(f"/moeder/{network.meeting.pk}/").status_code == 200
    page = login(network.paedagog).get(f"/moeder/{network.meeting.pk}/").content.decode()
    assert "Registrér forældrenes samtykke til formål og deltagere" in page
    services.participant_add(
        actor=network.leader, meeting=network.meeting, kind="staff", user=network.teacher
    )
    assert login(network.teacher).get(f"/moeder/{network.meeting.pk}/").status_code == 404


def test_a_forum_meeting_hides_agenda_items_about_children_without_a_basis(forum, login):
    services.forum_consent_record(
        actor=forum.paedagog,
        forum=forum.forum,
        child=forum.child,
        guardian=forum.child.guardians.get(),
        purpose="Drøftelse i teamet",
        valid_until=timezone.localdate() + timedelta(days=60),
        paper_date=timezone.localdate(),
    )
    services.agenda_item_add(
        actor=forum.paedagog,
        meeting=forum.forum_meeting,
        kind="child",
        child=forum.child,
        title="Sprog og samspil",
    )
    assert (
        "Alma" in login(forum.paedagog).get(f"/moeder/{forum.forum_meeting.pk}/").content.decode()
    )
    services.participant_add(
        actor=forum.leader, meeting=forum.forum_meeting, kind="staff", user=forum.teacher
    )
    page = login(forum.teacher).get(f"/moeder/{forum.forum_meeting.pk}/").content.decode()
    assert "Alma" not in page
    assert "1 punkt om et barn" in page
    assert login(forum.outsider).get(f"/moeder/{forum.forum_meeting.pk}/").status_code == 404


# --- The editor ---------------------------------------------------------------------------------


def _fields(minutes, **changes):
    data = {"lock": minutes.lock, "going_well": "", "challenges": "", "next_meeting": ""}
    data.update(changes)
    return data


def test_autosave_saves_and_announces(consented, login):
    client = login(consented.paedagog)
    client.post(f"/moeder/{consented.meeting.pk}/referat/", {"start": "1"})
    minutes = Minutes.objects.get(meeting=consented.meeting)
    response = client.post(
        f"/moeder/{consented.meeting.pk}/referat/",
        _fields(minutes, going_well="Hun er glad for børnehaven"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Gemt kl." in response.content.decode()
    assert "announce" in response["HX-Trigger"]
    assert f'value="{minutes.lock + 1}"' in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.going_well == "Hun er glad for børnehaven"


def test_a_second_editor_gets_a_conflict_warning(consented, login):
    minutes = write_minutes(consented, consented.meeting)
    stale = minutes.lock
    services.minutes_update(actor=consented.leader, minutes=minutes, lock=stale, going_well="Lone")
    client = login(consented.paedagog)
    response = client.post(
        f"/moeder/{consented.meeting.pk}/referat/",
        {"lock": stale, "going_well": "Mette"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Ikke gemt" in response.content.decode()
    assert 'name="lock"' not in response.content.decode()  # the stale lock stays stale
    page = client.post(
        f"/moeder/{consented.meeting.pk}/referat/", {"lock": stale, "going_well": "Mette"}
    ).content.decode()
    assert "Nogen andre har gemt referatet" in page
    assert "Mette" in page and "Lone" in page  # both texts on screen: nothing is lost
    minutes.refresh_from_db()
    assert minutes.going_well == "Lone"


def test_editing_approved_minutes_leads_to_a_new_version_only(approved, login):
    client = login(approved.paedagog)
    response = client.post(
        f"/moeder/{approved.meeting.pk}/referat/",
        {"lock": approved.minutes.lock + 1, "going_well": "Ændret"},
        follow=True,
    )
    assert "Start en ny version" in response.content.decode()
    assert Minutes.objects.get(pk=approved.minutes.pk).going_well == ""
    response = client.post(
        f"/moeder/referat/{approved.minutes.pk}/ny-version/", {"reason": "Stavefejl"}
    )
    assert response.status_code == 302
    assert Minutes.objects.filter(meeting=approved.meeting, status=MinutesStatus.DRAFT).count() == 1


def test_approving_with_problems_shows_clear_danish_errors(consented, login):
    minutes = write_minutes(consented, consented.meeting)
    services.action_item_add(actor=consented.paedagog, minutes=minutes, what="Ringe til PPR")
    page = (
        login(consented.paedagog)
        .post(f"/moeder/referat/{minutes.pk}/godkend/", follow=True)
        .content.decode()
    )
    assert "Handlingen “Ringe til PPR” mangler hvem og hvornår." in page
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.DRAFT


def test_the_tovholder_approves_and_the_leader_sees_the_approved_version(consented, login):
    minutes = write_minutes(consented, consented.meeting, agreements="Aftale")
    response = login(consented.paedagog).post(f"/moeder/referat/{minutes.pk}/godkend/", follow=True)
    assert "Referatet er godkendt og låst." in response.content.decode()
    page = login(consented.leader).get(f"/moeder/{consented.meeting.pk}/").content.decode()
    assert "Godkendt" in page


@pytest.mark.parametrize(
    "url, data, answer",
    [
        ("/moeder/{m}/referat/", {"lock": "abc", "next_meeting": "32.13.2020"}, 200),
        ("/moeder/{m}/referat/", {"lock": "1", "next_meeting": "01.01.9999"}, 200),
        ("/moeder/{m}/deltagere/", {"kind": "nonsense"}, 302),
        ("/moeder/{m}/deltagere/", {"kind": "external", "name": "", "role": ""}, 302),
        ("/moeder/{m}/deltagere/", {"kind": "parent", "guardian": "999999"}, 302),
        ("/moeder/{m}/samtykke/", {"guardian": "x", "evidence": "maybe"}, 302),
        ("/moeder/referat/{r}/beslutning/", {"text": "", "reason": ""}, 302),
        ("/moeder/referat/{r}/handling/", {"what": "x" * 400, "due_date": "i morgen"}, 302),
        ("/moeder/referat/{r}/handling/", {"what": "x", "owner": "-1"}, 302),
    ],
)
def test_bad_input_gives_an_answer_never_a_500(consented, login, url, data, answer):
    """A form on its own page comes back with its errors (200); a small form on the meeting's
    page sends the user back there with the error as a message (302)."""
    minutes = write_minutes(consented, consented.meeting)
    client = login(consented.paedagog)
    response = client.post(url.format(m=consented.meeting.pk, r=minutes.pk), data)
    assert response.status_code == answer
    if answer == 302:
        assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


def test_bad_input_when_creating_a_network_meeting(world, login):
    client = login(world.leader)
    page = client.post(
        "/moeder/netvaerksmoede/ny/",
        {"child": world.child.pk, "purpose": "", "day": "31.02.2027", "time": "25:00"},
    ).content.decode()
    assert "Ret venligst følgende" in page or "form-error" in page
    other = client.post(
        "/moeder/netvaerksmoede/ny/",
        {
            "child": world.child.pk,
            "purpose": "Fælles plan",
            "day": (timezone.localdate() + timedelta(days=3)).strftime("%d.%m.%Y"),
            "time": "10:00",
            "place": "Mejsen",
            "tovholder": world.outsider.pk,
        },
    )
    assert other.status_code == 200  # the tovholder from another municipality is no choice


# --- Query counts -----------------------------------------------------------------------------


def _many_meetings(world, count):
    for i in range(count):
        services.forum_meeting_create(
            actor=world.leader,
            forum=world.forum,
            title=f"Møde {i}",
            starts_at=at(20 + i),
            place="Personalerummet",
            tovholder=world.paedagog,
        )


def test_the_meeting_list_has_a_fixed_number_of_queries(
    forum, network, login, django_assert_max_num_queries
):
    _many_meetings(forum, 15)
    client = login(forum.leader)
    with django_assert_max_num_queries(15):
        response = client.get("/moeder/")
    assert response.content.decode().count("/moeder/") >= 16


def test_the_forum_page_has_a_fixed_number_of_queries(forum, login, django_assert_max_num_queries):
    _many_meetings(forum, 15)
    client = login(forum.paedagog)
    with django_assert_max_num_queries(15):
        assert client.get(f"/moeder/forum/{forum.forum.pk}/").status_code == 200


def test_the_meeting_page_has_a_fixed_number_of_queries(
    approved, login, django_assert_max_num_queries
):
    for i in range(10):
        services.participant_add(
            actor=approved.leader,
            meeting=approved.meeting,
            kind="external",
            name=f"Gæst {i}",
            role="Ekstern",
        )
    client = login(approved.leader)
    with django_assert_max_num_queries(30):
        assert client.get(f"/moeder/{approved.meeting.pk}/").status_code == 200


def test_the_tovholder_role_is_handed_over_and_the_new_one_approves(consented, login):
    minutes = write_minutes(consented, consented.meeting, agreements="Aftale")
    consented.paedagog.is_active = False
    consented.paedagog.save()
    page = (
        login(consented.leader)
        .post(
            f"/moeder/{consented.meeting.pk}/tovholder/",
            {"tovholder": consented.kim.pk},
            follow=True,
        )
        .content.decode()
    )
    assert "Tovholderrollen er overdraget." in page
    consented.meeting.refresh_from_db()
    assert consented.meeting.tovholder == consented.kim
    services.network_consent_record(
        actor=consented.leader,
        meeting=consented.meeting,
        guardian=consented.guardian_row,
        paper_date=timezone.localdate(),
    )
    services.minutes_approve(actor=consented.kim, minutes=minutes)


def test_the_next_meeting_is_suggested_from_the_cadence(forum, login):
    page = login(forum.leader).get(f"/moeder/forum/{forum.forum.pk}/nyt-moede/").content.decode()
    suggested = timezone.localdate(forum.forum_meeting.starts_at) + timedelta(
        days=forum.forum.cadence_days
    )
    assert suggested.strftime("%d.%m.%Y") in page
    response = login(forum.leader).post(
        f"/moeder/forum/{forum.forum.pk}/nyt-moede/",
        {
            "title": "Teammøde",
            "day": suggested.strftime("%d.%m.%Y"),
            "time": "09:00",
            "place": "Personalerummet",
            "tovholder": forum.leader.pk,
        },
    )
    assert response.status_code == 302
    assert login(forum.teacher).get(f"/moeder/forum/{forum.forum.pk}/").status_code == 404


def test_the_meeting_links_the_childs_page_only_for_those_who_may_open_it(consented, login):
    """Jonas is on the list, and a consent gives him the minutes about Alma but not her page."""
    from cases import services as case_services
    from cases.models import DataKind

    world = consented
    services.participant_add(
        actor=world.leader, meeting=world.meeting, kind="staff", user=world.teacher
    )
    case_services.consent_record(
        actor=world.leader,
        child=world.child,
        guardian=world.guardian_row,
        kinds=[DataKind.MINUTES],
        people=[world.teacher],
        purpose="Jonas læser referaterne",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=30),
        paper_date=timezone.localdate(),
    )
    link = f'href="/boern/{world.child.pk}/"'
    page = login(world.teacher).get(f"/moeder/{world.meeting.pk}/").content.decode()
    assert world.child.full_name in page
    assert link not in page
    assert login(world.teacher).get(f"/boern/{world.child.pk}/").status_code == 404
    assert link in login(world.leader).get(f"/moeder/{world.meeting.pk}/").content.decode()
