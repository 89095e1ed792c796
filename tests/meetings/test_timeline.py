"""A meeting's entries on the child's timeline show only to those who may open the meeting: a
consent to one network meeting does not tell its holder of another about the same child."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from meetings import services
from tests import factories as f
from tests.meetings.conftest import at

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
