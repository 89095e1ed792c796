"""The layout around every signed-in page (templates/base.html): what its header shows and what
it costs. /bench-layout/ (bench/urls.py) is an empty page in that layout, the floor of every
page of the product."""

import pytest
from django.urls import set_script_prefix

from tests import factories as f
from trivsel.organisation.models import Role

pytestmark = pytest.mark.urls("bench.urls")


def test_the_header_names_every_unit_of_the_signed_in_person_in_order(world, login):
    leader = f.StaffFactory(
        user=f.UserFactory(username="birte", municipality=world.solby, first_name="Birte"),
        roles=[Role.LEADER],
        units=[world.school, world.kindergarten],
    ).user
    page = login(leader).get("/bench-layout/").content.decode()
    assert "Birte" in page
    assert "· Leder · Børnehaven Mejsen, Åskolen" in page


def test_the_header_of_a_guardian_names_no_unit(world, login):
    page = login(world.guardian).get("/bench-layout/").content.decode()
    assert "Maria" in page
    assert "Børnehaven Mejsen" not in page


def test_an_empty_signed_in_page_costs_two_queries(world, login, django_assert_max_num_queries):
    client = login(world.paedagog)
    client.get("/bench-layout/")  # the first request marks the session as active
    # The session row, then the user with municipality, staff profile and unit names.
    with django_assert_max_num_queries(2):
        page = client.get("/bench-layout/").content.decode()
    assert "· Pædagog · Børnehaven Mejsen" in page


def test_the_menu_links_follow_the_address_the_product_is_served_under(world, login):
    """The layout's addresses are built once per process; one served under a sub-path (a proxy's
    SCRIPT_NAME) is built for that path, not taken from another request."""
    client = login(world.paedagog)
    assert 'href="/boern/"' in client.get("/bench-layout/").content.decode()
    # What Django's WSGI handler does with SCRIPT_NAME (the test client leaves it out).
    set_script_prefix("/trivsel/")
    try:
        page = client.get("/bench-layout/").content.decode()
    finally:
        set_script_prefix("/")
    assert 'href="/trivsel/boern/"' in page
    assert 'href="/boern/"' not in page
    assert 'href="/boern/"' in client.get("/bench-layout/").content.decode()
