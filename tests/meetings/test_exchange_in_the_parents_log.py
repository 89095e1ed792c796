"""A child discussed on a forum's agenda under the one-meeting exchange: the parents learn of it
in their access log once the meeting is over — from the midnight after the meeting's day, however
early the child was put on the agenda or the agenda read (meetings.selectors.log_topic)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases import services as case_services
from cases.access import day_after
from meetings import services
from meetings.models import AgendaKind, Forum, Meeting
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


def main_of(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_the_parents_see_it_only_after_the_meeting_day(forum, login):
    meeting = forum.forum_meeting
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(3, 9))
    Forum.objects.filter(pk=forum.forum.pk).update(agenda_deadline_days=1)
    meeting.refresh_from_db()
    meeting_day = timezone.localdate(meeting.starts_at)
    case_services.exchange_grant_create(
        actor=forum.paedagog,
        child=forum.child,
        purpose="Tidlig forebyggende indsats",
        participants=[forum.leader, forum.paedagog],
        meeting_date=meeting_day,
    )
    # Three days before the meeting Mette puts Alma on the agenda, and Lone reads the agenda.
    services.agenda_item_add(
        actor=forum.paedagog,
        meeting=meeting,
        kind=AgendaKind.CHILD,
        child=forum.child,
        title="Almas sprog",
    )
    assert "Almas sprog" in main_of(login(forum.leader).get(f"/moeder/{meeting.pk}/"))

    def parents_log():
        return main_of(login(forum.guardian).get(f"/boern/{forum.child.pk}/adgangslog/"))

    tomorrow = day_after(timezone.localdate()) + timedelta(minutes=1)
    after_the_meeting = day_after(meeting_day)
    for moment in (tomorrow, after_the_meeting - timedelta(minutes=1)):
        with time_machine.travel(moment):
            log = parents_log()
            assert "Dagsordenspunkt" not in log and "Mødets dagsorden" not in log, moment
    with time_machine.travel(after_the_meeting + timedelta(minutes=1)):
        log = parents_log()
        assert "Dagsordenspunkt" in log and "Mødets dagsorden" in log
