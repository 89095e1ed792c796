from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Forum, ForumKind, Minutes
from tests import factories as f


def at(days, hour=10):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def network(world):
    """A network meeting about Alma called by the leader; Mette (pædagog) is tovholder; Maria
    (guardian) takes part; the parents' consent is recorded on paper."""
    world.kim = f.StaffFactory(
        user=f.UserFactory(username="kim", municipality=world.solby, first_name="Kim"),
        units=[world.kindergarten],
        groups=[world.room],
    ).user
    meeting = services.network_meeting_create(
        actor=world.leader,
        child=world.child,
        purpose="Fælles aftaler om sprog og samspil",
        starts_at=at(3),
        place="Børnehaven Mejsen, mødelokalet",
        tovholder=world.paedagog,
    )
    guardian = world.child.guardians.get()
    world.guardian_row = guardian
    services.participant_add(actor=world.leader, meeting=meeting, kind="parent", guardian=guardian)
    world.meeting = meeting
    return world


@pytest.fixture
def consented(network):
    services.network_consent_record(
        actor=network.leader,
        meeting=network.meeting,
        guardian=network.guardian_row,
        paper_date=timezone.localdate(),
    )
    network.meeting.refresh_from_db()
    return network


@pytest.fixture
def forum(world):
    """The kindergarten's cross-disciplinary team: leader and pædagog are members."""
    world.forum = Forum.objects.create(
        municipality=world.solby,
        unit=world.kindergarten,
        name="Tværfagligt team Mejsen",
        kind=ForumKind.CROSS_DISCIPLINARY,
        agenda_deadline_days=7,
    )
    world.forum.members.set([world.leader, world.paedagog])
    world.forum_meeting = services.forum_meeting_create(
        actor=world.leader,
        forum=world.forum,
        title="Teammøde",
        starts_at=at(14, 9),
        place="Personalerummet",
        tovholder=world.leader,
    )
    return world


def write_minutes(world, meeting, *, actor=None, **fields):
    actor = actor or meeting.tovholder
    minutes = services.minutes_start(actor=actor, meeting=meeting)
    return services.minutes_update(actor=actor, minutes=minutes, lock=minutes.lock, **fields)


@pytest.fixture
def confirming(network):
    """A network meeting whose minutes everyone present confirms: Lone (leader, chair), Mette
    (tovholder), Kim (pædagog) and Maria (guardian, with a login) are on the list; consent on
    paper; a draft is written."""
    world = network
    meeting = services.network_meeting_create(
        actor=world.leader,
        child=world.child,
        purpose="Dialog om Almas trivsel",
        starts_at=at(2),
        place="Børnehaven Mejsen",
        tovholder=world.paedagog,
        minutes_need_confirmation=True,
    )
    services.participant_add(actor=world.leader, meeting=meeting, kind="staff", user=world.kim)
    services.participant_add(
        actor=world.leader, meeting=meeting, kind="parent", guardian=world.guardian_row
    )
    services.network_consent_record(
        actor=world.leader,
        meeting=meeting,
        guardian=world.guardian_row,
        paper_date=timezone.localdate(),
    )
    meeting.refresh_from_db()
    world.meeting = meeting
    world.minutes = write_minutes(
        world,
        meeting,
        agreements="Vi prøver små legegrupper i seks uger.",
        internal_notes="Kun for fagfolk: tidligere bekymring.",
    )
    world.people = {p.user_id: p for p in meeting.participants.all()}
    return world


def participant(world, user):
    return world.people[user.pk]


def version_of(minutes):
    """The content version of the minutes as they are now."""
    return Minutes.objects.values_list("lock", flat=True).get(pk=minutes.pk)


def confirm(user, minutes):
    """`user` confirms the minutes as they read them now."""
    return services.minutes_confirm(actor=user, minutes=minutes, version=version_of(minutes))
