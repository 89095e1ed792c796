"""Staff from the identity provider over SCIM 2.0: a municipality's token provisions and
deprovisions its own staff only; deactivating in the provider deactivates here."""

import json

import pytest
from django.core.management import call_command

from trivsel.audit.models import AccessLogEntry
from trivsel.organisation.models import ProvisioningToken, Role, User
from trivsel.organisation.scim import token_create

SCIM = "application/scim+json"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def provider(world, client):
    token = token_create(municipality=world.solby, name="Entra ID")

    def call(method, path, body=None, token=token):
        return getattr(client, method)(
            f"/scim/v2/{path}",
            data=json.dumps(body) if body is not None else None,
            content_type=SCIM,
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return call


NEW = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "anja@solby.invalid",
    "name": {"givenName": "Anja", "familyName": "Lund"},
    "emails": [{"value": "anja@solby.invalid", "primary": True}],
    "roles": [{"value": "paedagog"}],
    "active": True,
}


def test_it_provisions_finds_and_deprovisions_a_staff_member(world, provider, client):
    created = provider("post", "Users", NEW)
    assert created.status_code == 201
    person = User.objects.get(username="anja@solby.invalid")
    assert person.municipality == world.solby and person.staff_profile.roles == [Role.PAEDAGOG]
    assert not person.has_usable_password()
    assert created.json()["id"] == str(person.pk)

    found = provider("get", 'Users?filter=userName eq "ANJA@solby.invalid"').json()
    assert found["totalResults"] == 1 and found["Resources"][0]["userName"] == person.username

    patch = {
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    assert provider("patch", f"Users/{person.pk}", patch).json()["active"] is False
    person.refresh_from_db()
    assert not person.is_active
    assert AccessLogEntry.objects.filter(object_id=str(person.pk), detail__contains="→").exists()

    # Back again (Entra ID sends the value without a path), then deleted: deactivated, kept.
    patch = {"schemas": [PATCH], "Operations": [{"op": "Replace", "value": {"active": "True"}}]}
    assert provider("patch", f"Users/{person.pk}", patch).json()["active"] is True
    assert provider("delete", f"Users/{person.pk}").status_code == 204
    person.refresh_from_db()
    assert not person.is_active

    assert provider("post", "Users", NEW).status_code == 409


def test_a_token_reaches_its_own_municipalitys_staff_only(world, provider):
    listed = provider("get", "Users").json()
    names = {r["userName"] for r in listed["Resources"]}
    assert "mette" in names and "henrik" in names
    assert "ida" not in names  # the neighbour's pædagog
    assert "maria" not in names  # a guardian's login is not the provider's
    assert provider("get", f"Users/{world.outsider.pk}").status_code == 404
    patch = {
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    assert provider("patch", f"Users/{world.outsider.pk}", patch).status_code == 404
    world.outsider.refresh_from_db()
    assert world.outsider.is_active


def test_without_a_valid_token_nothing_answers(world, provider):
    assert provider("get", "Users", token="wrong").status_code == 401
    assert provider("post", "Users", NEW, token="").status_code == 401
    assert not User.objects.filter(username="anja@solby.invalid").exists()


def test_bad_requests_get_scim_errors_and_change_nothing(world, provider):
    assert (
        provider("post", "Users", {**NEW, "roles": [{"value": "administrator"}]}).json()["scimType"]
        == "invalidValue"
    )
    assert provider("post", "Users", {**NEW, "userName": ""}).status_code == 400
    assert provider("get", 'Users?filter=emails co "x"').json()["scimType"] == "invalidFilter"
    assert not User.objects.filter(username="anja@solby.invalid").exists()
    # The administrator's own role stays when the provider sends her roles.
    admin = world.administrator
    answer = provider(
        "put",
        f"Users/{admin.pk}",
        {**NEW, "userName": admin.username, "roles": [{"value": "leder"}]},
    )
    assert answer.status_code == 200
    admin.refresh_from_db()
    assert admin.staff_profile.roles == [Role.LEADER, Role.ADMINISTRATOR]


GARBAGE = [
    [],
    {"userName": {"x": 1}},
    {"userName": "x" * 300},
    {"userName": "a@b.invalid", "name": "Anja", "emails": "a", "roles": [{"value": {}}]},
    {"userName": "a@b.invalid", "active": "maybe"},
    {"schemas": [PATCH], "Operations": {"op": "replace"}},
    {"schemas": [PATCH], "Operations": [{"op": "replace", "value": 7}]},
    {"schemas": [PATCH], "Operations": [{"op": "remove", "path": "active"}]},
]


def test_garbage_gets_a_400_never_a_500(world, provider):
    before = User.objects.count()
    for body in GARBAGE:
        assert provider("post", "Users", body).status_code in (400, 409), body
        assert provider("patch", f"Users/{world.paedagog.pk}", body).status_code == 400, body
    assert provider("put", "Users/abc", NEW).status_code == 404
    assert User.objects.count() == before
    world.paedagog.refresh_from_db()
    assert world.paedagog.is_active and world.paedagog.first_name == "Mette"


def test_the_command_prints_a_token_once_and_keeps_its_hash(world, capsys):
    call_command("scim_token", municipality="901")
    token = capsys.readouterr().out.strip()
    stored = ProvisioningToken.objects.get(municipality=world.solby)
    assert len(token) > 30 and token not in stored.token_hash
