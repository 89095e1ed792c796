"""A meeting's entries on the child's timeline show only to those who may open the meeting: a
consent to one network meeting does not tell its holder of another about the same child."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from cases.models import TimelineEntry, TimelineKind
from meetings import services
from tests import factories as f
from tests.meetings.conftest import at, write_minutes

pytestmark = pytest.mark.django_db


def test_a_consent_to_one_meeting_does_not_show_another_on_the_timeline(network, login):
    services.participant_add(
        actor=network.leader, meeting=network.meeting, kind="staff", user=network.kim
    )
    services.network_consent_record(
        actor=network.leader,
        meeting=network.meeting,
        guardian=network.guardian_row,
        paper_date=timezone.localdate(),
    )
    other = services.network_meeting_create(
        actor=network.leader,
        child=network.child,
        purpose="Myndighedens drøftelse af bekymring for hjemmet",
        starts_at=at(10),
        place="Rådhuset",
        tovholder=network.leader,
    )
    page = login(network.kim).get(f"/boern/{network.child.pk}/").content.decode()
    day = date_format(timezone.localtime(network.meeting.starts_at), "d.m.Y")
    other_day = date_format(timezone.localtime(other.starts_at), "d.m.Y")
    assert day in page
    assert other_day not in page
    # The organiser of both sees both.
    page = login(network.leader).get(f"/boern/{network.child.pk}/").content.decode()
    assert day in page and other_day in page


def test_a_network_meetings_consent_is_listed_only_to_those_who_may_open_the_meeting(
    network, login
):
    father = f.GuardianFactory(
        municipality=network.solby,
        first_name="Peter",
        user=f.UserFactory(username="peter", municipality=network.solby),
    )
    f.GuardianshipFactory(child=network.child, guardian=father)
    meeting = services.network_meeting_create(
        actor=network.leader,
        child=network.child,
        purpose="Myndighedens drøftelse af bekymring for hjemmet",
        starts_at=at(10),
        place="Rådhuset",
        tovholder=network.leader,
    )
    services.participant_add(
        actor=network.leader, meeting=meeting, kind="staff", user=network.teacher
    )
    consent = services.network_consent_record(
        actor=network.leader, meeting=meeting, guardian=father, paper_date=timezone.localdate()
    )
    purpose = "Myndighedens drøftelse"
    assert purpose in login(network.leader).get(f"/boern/{network.child.pk}/").content.decode()
    # Kim works in the child's room, but is not on this meeting's list.
    assert purpose not in login(network.kim).get(f"/boern/{network.child.pk}/").content.decode()
    # The mother is not on its list either: she does not learn of it from the father's consent.
    assert (
        purpose not in login(network.guardian).get(f"/boern/{network.child.pk}/").content.decode()
    )
    # The father gave it in his own name: he sees it and can withdraw it, list or no list.
    page = login(father.user).get(f"/boern/{network.child.pk}/").content.decode()
    assert purpose in page
    assert f"/samtykke/{consent.pk}/tilbagekald/" in page


# --- The tasks for a meeting's action items ------------------------------------------------------

HOME_ACTION = "Undersøge forholdene i hjemmet"


@pytest.fixture
def two_meetings(network):
    """Kim is on the list of the meeting the parents consented to (X). Lone also holds a meeting
    about Alma without them (Y) and approves its minutes, with an action for Sara."""
    services.participant_add(
        actor=network.leader, meeting=network.meeting, kind="staff", user=network.kim
    )
    services.network_consent_record(
        actor=network.leader,
        meeting=network.meeting,
        guardian=network.guardian_row,
        paper_date=timezone.localdate(),
    )
    other = services.network_meeting_create(
        actor=network.leader,
        child=network.child,
        purpose="Myndighedens drøftelse af bekymring for hjemmet",
        starts_at=at(10),
        place="Rådhuset",
        tovholder=network.leader,
    )
    minutes = write_minutes(network, other, actor=network.leader, agreements="Sara undersøger")
    services.action_item_add(
        actor=network.leader,
        minutes=minutes,
        what=HOME_ACTION,
        owner=network.social_worker,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    services.minutes_approve(actor=network.leader, minutes=minutes)
    network.other = other
    return network


def test_the_task_for_another_meetings_action_is_not_shown_with_the_minutes_kind(
    two_meetings, login
):
    world = two_meetings
    # Kim reads minutes about Alma (the consent to X), but may not open Y: neither its action's
    # task nor the task's timeline entry ("Opgave til Sara: …") shows on Alma's page.
    page = login(world.kim).get(f"/boern/{world.child.pk}/").content.decode()
    assert HOME_ACTION not in page
    assert login(world.kim).get(f"/moeder/{world.other.pk}/").status_code == 404
    # Y's organiser sees both.
    page = login(world.leader).get(f"/boern/{world.child.pk}/").content.decode()
    assert page.count(HOME_ACTION) == 2


def test_the_migration_names_the_meeting_of_existing_task_entries(two_meetings, login):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("meetings.migrations.0007_task_entries_name_their_meeting")
    entry = TimelineEntry.objects.get(kind=TimelineKind.TASK, text__endswith=HOME_ACTION)
    assert (entry.source_type, entry.source_id) == ("meetings.meeting", str(two_meetings.other.pk))
    # As before the rule: the entry named nothing, and Kim saw it.
    TimelineEntry.objects.filter(pk=entry.pk).update(source_type="", source_id="")
    assert (
        HOME_ACTION
        in login(two_meetings.kim).get(f"/boern/{two_meetings.child.pk}/").content.decode()
    )
    migration.backfill(apps, None)
    entry.refresh_from_db()
    assert (entry.source_type, entry.source_id) == ("meetings.meeting", str(two_meetings.other.pk))
    page = login(two_meetings.kim).get(f"/boern/{two_meetings.child.pk}/").content.decode()
    assert HOME_ACTION not in page
