"""A forum meeting's minutes are read, written and printed only with a basis for every child on
its agenda — organisers and members included; the minutes are then refused (404, logged), never
shown with a child cut out. The forum's tovholder and chair are among its members."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services as case_services
from meetings import rules, services
from meetings.models import AgendaKind, Meeting
from meetings.pdf import minutes_html
from tests.meetings.conftest import at, write_minutes
from trivsel.audit.models import AccessLogEntry, Action, Basis, Topic


@pytest.fixture
def discussed(forum):
    """Alma is on the forum meeting's agenda under the one-meeting exchange (Lone and Mette, the
    forum's members, take part); the minutes are approved with an action about her."""
    case_services.exchange_grant_create(
        actor=forum.paedagog,
        child=forum.child,
        purpose="Tidlig forebyggende indsats",
        participants=[forum.leader, forum.paedagog],
        meeting_date=timezone.localdate(forum.forum_meeting.starts_at),
    )
    services.agenda_item_add(
        actor=forum.paedagog,
        meeting=forum.forum_meeting,
        kind=AgendaKind.CHILD,
        child=forum.child,
        title="Almas sprog",
    )
    minutes = write_minutes(forum, forum.forum_meeting, challenges="Alma taler sjældent i samling")
    services.action_item_add(
        actor=forum.leader,
        minutes=minutes,
        what="Tale med Almas mor om sprogstimulering",
        owner=forum.paedagog,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    forum.minutes = services.minutes_approve(actor=forum.leader, minutes=minutes)
    return forum


def pdf_url(minutes):
    return f"/moeder/referat/{minutes.pk}/pdf/"


def test_a_member_without_a_basis_for_a_child_on_the_agenda_does_not_read_them(discussed, login):
    """Jonas (a teacher) joins the forum after the meeting: Alma was never his to know of."""
    discussed.forum.members.add(discussed.teacher)
    client = login(discussed.teacher)
    page = client.get(f"/moeder/{discussed.forum_meeting.pk}/")
    assert page.status_code == 200
    assert pdf_url(discussed.minutes) not in page.content.decode()
    assert "Alma taler sjældent" not in page.content.decode()
    AccessLogEntry.objects.all().delete()
    assert client.get(pdf_url(discussed.minutes)).status_code == 404
    assert AccessLogEntry.objects.filter(actor=discussed.teacher, basis=Basis.DENIED).exists()
    assert not AccessLogEntry.objects.filter(child_id=discussed.child.pk).exists()


def test_an_organiser_without_a_basis_neither_reads_writes_nor_prints_them(discussed, login):
    """A meeting from before the rule, whose tovholder (Jonas) is not even a member."""
    Meeting.objects.filter(pk=discussed.forum_meeting.pk).update(tovholder=discussed.teacher)
    draft = services.minutes_new_version(
        actor=discussed.leader, minutes=discussed.minutes, reason="Rettelse"
    )
    client = login(discussed.teacher)
    page = client.get(f"/moeder/{discussed.forum_meeting.pk}/").content.decode()
    assert pdf_url(discussed.minutes) not in page
    assert f"/moeder/{discussed.forum_meeting.pk}/referat/" not in page
    for url in (
        pdf_url(discussed.minutes),
        pdf_url(draft),
        f"/moeder/{discussed.forum_meeting.pk}/referat/",
        f"/moeder/referat/{discussed.minutes.pk}/ny-version/",
    ):
        AccessLogEntry.objects.all().delete()
        assert client.get(url).status_code == 404, url
        assert AccessLogEntry.objects.filter(actor=discussed.teacher, basis=Basis.DENIED).exists()
    response = client.post(
        f"/moeder/referat/{draft.pk}/beslutning/", {"text": "Noget", "reason": "Fordi"}
    )
    assert response.status_code == 404
    assert not draft.decisions.filter(text="Noget").exists()
    response = client.post(f"/moeder/referat/{draft.pk}/godkend/")
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"
    # He still runs the meeting's practical side: the page, its participants.
    assert "Tilføj deltager" in page


def test_members_with_a_basis_read_them_and_the_look_is_logged_as_the_exchange(discussed, login):
    response = login(discussed.paedagog).get(pdf_url(discussed.minutes))
    assert response.status_code == 200
    export = AccessLogEntry.objects.get(actor=discussed.paedagog, action=Action.EXPORT)
    assert (export.child_id, export.topic) == (discussed.child.pk, Topic.EXCHANGE)
    # The parents learn of a look under the exchange once the meeting day is over.
    assert export.guardian_visible_from > timezone.now()


def test_a_look_under_the_forum_consent_is_logged_as_sharing_under_consent(forum, login):
    services.forum_consent_record(
        actor=forum.paedagog,
        forum=forum.forum,
        child=forum.child,
        guardian=forum.child.guardians.get(),
        valid_until=timezone.localdate() + timedelta(days=90),
        paper_date=timezone.localdate(),
    )
    services.agenda_item_add(
        actor=forum.paedagog,
        meeting=forum.forum_meeting,
        kind=AgendaKind.CHILD,
        child=forum.child,
        title="Almas sprog",
    )
    AccessLogEntry.objects.all().delete()
    assert login(forum.paedagog).get(f"/moeder/{forum.forum_meeting.pk}/").status_code == 200
    look = AccessLogEntry.objects.get(actor=forum.paedagog, child_id=forum.child.pk)
    assert look.topic == Topic.CONSENT and look.guardian_visible_from is not None


def test_carried_over_actions_follow_the_minutes_they_come_from(discussed, login):
    """The next meeting is about themes only; Jonas, now a member, reads its minutes, but not the
    action about Alma carried over from the meeting he may not read."""
    discussed.forum.members.add(discussed.teacher)
    later = services.forum_meeting_create(
        actor=discussed.leader,
        forum=discussed.forum,
        title="Næste teammøde",
        starts_at=at(42),
        place="Personalerummet",
        tovholder=discussed.leader,
    )
    minutes = write_minutes(discussed, later, agreements="Tema: overgange")
    minutes = services.minutes_approve(actor=discussed.leader, minutes=minutes)
    client = login(discussed.teacher)
    page = client.get(f"/moeder/{later.pk}/").content.decode()
    assert pdf_url(minutes) in page
    assert "Tale med Almas mor" not in page
    assert client.get(pdf_url(minutes)).status_code == 200
    assert "Tale med Almas mor" not in minutes_html(
        minutes.pk, variant="staff", user=discussed.teacher
    )
    # Mette, with a basis for Alma, has it on the agenda until it is done.
    assert (
        "Tale med Almas mor"
        in login(discussed.paedagog).get(f"/moeder/{later.pk}/").content.decode()
    )


# --- The tovholder is one of the forum's members --------------------------------------------------


def test_a_forum_meeting_needs_a_member_as_tovholder_and_chair(forum):
    for field, people in (
        ("tovholder", {"tovholder": forum.teacher}),
        ("chair", {"tovholder": forum.leader, "chair": forum.teacher}),
    ):
        with pytest.raises(ValidationError) as error:
            services.forum_meeting_create(
                actor=forum.leader,
                forum=forum.forum,
                title="Teammøde",
                starts_at=at(20),
                place="Personalerummet",
                **people,
            )
        assert field in error.value.error_dict
        assert "medlem" in " ".join(error.value.messages)


def test_the_tovholder_role_goes_only_to_a_member(forum, login):
    with pytest.raises(ValidationError):
        services.meeting_hand_over(
            actor=forum.leader, meeting=forum.forum_meeting, tovholder=forum.teacher
        )
    client = login(forum.leader)
    page = client.get(f"/moeder/{forum.forum_meeting.pk}/").content.decode()
    hand_over = page[page.index('id="tovholder_tovholder"') :]
    hand_over = hand_over[: hand_over.index("</select>")]
    assert f'value="{forum.paedagog.pk}"' in hand_over
    assert f'value="{forum.teacher.pk}"' not in hand_over
    response = client.post(
        f"/moeder/{forum.forum_meeting.pk}/tovholder/", {"tovholder": forum.teacher.pk}, follow=True
    )
    forum.forum_meeting.refresh_from_db()
    assert forum.forum_meeting.tovholder == forum.leader
    assert response.status_code == 200
    services.meeting_hand_over(
        actor=forum.leader, meeting=forum.forum_meeting, tovholder=forum.paedagog
    )
    forum.forum_meeting.refresh_from_db()
    assert forum.forum_meeting.tovholder == forum.paedagog


def test_the_plan_a_meeting_form_offers_only_members(forum, login):
    client = login(forum.leader)
    page = client.get(f"/moeder/forum/{forum.forum.pk}/nyt-moede/").content.decode()
    assert f'value="{forum.paedagog.pk}"' in page
    assert f'value="{forum.teacher.pk}"' not in page
    response = client.post(
        f"/moeder/forum/{forum.forum.pk}/nyt-moede/",
        {
            "title": "Teammøde",
            "day": (timezone.localdate() + timedelta(days=20)).strftime("%d.%m.%Y"),
            "time": "09:00",
            "place": "Personalerummet",
            "tovholder": forum.teacher.pk,
        },
    )
    assert response.status_code == 200
    assert Meeting.objects.filter(forum=forum.forum).count() == 1


def test_a_tovholder_who_is_not_a_member_cannot_approve(forum):
    """Existing data: a meeting whose tovholder is not (or no longer) a member is approved only
    after the role is handed to a member."""
    Meeting.objects.filter(pk=forum.forum_meeting.pk).update(tovholder=forum.teacher)
    forum.forum_meeting.refresh_from_db()
    minutes = write_minutes(forum, forum.forum_meeting, actor=forum.teacher, agreements="Tema")
    problems = rules.approval_problems(minutes)
    assert any("medlem" in str(p) for p in problems)
    with pytest.raises(ValidationError):
        services.minutes_approve(actor=forum.teacher, minutes=minutes)
