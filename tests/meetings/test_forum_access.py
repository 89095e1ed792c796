"""Forum meetings: the minutes are for the forum's members, the organisers and participants with a
basis for every child on the agenda; the unit's other staff only put items on the agenda. Reads
and exports are logged per child the minutes concern."""

import pytest
from django.utils import timezone

from cases import services as case_services
from meetings import services
from meetings.models import AgendaKind
from tests import factories as f
from tests.meetings.conftest import write_minutes
from trivsel.audit.models import AccessLogEntry, Action, Basis


@pytest.fixture
def discussed(forum):
    """Alma is on the forum meeting's agenda (the one-meeting exchange); the minutes are
    approved. Bo works in the kindergarten but is not in the forum."""
    forum.bo = f.StaffFactory(
        user=f.UserFactory(username="bo", municipality=forum.solby, first_name="Bo"),
        units=[forum.kindergarten],
    ).user
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
        title="Sprog og samspil",
    )
    minutes = write_minutes(forum, forum.forum_meeting, agreements="Små legegrupper")
    services.minutes_approve(actor=forum.leader, minutes=minutes)
    forum.minutes = minutes
    return forum


def test_unit_staff_outside_the_forum_submit_items_but_do_not_read_the_minutes(discussed, login):
    client = login(discussed.bo)
    meeting = discussed.forum_meeting
    page = client.get(f"/moeder/{meeting.pk}/")
    assert page.status_code == 200
    assert f"/moeder/referat/{discussed.minutes.pk}/pdf/" not in page.content.decode()
    assert client.get(f"/moeder/{meeting.pk}/dagsorden/ny/").status_code == 200
    assert client.get(f"/moeder/referat/{discussed.minutes.pk}/pdf/").status_code == 404


def test_a_participant_without_a_basis_for_a_child_on_the_agenda_does_not_read_them(
    discussed, login
):
    services.participant_add(
        actor=discussed.leader,
        meeting=discussed.forum_meeting,
        kind="staff",
        user=discussed.teacher,
    )
    client = login(discussed.teacher)
    page = client.get(f"/moeder/{discussed.forum_meeting.pk}/").content.decode()
    assert f"/moeder/referat/{discussed.minutes.pk}/pdf/" not in page
    assert client.get(f"/moeder/referat/{discussed.minutes.pk}/pdf/").status_code == 404


def test_a_participant_of_a_meeting_about_themes_only_reads_them(forum, login):
    services.participant_add(
        actor=forum.leader, meeting=forum.forum_meeting, kind="staff", user=forum.teacher
    )
    services.agenda_item_add(
        actor=forum.leader,
        meeting=forum.forum_meeting,
        kind=AgendaKind.THEME,
        title="Overgange mellem dagtilbud og skole",
    )
    minutes = write_minutes(forum, forum.forum_meeting, agreements="Fælles plan for overgange")
    services.minutes_approve(actor=forum.leader, minutes=minutes)
    assert login(forum.teacher).get(f"/moeder/referat/{minutes.pk}/pdf/").status_code == 200


def test_members_read_the_minutes_and_the_export_is_logged_per_child(discussed, login):
    response = login(discussed.paedagog).get(f"/moeder/referat/{discussed.minutes.pk}/pdf/")
    assert response.status_code == 200
    export = AccessLogEntry.objects.get(actor=discussed.paedagog, action=Action.EXPORT)
    assert export.child_id == discussed.child.pk
    assert export.basis not in (Basis.DENIED, Basis.ADMINISTRATION)


def test_a_member_who_is_not_an_organiser_sees_no_draft(forum, login):
    draft = write_minutes(forum, forum.forum_meeting, agreements="Udkast")
    client = login(forum.paedagog)
    assert client.get(f"/moeder/referat/{draft.pk}/pdf/").status_code == 404
    page = client.get(f"/moeder/{forum.forum_meeting.pk}/").content.decode()
    assert f"/moeder/referat/{draft.pk}/pdf/" not in page
    assert login(forum.leader).get(f"/moeder/referat/{draft.pk}/pdf/").status_code == 200


FORUM_PERSONAS = ["leader", "paedagog", "bo", "teacher", "social_worker", "outsider", "guardian"]


def forum_matrix(world):
    meeting, minutes = world.forum_meeting.pk, world.minutes.pk
    # (address, who may, their answer): with no draft open, the minutes' editor sends the
    # tovholder back to the meeting's page.
    return [
        (f"/moeder/{meeting}/", {"leader", "paedagog", "bo"}, 200),
        (f"/moeder/{meeting}/dagsorden/ny/", {"leader", "paedagog", "bo"}, 200),
        (f"/moeder/{meeting}/referat/", {"leader"}, 302),
        (f"/moeder/referat/{minutes}/pdf/", {"leader", "paedagog"}, 200),
        (f"/moeder/referat/{minutes}/ny-version/", {"leader"}, 200),
    ]


@pytest.mark.parametrize("persona", FORUM_PERSONAS)
def test_the_access_matrix_of_a_forum_meeting(discussed, login, persona):
    """Leader: organiser (tovholder); pædagog: member; Bo: the unit's staff, not a member."""
    user = getattr(discussed, persona)
    client = login(user)
    for url, allowed, answer in forum_matrix(discussed):
        AccessLogEntry.objects.all().delete()
        response = client.get(url)
        if persona in allowed:
            assert response.status_code == answer, (url, persona, response.status_code)
            assert AccessLogEntry.objects.filter(actor=user).exclude(basis=Basis.DENIED).exists()
            assert not AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()
        else:
            assert response.status_code == 404, (url, persona, response.status_code)
            assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists(), url


def test_reading_forum_minutes_is_logged_for_the_child_discussed(discussed, login):
    login(discussed.leader).get(f"/moeder/referat/{discussed.minutes.pk}/ny-version/")
    assert AccessLogEntry.objects.filter(
        actor=discussed.leader, action=Action.READ, child_id=discussed.child.pk
    ).exists()


def test_rendering_forum_minutes_for_a_user_has_no_n_plus_one_queries(discussed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings import pdf

    def queries_for(extra):
        draft = services.minutes_new_version(
            actor=discussed.leader, minutes=discussed.minutes, reason=f"Flere punkter {extra}"
        )
        for i in range(extra):
            services.action_item_add(
                actor=discussed.leader,
                minutes=draft,
                what=f"Punkt {i}",
                owner=discussed.paedagog,
                due_date=timezone.localdate() + timezone.timedelta(days=i + 1),
            )
            services.decision_add(
                actor=discussed.leader, minutes=draft, text=f"Beslutning {i}", reason="Fordi"
            )
            services.agenda_item_add(
                actor=discussed.leader,
                meeting=discussed.forum_meeting,
                kind=AgendaKind.THEME,
                title=f"Tema {i}",
            )
        with CaptureQueriesContext(connection) as ctx:
            pdf.minutes_html(draft.pk, variant="staff", user=discussed.paedagog)
        draft.delete()
        return len(ctx.captured_queries)

    assert queries_for(0) == queries_for(30)
