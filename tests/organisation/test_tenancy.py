from trivsel.organisation import selectors


def test_it_lists_only_units_of_the_users_municipality(world):
    names = set(selectors.unit_list_visible_to(world.paedagog).values_list("name", flat=True))
    assert names == {"Børnehaven Mejsen", "Åskolen", "Familieafdelingen"}
    outsider_names = set(
        selectors.unit_list_visible_to(world.outsider).values_list("name", flat=True)
    )
    assert outsider_names == {"Nabohaven"}


def test_it_scopes_groups_staff_and_users(world):
    assert {g.name for g in selectors.group_list_visible_to(world.outsider)} == {"Nabostuen"}
    assert "ida" not in set(
        selectors.user_list_visible_to(world.paedagog).values_list("username", flat=True)
    )


def test_it_shows_the_municipal_admin_only_their_own_units(world, login):
    from trivsel.organisation.demo import _administrator_permissions

    world.administrator.user_permissions.set(_administrator_permissions())
    client = login(world.administrator)
    page = client.get("/admin/organisation/unit/").content.decode()
    assert "Børnehaven Mejsen" in page
    assert "Nabohaven" not in page
    # Another municipality's unit cannot be opened by id either.
    response = client.get(f"/admin/organisation/unit/{world.nabo_unit.pk}/change/")
    assert response.status_code == 302 or response.status_code == 404
    assert "Nabohaven" not in client.get(response.get("Location", "/admin/")).content.decode()


def test_it_puts_a_unit_created_by_a_municipal_admin_in_their_municipality(world, login):
    from trivsel.organisation.demo import _administrator_permissions
    from trivsel.organisation.models import Unit

    world.administrator.user_permissions.set(_administrator_permissions())
    client = login(world.administrator)
    response = client.post(
        "/admin/organisation/unit/add/",
        {
            "municipality": world.nabo_kommune.pk,  # tampered: must not land there
            "name": "Ny SFO",
            "type": "sfo",
            "district": "",
            "email": "",
            "groups-TOTAL_FORMS": "0",
            "groups-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form comes back: the other municipality is no choice
    assert not Unit.objects.filter(name="Ny SFO", municipality=world.nabo_kommune).exists()


def test_the_municipality_page_shows_its_closing_days_to_its_administrator(world, login):
    from datetime import date

    from trivsel.organisation.demo import _administrator_permissions
    from trivsel.organisation.models import ClosedDay

    ClosedDay.objects.create(municipality=world.solby, day=date(2027, 3, 8), name="Solbys dag")
    ClosedDay.objects.create(municipality=world.nabo_kommune, day=date(2027, 3, 8), name="Nabos")
    world.administrator.user_permissions.set(_administrator_permissions())
    client = login(world.administrator)
    page = client.get(f"/admin/organisation/municipality/{world.solby.pk}/change/")
    page = page.content.decode()
    assert "closed_days-TOTAL_FORMS" in page and "lukkedage" in page.lower()
    assert "Solbys dag" in page and "Nabos" not in page
    other = client.get(f"/admin/organisation/municipality/{world.nabo_kommune.pk}/change/")
    assert other.status_code in (302, 404)
