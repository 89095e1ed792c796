"""Two people pressing the same button at once double nothing (issue #14, point 6)."""

import pytest

from screening import services
from screening.models import Round, RoundStatus
from tests.race import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_starting_the_joint_session_twice_at_once_lands_in_one_session(school):
    results = race(
        Round,
        lambda i: services.round_start_joint(
            actor=school.leader, round_=Round.objects.get(pk=school.round.pk)
        ),
    )

    school.round.refresh_from_db()
    assert school.round.status == RoundStatus.JOINT
    # Both leaders land in the session that started, with no error for the second.
    assert [r.joint_started_at for r in results] == [school.round.joint_started_at] * 2
