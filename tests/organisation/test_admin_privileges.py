"""Administrators cannot raise their own privileges (issue #14 point 4): nobody edits their own
roles, units, groups or permissions; a municipal administrator never reaches a platform
superuser or another municipality's people; every change of someone's roles, units, groups or
active state is logged (who, whose, old → new) and shown to the other administrators."""

from html.parser import HTMLParser

import pytest

from tests import factories as f
from trivsel.audit.models import AccessLogEntry, Action, Basis
from trivsel.organisation.demo import _administrator_permissions
from trivsel.organisation.models import Role, StaffProfile, UnitType


class FormParser(HTMLParser):
    """The values a browser would send back from the admin's change form, unchanged."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self.names = set()
        self._select = None
        self._textarea = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button"}:
            self.names.add(name)
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            else:
                self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self.names.add(name)
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.names.add(name)
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def change_form(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = FormParser()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def admins(world, login):
    """Henrik and Anne administer Solby; an intake unit; a platform superuser who also sits in
    Solby."""
    world.administrator.user_permissions.set(_administrator_permissions())
    world.intake = f.UnitFactory(municipality=world.solby, name="Modtagelsen", type=UnitType.INTAKE)
    anne = f.UserFactory(username="anne", municipality=world.solby, is_staff=True)
    anne.user_permissions.set(_administrator_permissions())
    f.StaffFactory(user=anne, roles=[Role.ADMINISTRATOR], title="Administrator")
    world.second_administrator = anne
    root = f.UserFactory(
        username="root", municipality=world.solby, is_staff=True, is_superuser=True
    )
    f.StaffFactory(user=root, roles=[Role.SOCIAL_WORKER], units=[world.authority])
    world.superuser = root
    world.client = login(world.administrator)
    return world


def profile_url(profile):
    return f"/admin/organisation/staffprofile/{profile.pk}/change/"


def user_url(user):
    return f"/admin/organisation/user/{user.pk}/change/"


def test_an_administrator_cannot_make_herself_a_social_worker_in_the_intake_unit(admins):
    client = admins.client
    own = admins.administrator.staff_profile
    form = change_form(client, profile_url(own))
    assert "roles" not in form.names and "units" not in form.names and "groups" not in form.names
    assert "Du kan ikke ændre dine egne roller" in client.get(profile_url(own)).content.decode()
    # A request made by hand is not obeyed either.
    response = client.post(
        profile_url(own),
        {
            "user": admins.administrator.pk,
            "title": "Administrator",
            "roles": "administrator,socialraadgiver",
            "units": [admins.intake.pk],
        },
    )
    assert response.status_code == 302  # the profile is saved, without the fields she may not set
    own.refresh_from_db()
    assert own.roles == [Role.ADMINISTRATOR]
    assert list(own.units.all()) == []
    # Nor can she delete her own profile (to set up a new one).
    assert client.get(f"/admin/organisation/staffprofile/{own.pk}/delete/").status_code == 403
    bulk = client.post(
        "/admin/organisation/staffprofile/",
        {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    assert StaffProfile.objects.filter(pk=own.pk).exists()


def test_another_administrator_can_change_her_roles(admins, login):
    client = login(admins.second_administrator)
    own = admins.administrator.staff_profile
    form = change_form(client, profile_url(own))
    assert "roles" in form.names
    data = form.data | {"roles": ["administrator,leder"], "units": [str(admins.kindergarten.pk)]}
    assert client.post(profile_url(own), data).status_code == 302
    own.refresh_from_db()
    assert own.roles == [Role.ADMINISTRATOR, Role.LEADER]
    entry = AccessLogEntry.objects.get(object_id=str(admins.administrator.pk))
    assert entry.actor == admins.second_administrator


def test_she_cannot_give_herself_a_profile_or_take_over_a_colleagues(admins, login):
    """An administrator without a staff profile of her own: no profile for herself, and no
    colleague's profile (with its roles) moved to her account."""
    newcomer = f.UserFactory(username="nina", municipality=admins.solby, is_staff=True)
    newcomer.user_permissions.set(_administrator_permissions())
    client = login(newcomer)
    client.post(
        "/admin/organisation/staffprofile/add/",
        {"user": newcomer.pk, "title": "", "roles": "socialraadgiver"},
    )
    assert not StaffProfile.objects.filter(user=newcomer).exists()
    autocomplete = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "organisation",
            "model_name": "staffprofile",
            "field_name": "user",
            "term": "",
        },
    ).json()
    offered = {row["text"] for row in autocomplete["results"]}
    assert "nina" not in offered
    assert "jonas" in offered
    assert "ida" not in offered and "root" not in offered  # Nabo's pædagog, the superuser

    sara = admins.social_worker.staff_profile
    form = change_form(client, profile_url(sara))
    assert "user" not in form.names
    client.post(profile_url(sara), form.data | {"user": [str(newcomer.pk)]})
    sara.refresh_from_db()
    assert sara.user == admins.social_worker
    assert not StaffProfile.objects.filter(user=newcomer).exists()


def test_her_own_account_keeps_its_active_state_and_admin_access(admins):
    client = admins.client
    own = admins.administrator
    form = change_form(client, user_url(own))
    assert "is_active" not in form.names and "is_staff" not in form.names
    assert "municipality" not in form.names
    data = dict(form.data)
    data.pop("is_staff", None)  # "unticked"
    client.post(user_url(own), data)
    own.refresh_from_db()
    assert own.is_staff and own.is_active
    # Her colleagues' accounts she can still manage.
    assert "is_active" in change_form(client, user_url(admins.teacher)).names


def test_a_superuser_is_out_of_a_municipal_administrators_reach(admins):
    client = admins.client
    root = admins.superuser
    users = client.get("/admin/organisation/user/").content.decode()
    assert ">jonas<" in users
    assert ">root<" not in users and ">ida<" not in users
    assert client.get("/admin/organisation/user/?q=root").content.decode().count(">root<") == 0
    # Not by id: the admin answers as for a person who does not exist.
    response = client.get(user_url(root))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.post(user_url(root), {"username": "root", "is_active": ""})
    root.refresh_from_db()
    assert root.is_active and root.is_superuser
    # Nor their staff profile.
    profiles = client.get("/admin/organisation/staffprofile/").content.decode()
    assert root.get_full_name() not in profiles
    assert client.get(profile_url(root.staff_profile)).status_code == 302
    # Nor in the autocomplete that picks a staff profile's person.
    autocomplete = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "organisation",
            "model_name": "staffprofile",
            "field_name": "user",
            "term": "r",
        },
    ).json()
    assert "root" not in {row["text"] for row in autocomplete["results"]}
    # Nor in the user list's filters (the auth groups of every municipality).
    assert "groups__id__exact" not in users


def test_every_change_of_roles_units_and_active_state_is_logged_and_shown(admins, login):
    client = admins.client
    sara = admins.social_worker.staff_profile
    form = change_form(client, profile_url(sara))
    data = form.data | {
        "roles": ["socialraadgiver,teamleder"],
        "units": [str(admins.authority.pk), str(admins.intake.pk)],
    }
    assert client.post(profile_url(sara), data).status_code == 302

    form = change_form(client, user_url(admins.teacher))
    data = dict(form.data)
    data.pop("is_active")
    assert client.post(user_url(admins.teacher), data).status_code == 302

    entries = AccessLogEntry.objects.filter(
        action=Action.CHANGE, basis=Basis.ADMINISTRATION, actor=admins.administrator
    )
    by_person = {e.object_id: e for e in entries}
    roles_entry = by_person[str(admins.social_worker.pk)]
    assert roles_entry.municipality == admins.solby
    assert "Roller: Socialrådgiver → Socialrådgiver, Teamleder (socialområdet)" in (
        roles_entry.detail
    )
    assert "Enheder: Familieafdelingen → Familieafdelingen, Modtagelsen" in roles_entry.detail
    assert "Aktiv: ja → nej" in by_person[str(admins.teacher.pk)].detail

    # Anne, the other administrator, sees it on Sara's page and in the access log.
    other = login(admins.second_administrator)
    page = other.get(user_url(admins.social_worker)).content.decode()
    assert "ændret af henrik" in page
    assert "Modtagelsen" in page
    log = other.get("/adgangslog/").content.decode()
    assert "Ændring af roller og adgang" in log
    assert "Aktiv: ja → nej" in log


def test_a_superusers_change_is_shown_to_the_municipalitys_administrators(admins, login):
    platform = f.UserFactory(
        username="platform", municipality=None, is_staff=True, is_superuser=True
    )
    client = login(platform)
    sara = admins.social_worker.staff_profile
    form = change_form(client, profile_url(sara))
    client.post(profile_url(sara), form.data | {"units": [str(admins.intake.pk)]})
    log = login(admins.administrator).get("/adgangslog/").content.decode()
    assert "Enheder: Familieafdelingen → Modtagelsen" in log


def test_setting_a_colleagues_password_is_shown_to_the_other_administrators(admins, login):
    """Whoever sets a social worker's password can sign in with her roles: it is told."""
    url = f"/admin/organisation/user/{admins.social_worker.pk}/password/"
    new_password = "Et helt nyt kodeord 2026"  # noqa: S105
    response = admins.client.post(
        url, {"password1": new_password, "password2": new_password, "usable_password": "true"}
    )
    assert response.status_code == 302
    page = login(admins.second_administrator).get(user_url(admins.social_worker))
    assert "Adgangskode: – → sat af en administrator" in page.content.decode()
