import pytest
from django.core.cache import cache

from tests import factories as f
from trivsel.organisation.models import Role, UnitType


@pytest.fixture
def intake(world):
    """The intake unit of Solby with Sara (socialrådgiver), a team leader and a second
    caseworker; the public form's rate limit starts fresh."""
    world.intake_unit = f.UnitFactory(
        municipality=world.solby, name="Underretningsenheden", type=UnitType.INTAKE
    )
    world.social_worker.staff_profile.units.add(world.intake_unit)
    world.team_leader = f.StaffFactory(
        user=f.UserFactory(username="tove", municipality=world.solby, first_name="Tove"),
        roles=[Role.TEAM_LEADER],
        units=[world.intake_unit],
    ).user
    world.caseworker2 = f.StaffFactory(
        user=f.UserFactory(username="per", municipality=world.solby, first_name="Per"),
        roles=[Role.SOCIAL_WORKER],
        units=[world.intake_unit],
    ).user
    # Alma is in Jonas' class too (the teacher notifies about a child he works with).
    f.EnrolmentFactory(child=world.child, group=world.school_class)
    from cases.access import grants_rebuild

    grants_rebuild(child_ids=[world.child.pk])
    cache.clear()
    return world


@pytest.fixture
def ppr(intake):
    intake.ppr = f.UnitFactory(municipality=intake.solby, name="PPR Solby", type=UnitType.PPR)
    intake.psychologist = f.StaffFactory(
        user=f.UserFactory(username="pia", municipality=intake.solby, first_name="Pia"),
        roles=["ppr_psykolog"],
        units=[intake.ppr],
    ).user
    return intake
