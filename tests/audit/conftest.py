"""The log review's world: the personas' municipality with a school leader and a
data-protection officer, a neighbouring DPO, and helpers that write look-ups at given times."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests import factories as f
from trivsel.audit.models import AccessLogEntry, Action, Basis, Topic
from trivsel.audit.services import access_log_record
from trivsel.organisation.models import Role


def this_monday(hour=8):
    """Monday of the current week at `hour`, Copenhagen time."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return timezone.make_aware(datetime.combine(monday, time(hour)))


def look(actor, child, *, at, basis=Basis.ENROLMENT, purpose="Barnets side", action=Action.READ):
    """One look-up of `child` by `actor`, written as the pages write it, dated `at`."""
    entry = access_log_record(
        actor=actor,
        action=action,
        basis=basis,
        obj=child,
        child_id=child.pk,
        purpose=purpose,
        topic=Topic.DAILY_CARE,
    )
    AccessLogEntry.objects.filter(pk=entry.pk).update(at=at)
    entry.at = at
    return entry


@pytest.fixture
def review_world(world):
    def staff(username, roles, units=(), municipality=world.solby, **kwargs):
        user = f.UserFactory(username=username, municipality=municipality, **kwargs)
        return f.StaffFactory(user=user, roles=roles, units=list(units)).user

    world.school_leader = staff("birgitte", [Role.LEADER], [world.school], first_name="Birgitte")
    world.dpo = staff(
        "dorthe", [Role.DATA_PROTECTION_OFFICER], first_name="Dorthe", last_name="Juhl"
    )
    world.nabo_dpo = staff("nanna", [Role.DATA_PROTECTION_OFFICER], municipality=world.nabo_kommune)
    # A child of the school: the kindergarten's leader may not see her.
    world.pupil = f.ChildFactory(municipality=world.solby, first_name="Sofie", last_name="Skov")
    f.EnrolmentFactory(child=world.pupil, group=world.school_class)
    from cases.access import grants_rebuild

    grants_rebuild(child_ids=[world.pupil.pk])
    world.nabo_child = f.ChildFactory(municipality=world.nabo_kommune, first_name="Nabobarn")
    return world
