"""Held meetings on /moeder/: only those the user may open, with their minutes' state, newest
first, 25 a page, searchable by period and forum; the page's queries do not grow with them."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests.factories import noon
from trivsel.audit.models import AccessLogEntry, Basis

from .conftest import write_minutes


def held(meeting, days_ago):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=noon(-days_ago))
    meeting.refresh_from_db()
    return meeting


def more_forum_meetings(world, count, days_ago=30):
    return [
        held(
            services.forum_meeting_create(
                actor=world.leader,
                forum=world.forum,
                title=f"Teammøde {n}",
                starts_at=noon(20 + n),
                place="Personalerummet",
                tovholder=world.leader,
            ),
            days_ago + n,
        )
        for n in range(count)
    ]


def held_section(page):
    return page.content.decode().split('id="afholdte"', 1)[1]


def test_held_meetings_appear_newest_first_with_their_minutes_state(forum, consented, login):
    forum_meeting = held(forum.forum_meeting, 10)
    services.minutes_approve(
        actor=forum.leader, minutes=write_minutes(forum, forum_meeting, agreements="Plan")
    )
    network = held(consented.meeting, 3)
    client = login(forum.leader)
    section = held_section(client.get("/moeder/"))
    network_link = f'href="/moeder/{network.pk}/"'
    forum_link = f'href="/moeder/{forum_meeting.pk}/"'
    assert network_link in section and forum_link in section
    assert section.index(network_link) < section.index(forum_link)
    assert "Godkendt" in section and "Intet referat" in section
    write_minutes(consented, network, agreements="Udkast til aftaler")
    assert "Kladde" in held_section(client.get("/moeder/"))
    # Every link on the list opens for the one who sees it.
    assert client.get(f"/moeder/{network.pk}/").status_code == 200
    assert client.get(f"/moeder/{forum_meeting.pk}/").status_code == 200


def test_minutes_everyone_must_confirm_are_awaiting_confirmation(confirming, login):
    held(confirming.meeting, 2)
    section = held_section(login(confirming.paedagog).get("/moeder/"))
    assert f'href="/moeder/{confirming.meeting.pk}/"' in section
    assert "Afventer bekræftelse" in section


def test_a_person_sees_only_held_meetings_she_may_open(forum, consented, login):
    forum_meeting = held(forum.forum_meeting, 10)
    network = held(consented.meeting, 3)
    for user in (consented.teacher, consented.outsider, consented.social_worker):
        client = login(user)
        section = held_section(client.get("/moeder/"))
        assert f"/moeder/{forum_meeting.pk}/" not in section, user
        assert f"/moeder/{network.pk}/" not in section, user
        assert client.get(f"/moeder/{network.pk}/").status_code == 404
        assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()
    # The guardian on the network meeting's list sees it, not the forum's meeting.
    client = login(consented.guardian)
    section = held_section(client.get("/moeder/"))
    assert f"/moeder/{network.pk}/" in section
    assert f"/moeder/{forum_meeting.pk}/" not in section
    assert 'name="forum"' not in section
    assert client.get(f"/moeder/{network.pk}/").status_code == 200


def test_the_search_by_period_and_forum(forum, consented, login):
    forum_meeting = held(forum.forum_meeting, 10)
    network = held(consented.meeting, 3)
    client = login(forum.leader)
    day = timezone.localdate()

    def found(**params):
        section = held_section(client.get("/moeder/", params))
        return {m.pk for m in (forum_meeting, network) if f"/moeder/{m.pk}/" in section}

    d = lambda days: (day - timedelta(days=days)).strftime("%d.%m.%Y")  # noqa: E731
    assert found() == {forum_meeting.pk, network.pk}
    assert found(since=d(5)) == {network.pk}
    assert found(until=d(5)) == {forum_meeting.pk}
    assert found(since=d(10), until=d(10)) == {forum_meeting.pk}
    assert found(forum=forum.forum.pk) == {forum_meeting.pk}


def test_a_bad_date_is_a_clear_message(forum, login):
    held(forum.forum_meeting, 10)
    page = login(forum.leader).get("/moeder/", {"since": "31.02.2026", "until": "i går"})
    assert page.status_code == 200
    assert "Skriv datoen som dd.mm.åååå" in page.content.decode()
    page = login(forum.leader).get("/moeder/", {"since": "10.06.2026", "until": "01.06.2026"})
    assert page.status_code == 200
    assert "Slutdatoen" in page.content.decode()


def test_a_forum_she_may_not_see_is_no_choice(forum, login):
    held(forum.forum_meeting, 10)
    page = login(forum.teacher).get("/moeder/", {"forum": forum.forum.pk})
    assert page.status_code == 200
    assert f"/moeder/{forum.forum_meeting.pk}/" not in held_section(page)


def test_25_a_page(forum, login):
    more_forum_meetings(forum, 30)
    client = login(forum.leader)
    first = held_section(client.get("/moeder/"))
    assert first.count("Teammøde ") == 25
    assert "side=2" in first
    second = held_section(client.get("/moeder/", {"side": 2}))
    assert second.count("Teammøde ") == 5


def test_the_list_keeps_its_queries_constant(forum, consented, login):
    client = login(forum.leader)
    more_forum_meetings(forum, 2)
    client.get("/moeder/")  # warm up (session, caches)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/moeder/").status_code == 200
        return len(queries)

    few = count()
    more_forum_meetings(forum, 20, days_ago=60)
    assert count() == few
