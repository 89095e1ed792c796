"""The dialogue-based notification starts its clocks at the meeting (Barnets lov § 136): it
exists from the meeting's end with the meeting's time as its time of receipt, the approved and
confirmed minutes become its content when ready, and a confirmation still missing after
DIALOGUE_CONFIRMATION_DAYS becomes a task for the leader — never holding back the 24-hour
assessment."""

from datetime import timedelta

import pytest
import time_machine

from cases.models import Task, TaskStatus
from meetings import services as meetings
from referrals import services
from referrals.models import Channel, DialogueStep, Notifier, Underretning
from tests.factories import noon
from trivsel.notifications.models import Notification as InApp
from trivsel.notifications.services import reminders_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(intake):
    """A dialogue meeting tomorrow at noon, the parents invited."""
    intake.dialogue = services.dialogue_start(
        actor=intake.paedagog,
        child=intake.child,
        unit=intake.kindergarten,
        category="child_wellbeing",
        parents_conversation="Vi talte med mor om Almas søvn.",
        parents_agreed=True,
        suspected_violence=False,
    )
    services.dialogue_invite(
        actor=intake.leader,
        dialogue=intake.dialogue,
        social_worker=intake.social_worker,
        starts_at=noon(1),
        place="Mejsen",
    )
    services.dialogue_invite_parents(actor=intake.paedagog, dialogue=intake.dialogue)
    intake.dialogue.refresh_from_db()
    intake.meeting = intake.dialogue.meeting
    return intake


def test_the_notification_exists_from_the_meetings_end_with_the_meetings_time(planned):
    with time_machine.travel(noon(1) + timedelta(minutes=60), tick=False):
        assert services.dialogue_meetings_sweep()["held"] == 0  # the meeting is still going on
        assert not Underretning.objects.exists()
    with time_machine.travel(noon(1) + timedelta(minutes=95), tick=False):
        assert services.dialogue_meetings_sweep()["held"] == 1
        assert services.dialogue_meetings_sweep()["held"] == 0  # safe to run twice
    n = Underretning.objects.get()
    assert n.received_at == noon(1)
    assert n.assessment_due_at == noon(1) + timedelta(hours=24)
    assert (n.notifier_kind, n.channel) == (Notifier.PROFESSIONAL, Channel.DIALOGUE_MEETING)
    assert (n.assigned_to, n.child, n.minutes) == (planned.social_worker, planned.child, None)
    assert "Alma" not in n.text  # until the minutes come, only where the concern was raised
    planned.dialogue.refresh_from_db()
    assert planned.dialogue.step == DialogueStep.RECEIVED


def test_recording_who_was_present_makes_the_notification_at_once(planned):
    meetings.network_consent_record(
        actor=planned.leader,
        meeting=planned.meeting,
        guardian=planned.child.guardians.get(),
        paper_date=noon(0).date(),
    )
    with time_machine.travel(noon(1) + timedelta(minutes=50), tick=False):
        minutes = meetings.minutes_start(actor=planned.leader, meeting=planned.meeting)
        meetings.attendance_record(
            actor=planned.leader, minutes=minutes, present=planned.meeting.participants.all()
        )
    assert Underretning.objects.get().received_at == noon(1)


def test_a_missing_confirmation_becomes_a_task_for_the_leader_and_never_holds_the_clock(planned):
    meetings.network_consent_record(
        actor=planned.leader,
        meeting=planned.meeting,
        guardian=planned.child.guardians.get(),
        paper_date=noon(0).date(),
    )
    with time_machine.travel(noon(1) + timedelta(hours=2), tick=False):
        minutes = meetings.minutes_start(actor=planned.leader, meeting=planned.meeting)
        minutes.agreements = "Familien får tilbud om familiebehandling."
        minutes.save()
        meetings.attendance_record(
            actor=planned.leader, minutes=minutes, present=planned.meeting.participants.all()
        )
        # Everyone confirms but the mother, who never does.
        for user in (planned.leader, planned.social_worker, planned.paedagog):
            meetings.minutes_confirm(actor=user, minutes=minutes, version=minutes.lock)
    n = Underretning.objects.get()
    # The 24-hour assessment is reminded to the social worker, minutes or not.
    reminders_sweep(now=noon(2) - timedelta(hours=6), kinds=["referrals.assessment"])
    assert InApp.objects.filter(kind="referrals.assessment", recipient=planned.social_worker)
    # Three days after the meeting: a task for the unit's leader, once.
    with time_machine.travel(noon(4), tick=False):
        assert services.dialogue_meetings_sweep()["tasks"] == 0
    with time_machine.travel(noon(4) + timedelta(hours=2), tick=False):
        assert services.dialogue_meetings_sweep()["tasks"] == 1
        assert services.dialogue_meetings_sweep()["tasks"] == 0
    task = Task.objects.get(source_type="referrals.dialogue_confirmation")
    assert task.owner == planned.leader and "Alma" not in task.title
    # The mother confirms at last: the approved minutes become the content, the task is done.
    meetings.minutes_confirm(actor=planned.guardian, minutes=minutes, version=minutes.lock)
    meetings.minutes_approve(actor=planned.leader, minutes=minutes)
    n.refresh_from_db()
    assert n.minutes == minutes and n.text == "Familien får tilbud om familiebehandling."
    assert n.received_at == noon(1)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
