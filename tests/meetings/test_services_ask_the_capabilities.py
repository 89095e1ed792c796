"""Every write of the meetings app asks what the user may do with the meeting itself
(selectors.meeting_require, the same meeting_capabilities the meeting page is built from): no
write relies on a view having asked (DESIGN.md §3). State problems keep their Danish messages."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import AgendaKind, Meeting, Minutes, MinutesStatus
from tests import factories as f
from tests.meetings.conftest import write_minutes
from trivsel.organisation.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_kim(consented):
    """Kim (pædagog in Alma's room) is on the list and covered by the parents' consent: she reads
    the approved minutes, but does not organise the meeting. Mette (tovholder) has a draft with a
    decision and an action item."""
    world = consented
    services.participant_add(
        actor=world.leader, meeting=world.meeting, kind="staff", user=world.kim
    )
    services.network_consent_record(
        actor=world.leader,
        meeting=world.meeting,
        guardian=world.guardian_row,
        paper_date=timezone.localdate(),
    )
    world.minutes = write_minutes(world, world.meeting, agreements="Små legegrupper")
    world.decision = services.decision_add(
        actor=world.paedagog, minutes=world.minutes, text="Legegrupper", reason="Hun taler mere"
    )
    world.item = services.action_item_add(
        actor=world.paedagog,
        minutes=world.minutes,
        what="Observation på stuen",
        owner=world.paedagog,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    world.minutes.refresh_from_db()
    return world


WRITES_OF_ORGANISERS = {
    "minutes_update": lambda w, actor: services.minutes_update(
        actor=actor, minutes=w.minutes, lock=w.minutes.lock, agreements="Kims udgave"
    ),
    "decision_add": lambda w, actor: services.decision_add(
        actor=actor, minutes=w.minutes, text="Noget andet", reason="Fordi"
    ),
    "decision_remove": lambda w, actor: services.decision_remove(actor=actor, decision=w.decision),
    "action_item_add": lambda w, actor: services.action_item_add(
        actor=actor, minutes=w.minutes, what="Mere", owner_name="Forældrene"
    ),
    "action_item_remove": lambda w, actor: services.action_item_remove(actor=actor, item=w.item),
    "participant_remove": lambda w, actor: services.participant_remove(
        actor=actor, participant=w.meeting.participants.get(kind="parent")
    ),
    "meeting_invite": lambda w, actor: services.meeting_invite(actor=actor, meeting=w.meeting),
    "meeting_hand_over": lambda w, actor: services.meeting_hand_over(
        actor=actor, meeting=w.meeting, tovholder=actor
    ),
    "participant_add": lambda w, actor: services.participant_add(
        actor=actor, meeting=w.meeting, kind="staff", user=w.teacher
    ),
    "network_consent_record": lambda w, actor: services.network_consent_record(
        actor=actor, meeting=w.meeting, guardian=w.guardian_row, paper_date=timezone.localdate()
    ),
}


def _snapshot(world):
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    minutes = Minutes.objects.get(pk=world.minutes.pk)
    return (
        meeting.tovholder_id,
        meeting.consent_id,
        sorted(meeting.participants.values_list("pk", "invited_at")),
        minutes.agreements,
        sorted(minutes.decisions.values_list("text", flat=True)),
        sorted(minutes.action_items.values_list("what", flat=True)),
    )


@pytest.mark.parametrize("write", sorted(WRITES_OF_ORGANISERS))
def test_a_participant_who_does_not_organise_the_meeting_changes_nothing(with_kim, write):
    before = _snapshot(with_kim)
    with pytest.raises(PermissionDenied):
        WRITES_OF_ORGANISERS[write](with_kim, with_kim.kim)
    assert _snapshot(with_kim) == before


def test_nor_starts_the_minutes_or_a_new_version(with_kim):
    world = with_kim
    Minutes.objects.filter(pk=world.minutes.pk).delete()
    with pytest.raises(PermissionDenied):
        services.minutes_start(actor=world.kim, meeting=world.meeting)
    assert not world.meeting.minutes.exists()
    minutes = write_minutes(world, world.meeting, agreements="Aftale")
    approved = services.minutes_approve(actor=world.paedagog, minutes=minutes)
    with pytest.raises(PermissionDenied):
        services.minutes_new_version(actor=world.kim, minutes=approved, reason="Rettelse")
    assert not world.meeting.minutes.filter(status=MinutesStatus.DRAFT).exists()


@pytest.fixture
def uncovered_tovholder(with_kim):
    """Bo, a pædagog of Alma's room, takes over the tovholder role after the parents' consent was
    recorded: he organises the meeting on his enrolment basis, which does not reach the minutes."""
    world = with_kim
    world.bo = f.StaffFactory(
        user=f.UserFactory(username="bo", municipality=world.solby, first_name="Bo"),
        roles=[Role.PAEDAGOG],
        units=[world.kindergarten],
        groups=[world.room],
    ).user
    services.meeting_hand_over(actor=world.leader, meeting=world.meeting, tovholder=world.bo)
    world.meeting.refresh_from_db()
    return world


def test_a_tovholder_without_a_basis_for_the_minutes_neither_approves_nor_follows_up(
    uncovered_tovholder, login
):
    world = uncovered_tovholder
    with pytest.raises(PermissionDenied):
        services.minutes_approve(actor=world.bo, minutes=world.minutes)
    assert Minutes.objects.get(pk=world.minutes.pk).status == MinutesStatus.DRAFT
    # Approved by someone who may (the role back with Mette), then handed to Bo again.
    services.meeting_hand_over(actor=world.leader, meeting=world.meeting, tovholder=world.paedagog)
    approved = services.minutes_approve(actor=world.paedagog, minutes=world.minutes)
    services.meeting_hand_over(actor=world.leader, meeting=world.meeting, tovholder=world.bo)
    item = approved.action_items.get()
    decision = approved.decisions.get()
    with pytest.raises(PermissionDenied):
        services.action_item_mark_done(actor=world.bo, item=item)
    with pytest.raises(PermissionDenied):
        services.decision_mark_parents_informed(actor=world.bo, decision=decision)
    item.task.refresh_from_db()
    decision.refresh_from_db()
    assert item.task.status == "open" and decision.parents_informed_at is None
    # His page offers neither.
    page = login(world.bo).get(f"/moeder/{world.meeting.pk}/").content.decode()
    assert "/udfoert/" not in page and "/informeret/" not in page


def test_nor_records_who_was_present(confirming):
    world = confirming
    bo = f.StaffFactory(
        user=f.UserFactory(username="bo", municipality=world.solby, first_name="Bo"),
        roles=[Role.PAEDAGOG],
        units=[world.kindergarten],
        groups=[world.room],
    ).user
    services.meeting_hand_over(actor=world.leader, meeting=world.meeting, tovholder=bo)
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            actor=bo, minutes=world.minutes, present=world.meeting.participants.all()
        )
    assert not world.meeting.participants.filter(present__isnull=False).exists()
    bisidder = services.participant_add(
        actor=world.leader, meeting=world.meeting, kind="bisidder", name="Birthe", role="Bisidder"
    )
    with pytest.raises(PermissionDenied):
        services.minutes_confirmation_record(
            actor=bo, minutes=world.minutes, participant=bisidder, version=world.minutes.lock
        )


def test_the_organisers_still_get_the_danish_reason_for_a_state_problem(with_kim):
    world = with_kim
    approved = services.minutes_approve(actor=world.paedagog, minutes=world.minutes)
    with pytest.raises(services.MinutesLocked):
        services.decision_add(actor=world.paedagog, minutes=approved, text="Sent", reason="Fordi")
    with pytest.raises(ValidationError, match="Kun tovholderen"):
        services.action_item_mark_done(actor=world.leader, item=approved.action_items.get())


# --- The agenda ---------------------------------------------------------------------------------


def test_only_those_who_may_submit_to_the_forum_add_to_its_agenda(forum):
    """Jonas (a teacher of the school) is neither a member of the kindergarten's forum nor on its
    staff."""
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(
            actor=forum.teacher, meeting=forum.forum_meeting, kind=AgendaKind.THEME, title="Tema"
        )
    assert not forum.forum_meeting.agenda_items.exists()


def test_a_child_goes_on_the_agenda_only_by_someone_with_a_basis_for_the_child(forum):
    """Jonas joins the forum, and the exchange for the meeting's day names all its members; the
    exchange reaches him on that day, not before: until then Alma is not his to name."""
    from cases import services as case_services

    forum.forum.members.add(forum.teacher)
    case_services.exchange_grant_create(
        actor=forum.paedagog,
        child=forum.child,
        purpose="Tidlig forebyggende indsats",
        participants=[forum.leader, forum.paedagog, forum.teacher],
        meeting_date=timezone.localdate(forum.forum_meeting.starts_at),
    )
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(
            actor=forum.teacher,
            meeting=forum.forum_meeting,
            kind=AgendaKind.CHILD,
            child=forum.child,
            title="Almas sprog",
        )
    assert not forum.forum_meeting.agenda_items.exists()
    item = services.agenda_item_add(
        actor=forum.paedagog,
        meeting=forum.forum_meeting,
        kind=AgendaKind.CHILD,
        child=forum.child,
        title="Almas sprog",
    )
    assert item.exchange_id is not None
