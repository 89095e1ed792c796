"""Every clock, checked with time travel: nothing before its time, one reminder when it is due,
an escalation to the responsible leader when it stays overdue."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.access import grants_rebuild
from cases.models import Consent, ConsentStatus, DataKind, Forlob
from tests import factories as f
from tests.notifications.reminder_helpers import notified, task
from trivsel.notifications.models import Notification
from trivsel.notifications.services import reminders_sweep

CPH = ZoneInfo("Europe/Copenhagen")


def at(day, hour=9):
    return datetime.combine(day, datetime.min.time(), tzinfo=CPH).replace(hour=hour)


def test_it_reminds_the_owner_of_a_task_the_day_before_and_escalates_after_three_days(
    world, time_machine
):
    today = timezone.localdate()
    time_machine.move_to(at(today))
    item = task(world, days=3)

    reminders_sweep()
    assert not notified(world.paedagog).exists()

    time_machine.move_to(at(today + timedelta(days=2)))  # the day before
    reminders_sweep()
    reminder = notified(world.paedagog).get()
    assert reminder.kind == "cases.task"
    assert reminder.key == f"cases.task:{item.pk}:{item.due_date.isoformat()}"
    assert reminder.link == "/opgaver/"
    assert "forfalder" in reminder.title
    assert item.due_date.strftime("%d.%m.%Y") in reminder.title
    assert "Alma" not in reminder.title
    assert not notified(world.leader).exists()

    time_machine.move_to(at(today + timedelta(days=5)))  # due + 2 days: still within grace
    reminders_sweep()
    assert not notified(world.leader).exists()

    time_machine.move_to(at(today + timedelta(days=6)))  # due + 3 days
    reminders_sweep()
    escalation = notified(world.leader).get()
    assert escalation.stage == "escalation"
    assert escalation.key.endswith(":escalated")
    assert notified(world.paedagog).count() == 1  # the owner is not reminded again


def test_a_task_done_in_time_is_never_escalated(world, time_machine):
    today = timezone.localdate()
    time_machine.move_to(at(today))
    item = task(world, days=1)
    reminders_sweep()
    item.status = "done"
    item.save()
    time_machine.move_to(at(today + timedelta(days=10)))
    reminders_sweep()
    assert notified(world.paedagog).count() == 1
    assert not notified(world.leader).exists()


def test_a_moved_due_date_is_reminded_again(world, time_machine):
    today = timezone.localdate()
    time_machine.move_to(at(today))
    item = task(world, days=0)
    reminders_sweep()
    item.due_date = today + timedelta(days=7)
    item.save()
    time_machine.move_to(at(today + timedelta(days=6)))
    reminders_sweep()
    assert notified(world.paedagog).count() == 2


def test_a_forlob_review_reminds_the_tovholder_a_week_ahead_and_escalates(world, time_machine):
    today = timezone.localdate()
    time_machine.move_to(at(today))
    forlob = Forlob.objects.create(
        child=world.child,
        title="Sprog og trivsel",
        tovholder=world.paedagog,
        opened_at=today,
        review_date=today + timedelta(days=10),
    )
    reminders_sweep()
    assert not notified(world.paedagog).exists()

    time_machine.move_to(at(today + timedelta(days=3)))
    reminders_sweep()
    reminder = notified(world.paedagog, "cases.forlob_review").get()
    assert reminder.link == f"/forloeb/{forlob.pk}/plan/"

    time_machine.move_to(at(today + timedelta(days=13)))
    reminders_sweep()
    assert notified(world.leader, "cases.forlob_review").get().stage == "escalation"


def test_consent_expiry_warns_the_staff_who_hold_access_through_it_and_the_guardian(
    world, time_machine
):
    today = timezone.localdate()
    time_machine.move_to(at(today))
    guardian = world.child.guardians.get()
    consent = Consent.objects.create(
        child=world.child,
        guardian=guardian,
        kinds=[DataKind.BASIC, DataKind.SCREENING],
        purpose="Overlevering til skolestart",
        valid_from=today,
        valid_until=today + timedelta(days=30),
        status=ConsentStatus.GIVEN,
    )
    consent.recipient_units.set([world.school])  # the teacher, through the unit's group
    consent.recipient_people.set([world.social_worker])  # by name
    grants_rebuild(child_ids=[world.child.pk])

    reminders_sweep()
    assert not Notification.objects.filter(kind__startswith="cases.consent").exists()

    time_machine.move_to(at(today + timedelta(days=17)))  # 13 days before expiry
    reminders_sweep()
    reminded = set(
        Notification.objects.filter(kind__startswith="cases.consent").values_list(
            "recipient__username", flat=True
        )
    )
    assert reminded == {"jonas", "sara", "maria"}
    # One reminder per person, although they hold a grant row per kind of information.
    assert Notification.objects.filter(kind__startswith="cases.consent").count() == 3
    assert not notified(world.outsider).exists()
    assert not notified(world.paedagog).exists()  # her access is by enrolment, not the consent

    reminders_sweep()
    assert Notification.objects.filter(kind__startswith="cases.consent").count() == 3


def test_a_withdrawn_consent_warns_nobody(world, time_machine):
    today = timezone.localdate()
    time_machine.move_to(at(today))
    consent = Consent.objects.create(
        child=world.child,
        guardian=world.child.guardians.get(),
        kinds=[DataKind.BASIC],
        purpose="Netværksmøde",
        valid_from=today,
        valid_until=today + timedelta(days=5),
        status=ConsentStatus.WITHDRAWN,
    )
    consent.recipient_people.set([world.social_worker])
    reminders_sweep()
    assert not Notification.objects.exists()


def test_turning_18_reminds_the_leaders_of_the_unit_where_the_young_person_is_enrolled(
    world, time_machine
):
    today = date(2026, 3, 1)
    time_machine.move_to(at(today))
    young = f.ChildFactory(municipality=world.solby, birth_date=date(2008, 7, 1))
    f.EnrolmentFactory(child=young, group=world.room)
    grants_rebuild(child_ids=[young.pk])

    reminders_sweep()  # 122 days to go
    assert not Notification.objects.exists()

    time_machine.move_to(at(date(2026, 4, 15)))  # 77 days to go
    reminders_sweep()
    reminder = notified(world.leader, "cases.age18").get()
    assert reminder.due_at.astimezone(CPH).date() == date(2026, 7, 1)
    assert reminder.link == f"/boern/{young.pk}/"
    assert "18" in reminder.title
    assert not notified(world.paedagog).exists()  # a leader's task


def test_a_screening_round_reminds_raters_with_missing_marks_and_its_leader_at_the_deadline(
    school, time_machine
):
    world = school
    deadline = world.round.deadline
    from screening.models import Rating

    # Mette marks both children; Kim marks one.
    for child in (world.child, world.child2):
        Rating.objects.create(
            round=world.round, child=child, rater=world.paedagog, position="groen"
        )
    Rating.objects.create(
        round=world.round, child=world.child, rater=world.colleague, position="gul"
    )

    time_machine.move_to(at(deadline - timedelta(days=5)))
    reminders_sweep()
    assert not Notification.objects.exists()

    time_machine.move_to(at(deadline - timedelta(days=2)))
    reminders_sweep()
    reminder = notified(world.colleague, "screening.rater").get()
    assert reminder.link == f"/trivsel/runde/{world.round.pk}/"
    assert not notified(world.paedagog).exists()

    time_machine.move_to(at(deadline))
    reminders_sweep()
    assert notified(world.leader, "screening.round_deadline").count() == 1
    assert notified(world.colleague).count() == 1


@pytest.mark.parametrize("stage_days", [0, 10])
def test_being_reminded_grants_no_access(world, login, time_machine, stage_days):
    """The outsider's notification (put there by hand: no clock would) leads to a 404."""
    today = timezone.localdate()
    time_machine.move_to(at(today + timedelta(days=stage_days)))
    Notification.objects.create(
        recipient=world.outsider,
        key="test:1",
        kind="cases.age18",
        stage="reminder",
        link=f"/boern/{world.child.pk}/",
        due_at=timezone.now(),
    )
    client = login(world.outsider)
    assert client.get(f"/boern/{world.child.pk}/").status_code == 404


def test_a_task_whose_owner_has_left_still_escalates_to_the_leader(world, time_machine):
    today = timezone.localdate()
    time_machine.move_to(at(today))
    task(world, days=1)
    world.paedagog.is_active = False
    world.paedagog.save(update_fields=["is_active"])

    time_machine.move_to(at(today + timedelta(days=5)))
    reminders_sweep()
    assert not notified(world.paedagog).exists()  # nobody reminds someone who has left
    assert notified(world.leader).get().stage == "escalation"
