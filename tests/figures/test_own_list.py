"""Behind the figure "children without a joint assessment": the group's leader opens her own
list; nobody else reaches a child through a figure."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.figures.conftest import count_figures
from trivsel.audit.models import AccessLogEntry, Basis


@pytest.fixture
def unassessed(figures_world):
    """A child in the kindergarten room with no joint assessment at all."""
    world = figures_world
    world.unassessed = f.ChildFactory(
        municipality=world.solby, first_name="Ukendt", last_name="Vurdering"
    )
    f.EnrolmentFactory(child=world.unassessed, group=world.room)
    from cases.access import grants_rebuild

    grants_rebuild(child_ids=[world.unassessed.pk])
    count_figures(world)
    return world


def test_the_leader_follows_the_figure_to_her_own_list(unassessed, login):
    client = login(unassessed.leader)
    page = client.get(reverse("figures:figures")).content.decode()
    url = reverse("screening:children_without_assessment", args=[unassessed.room.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ukendt Vurdering" in content and "Alma" in content  # Alma has none either
    assert AccessLogEntry.objects.filter(
        actor=unassessed.leader, child_id=unassessed.unassessed.pk
    ).exists()


@pytest.mark.parametrize("persona", ["fagchef", "paedagog", "teacher", "team_leader", "outsider"])
def test_nobody_else_opens_the_list_and_the_fagchef_gets_no_link(unassessed, login, persona):
    user = getattr(unassessed, persona)
    client = login(user)
    url = reverse("screening:children_without_assessment", args=[unassessed.room.pk])
    if persona == "fagchef":
        assert url not in client.get(reverse("figures:figures")).content.decode()
    assert client.get(url).status_code == 404
    assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()
