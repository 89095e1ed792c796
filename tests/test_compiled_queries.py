"""A query compiled once per process (trivsel.database.compiled) answers each user with their own
rows, and refuses to bake a moment of compiling into its SQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Task
from cases.services.tasks import task_create
from trivsel.database.compiled import CompiledQuery, user_stand_in, user_values


def _open_tasks(values):
    user = user_stand_in(values, roles=None)
    return (
        Task.objects.filter(owner=user, due_date__lte=values.day("until"))
        .order_by("title")
        .values("title")
    )


def test_one_compiled_query_answers_each_user_with_their_own_rows(world):
    today = timezone.localdate()
    task_create(title="Mettes opgave", owner=world.paedagog, due_date=today)
    task_create(title="Lones opgave", owner=world.leader, due_date=today)
    task_create(title="Lones senere opgave", owner=world.leader, due_date=today + timedelta(9))
    query = CompiledQuery(_open_tasks)

    def titles(user, until):
        return [row["title"] for row in query.rows({**user_values(user), "until": until})]

    assert titles(world.paedagog, today) == ["Mettes opgave"]
    assert titles(world.leader, today) == ["Lones opgave"]
    assert titles(world.leader, today + timedelta(10)) == ["Lones opgave", "Lones senere opgave"]
    assert titles(world.guardian, today) == []


def test_a_day_taken_at_compiling_is_refused(world):
    def today_baked_in(values):
        user = user_stand_in(values, roles=None)
        return Task.objects.filter(owner=user, due_date__lte=timezone.localdate()).values("pk")

    with pytest.raises(ValueError, match="not a stand-in"):
        CompiledQuery(today_baked_in).rows(user_values(world.paedagog))
