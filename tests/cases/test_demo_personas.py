"""The demo logins against the demo child of `foraelder`: who sees it, on which basis."""

import pytest
from django.core.management import call_command

from cases.models import Guardian
from trivsel.audit.models import AccessLogEntry, Basis
from trivsel.organisation.models import User

EXPECTED = {
    "paedagog": Basis.ENROLMENT,  # her group
    "leder": Basis.ENROLMENT,  # her unit
    "ppr": Basis.CONSENT,  # the parents consented to PPR
    "foraelder": Basis.GUARDIAN,
    "laerer": None,  # the handover consent still awaits the parent
    "skoleleder": None,
    "sundhedsplejerske": None,
    "socialraadgiver": None,  # no case about this child
    "teamleder": None,
    "admin": None,
    "nabo": None,  # another municipality
    "ung": None,  # a young person sees their own record only
}


@pytest.fixture
def demo_child(db):
    call_command("seed_demo", verbosity=0)
    return Guardian.objects.get(user__username="foraelder").children.get()


@pytest.mark.parametrize("username, basis", EXPECTED.items())
def test_the_demo_personas_see_the_child_only_with_a_basis(demo_child, client, username, basis):
    user = User.objects.get(username=username)
    client.force_login(user, backend="trivsel.organisation.backends.StaffModelBackend")
    response = client.get(f"/boern/{demo_child.pk}/")
    logged = AccessLogEntry.objects.filter(actor=user, child_id=demo_child.pk)
    if basis:
        assert response.status_code == 200
        assert logged.filter(basis=basis).exists()
    else:
        assert response.status_code == 404
        assert not logged.exists()
        assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()
