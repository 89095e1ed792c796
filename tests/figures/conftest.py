from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f
from trivsel.organisation.models import Role


@pytest.fixture
def figures_world(world):
    """The world plus a team leader and a fagchef in Solby, a closed round in the kindergarten
    room with eight agreed positions (six green, two yellow) and one in the school class."""
    from screening.defaults import install_default_templates
    from screening.models import FormTemplate, JointAssessment, Round

    world.team_leader = f.StaffFactory(
        user=f.UserFactory(username="tove", municipality=world.solby, first_name="Tove"),
        roles=[Role.TEAM_LEADER],
        units=[world.authority],
    ).user
    world.fagchef = f.StaffFactory(
        user=f.UserFactory(username="frede", municipality=world.solby, first_name="Frede"),
        roles=[Role.MANAGEMENT],
    ).user
    install_default_templates(FormTemplate)
    template = FormTemplate.objects.filter(municipality=None).first()
    deadline = timezone.localdate() - timedelta(days=20)

    def closed_round(group, positions):
        round_ = Round.objects.create(
            group=group, template=template, deadline=deadline, opened_by=world.leader
        )
        for position in positions:
            child = f.ChildFactory(municipality=world.solby)
            f.EnrolmentFactory(child=child, group=group, start=deadline - timedelta(days=200))
            JointAssessment.objects.create(
                round=round_, child=child, position=position, decided_by=world.leader
            )
        return round_

    world.room_round = closed_round(world.room, ["groen"] * 6 + ["gul"] * 2)
    world.class_round = closed_round(world.school_class, ["groen"] * 9 + ["roed"] * 3)
    count_figures(world)
    return world


def count_figures(world):
    """What the figures job does every hour: the page reads these counts."""
    from trivsel.figures.counting import figures_count

    figures_count(municipality_id=world.solby.pk)
    figures_count(municipality_id=world.nabo_kommune.pk)


def more_rounds(world, *, count):
    """More rounds with assessments in both units: the figures must not cost more queries."""
    from screening.models import FormTemplate, JointAssessment, Round

    template = FormTemplate.objects.filter(municipality=None).first()
    for days in range(count):
        for group in (world.room, world.school_class):
            round_ = Round.objects.create(
                group=group,
                template=template,
                deadline=timezone.localdate() - timedelta(days=40 + days),
                opened_by=world.leader,
            )
            child = f.ChildFactory(municipality=world.solby)
            f.EnrolmentFactory(child=child, group=group)
            JointAssessment.objects.create(
                round=round_, child=child, position="gul", decided_by=world.leader
            )
    count_figures(world)
