import logging

from tests.factories import ChildFactory
from trivsel.audit.cpr import mask_cpr
from trivsel.audit.logging import MaskCprFilter
from trivsel.audit.models import AccessLogEntry, Action, Basis
from trivsel.audit.services import access_log_record


def test_it_masks_every_cpr_shaped_number():
    assert mask_cpr("søgte på 1705214123 og 010203-4567") == "søgte på 170521-XXXX og 010203-XXXX"
    assert (
        mask_cpr("telefon 12345678 og sag 123456789012") == "telefon 12345678 og sag 123456789012"
    )


def test_it_records_who_what_and_basis_with_the_cpr_masked(world):
    entry = access_log_record(
        actor=world.paedagog,
        action=Action.SEARCH,
        basis=Basis.ENROLMENT,
        detail="søgning: 1705214123",
    )
    entry.refresh_from_db()
    assert entry.municipality == world.solby
    assert entry.actor == world.paedagog
    assert entry.detail == "søgning: 170521-XXXX"


def test_it_keeps_cpr_numbers_out_of_log_lines(caplog):
    record = logging.LogRecord("x", logging.INFO, "f", 1, "GET /?q=%s", ("1705214123",), None)
    MaskCprFilter().filter(record)
    assert record.getMessage() == "GET /?q=170521-XXXX"


def _entries(world):
    child = ChildFactory(municipality=world.solby)
    access_log_record(
        actor=world.paedagog,
        action=Action.READ,
        basis=Basis.ENROLMENT,
        obj=child,
        child_id=child.pk,
        purpose="Oversigt",
    )
    access_log_record(
        actor=world.social_worker, action=Action.SEARCH, basis=Basis.STATUTORY, detail="1705214123"
    )
    access_log_record(
        actor=world.outsider, action=Action.READ, basis=Basis.ENROLMENT, purpose="Nabosag"
    )


def test_it_lets_the_administrator_browse_their_municipality(world, login):
    _entries(world)
    page = login(world.administrator).get("/adgangslog/").content.decode()
    assert "mette" in page and "sara" in page
    assert "Nabosag" not in page
    assert "170521-XXXX" in page and "1705214123" not in page


def test_it_filters_by_action_and_user(world, login):
    _entries(world)
    client = login(world.administrator)
    page = client.get("/adgangslog/", {"action": "search"}).content.decode()
    assert "sara" in page and "Oversigt" not in page
    page = client.get("/adgangslog/", {"actor": "mette"}).content.decode()
    assert "Oversigt" in page and "170521-XXXX" not in page


def test_it_explains_a_bad_date_filter_in_danish(world, login):
    page = (
        login(world.administrator)
        .get("/adgangslog/", {"since": "31.02.2026", "until": "hello"})
        .content.decode()
    )
    assert "Indtast en gyldig dato" in page


def test_it_refuses_the_log_to_everyone_but_administrators(world, login):
    for user in (world.paedagog, world.leader, world.social_worker, world.guardian):
        assert login(user).get("/adgangslog/").status_code == 403


def test_it_pins_the_query_count(world, login, django_assert_max_num_queries):
    for _ in range(30):
        _entries(world)
    client = login(world.administrator)
    with django_assert_max_num_queries(10):
        assert client.get("/adgangslog/").status_code == 200
    assert AccessLogEntry.objects.count() == 90
