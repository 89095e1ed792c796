"""Action items after approval: a correction keeps the tasks in step with its action items, and
the tovholder marks an action done so it stops carrying over."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Task, TaskStatus
from meetings import services
from meetings.models import ActionStatus
from meetings.selectors import carried_over_actions
from tests.meetings.conftest import at, write_minutes


def _two_actions(world):
    minutes = write_minutes(world, world.meeting, agreements="Små legegrupper")
    for what, owner in (("Observation", world.leader), ("Samtale med mor", world.paedagog)):
        services.action_item_add(
            actor=world.paedagog,
            minutes=minutes,
            what=what,
            owner=owner,
            due_date=timezone.localdate() + timedelta(days=14),
        )
    services.minutes_approve(actor=world.paedagog, minutes=minutes)
    return minutes


def test_a_correction_cancels_the_tasks_of_removed_actions_and_updates_the_others(consented):
    minutes = _two_actions(consented)
    tasks = {t.title: t for t in Task.objects.filter(source_type="meetings.action")}
    correction = services.minutes_new_version(
        actor=consented.paedagog, minutes=minutes, reason="Observationen er aflyst"
    )
    services.action_item_remove(
        actor=consented.paedagog, item=correction.action_items.get(what="Observation")
    )
    kept = correction.action_items.get(what="Samtale med mor")
    later = timezone.localdate() + timedelta(days=30)
    kept.due_date, kept.owner = later, consented.leader  # as an edit of the draft would
    kept.save()
    services.minutes_approve(actor=consented.paedagog, minutes=correction)

    removed = Task.objects.get(pk=tasks["Observation"].pk)
    assert removed.status == TaskStatus.CANCELLED
    carried = Task.objects.get(pk=tasks["Samtale med mor"].pk)
    assert (carried.status, carried.due_date, carried.owner) == (
        TaskStatus.OPEN,
        later,
        consented.leader,
    )
    assert Task.objects.filter(source_type="meetings.action").count() == 2


def test_the_tovholder_marks_an_action_done_and_its_task_is_completed(consented, login):
    minutes = _two_actions(consented)
    item = minutes.action_items.get(what="Observation")
    with pytest.raises(ValidationError):
        services.action_item_mark_done(actor=consented.leader, item=item)
    response = login(consented.paedagog).post(
        f"/moeder/referat/{minutes.pk}/handling/{item.pk}/udfoert/"
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE
    assert Task.objects.get(pk=item.task_id).status == TaskStatus.DONE


def test_an_action_without_a_task_stops_carrying_over_when_done(forum):
    minutes = write_minutes(forum, forum.forum_meeting, agreements="Tema om sprog")
    item = services.action_item_add(
        actor=forum.leader,
        minutes=minutes,
        what="Forældremøde om sprog",
        owner_name="Forældrerådet",
        due_date=timezone.localdate() + timedelta(days=20),
    )
    services.minutes_approve(actor=forum.leader, minutes=minutes)
    later = services.forum_meeting_create(
        actor=forum.leader,
        forum=forum.forum,
        title="Næste teammøde",
        starts_at=at(42),
        place="Personalerummet",
        tovholder=forum.leader,
    )
    assert [a.pk for a in carried_over_actions(later, user=forum.leader)] == [item.pk]
    services.action_item_mark_done(actor=forum.leader, item=item)
    assert carried_over_actions(later, user=forum.leader) == []


def test_a_draft_action_cannot_be_marked_done(consented):
    minutes = write_minutes(consented, consented.meeting, agreements="Udkast")
    item = services.action_item_add(actor=consented.paedagog, minutes=minutes, what="Observation")
    with pytest.raises(ValidationError):
        services.action_item_mark_done(actor=consented.paedagog, item=item)


# --- Colour words in everything the parents' copy shows ------------------------------------------


@pytest.mark.parametrize("where", ["purpose", "title", "correction_reason"])
def test_colour_words_in_the_header_of_the_parents_copy_stop_approval(consented, where):
    minutes = write_minutes(consented, consented.meeting, agreements="Små legegrupper")
    if where == "correction_reason":
        services.minutes_approve(actor=consented.paedagog, minutes=minutes)
        minutes = services.minutes_new_version(
            actor=consented.paedagog, minutes=minutes, reason="Hun var i gul position"
        )
    else:
        setattr(consented.meeting, where, "Alma i rød position")
        consented.meeting.save()
    with pytest.raises(ValidationError) as error:
        services.minutes_approve(actor=consented.paedagog, minutes=minutes)
    assert "farveord" in " ".join(error.value.messages)
