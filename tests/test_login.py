import re
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

WRONG = "this is not the password"


def post_login(client, username, password):
    return client.post("/log-ind/", {"username": username, "password": password})


def test_it_shows_a_danish_login_page(client):
    page = client.get("/log-ind/").content.decode()
    assert '<html lang="da">' in page
    assert "Log ind" in page
    assert "Brugernavn" in page and "Adgangskode" in page


def test_it_logs_in_and_lands_on_my_overview(world, client):
    response = post_login(client, "mette", PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_it_gives_the_same_answer_for_a_wrong_password_and_an_unknown_user(world, client):
    wrong_password = post_login(client, "mette", WRONG)
    unknown_user = post_login(client, "nobody-here", WRONG)
    assert wrong_password.status_code == unknown_user.status_code == 200
    message = "Brugernavn eller adgangskode er forkert"
    assert message in wrong_password.content.decode()
    assert message in unknown_user.content.decode()


def test_it_locks_the_login_after_five_failures_even_with_the_right_password(world, client):
    for _ in range(5):
        post_login(client, "mette", WRONG)
    response = post_login(client, "mette", PASSWORD)
    assert response.status_code == 429
    assert "for mange mislykkede forsøg" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_an_unknown_user_name_the_same_way(world, client):
    for _ in range(5):
        post_login(client, "nobody-here", WRONG)
    assert post_login(client, "nobody-here", WRONG).status_code == 429


def test_behind_a_proxy_the_lockout_follows_the_address_the_proxy_saw(world, client, settings):
    """Everyone arrives from the proxy's address: one person's five failures must not lock the
    name for a colleague elsewhere, and a forged X-Forwarded-For part does not escape the lock."""
    settings.PROXY_COUNT = 1
    through = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(5):
        forged = f"203.0.113.{n}, 198.51.100.7"
        client.post(
            "/log-ind/",
            {"username": "mette", "password": WRONG},
            HTTP_X_FORWARDED_FOR=forged,
            **through,
        )
    locked = client.post(
        "/log-ind/",
        {"username": "mette", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **through,
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        "/log-ind/",
        {"username": "mette", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
        **through,
    )
    assert elsewhere.status_code == 302


def test_a_deactivated_account_is_signed_out_at_its_next_request(world, client):
    post_login(client, "mette", PASSWORD)
    assert client.get("/").status_code == 200
    world.paedagog.is_active = False
    world.paedagog.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/log-ind/")


def test_every_page_loads_the_user_with_municipality_and_staff_profile_at_once(
    world, client, django_assert_num_queries
):
    post_login(client, "mette", PASSWORD)
    # The bell's count uses the user but shows neither: what it holds came with the user.
    request = client.get(reverse("notifications:bell")).wsgi_request
    with django_assert_num_queries(0):
        assert request.user.municipality.name == "Solby Kommune"
        assert request.user.staff_profile.roles


def test_it_logs_out(world, client):
    post_login(client, "mette", PASSWORD)
    response = client.post("/log-ud/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_it_ends_an_idle_session_after_thirty_minutes(world, client):
    post_login(client, "mette", PASSWORD)
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert client.get("/").status_code == 200  # activity keeps the session alive
    with time_machine.travel(timezone.now() + timedelta(minutes=20 + 31)):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


@override_settings(DEMO_PASSWORD_ALLOWED=False)
def test_it_refuses_the_demo_password_outside_the_demo(world, client):
    world.paedagog.set_password("demo")
    world.paedagog.save()
    response = post_login(client, "mette", "demo")
    assert "_auth_user_id" not in client.session
    assert "Brugernavn eller adgangskode er forkert" in response.content.decode()


# The reset mail and the same answer for an unknown address: tests/security/test_password_reset.py


def test_it_explains_a_malformed_reset_address_in_danish(db, client):
    page = client.post("/nulstil-adgangskode/", {"email": "not an address"}).content.decode()
    assert "Indtast en gyldig e-mail-adresse" in page


@pytest.mark.parametrize("path", ["/log-ind/", "/"])
def test_it_sends_a_strict_content_security_policy(world, client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


# --- Password spraying (issue #14 point 2) ------------------------------------------------------

STAFF_NAMES = ["mette", "jonas", "lone", "sara", "henrik", "ida", "maria"]


def post_login_from(client, username, password, address):
    return client.post(
        "/log-ind/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_spraying_many_user_names_from_one_address_locks_that_address(world, client):
    """Four wrong passwords for each of many names, some real, some not: no name reaches the
    per-name lock, but the address has used up its 30 failures in 15 minutes."""
    names = STAFF_NAMES + [f"gaet{n}" for n in range(1, 7)]
    attempts = [name for name in names for _ in range(4)][:31]
    responses = [post_login_from(client, name, WRONG, "198.51.100.20") for name in attempts]
    assert [r.status_code for r in responses[:29]] == [200] * 29
    assert responses[30].status_code == 429
    # Even the right password of a colleague who never failed is refused from that address.
    colleague = post_login_from(client, "lone", PASSWORD, "198.51.100.20")
    assert colleague.status_code == 429
    assert "for mange mislykkede forsøg" in colleague.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert post_login_from(client, "lone", PASSWORD, "198.51.100.21").status_code == 302


def test_a_shared_address_tolerates_a_staff_rooms_typing_errors(world, client):
    """A school's staff behind one address: 29 failures across names leave the others in."""
    for n in range(29):
        post_login_from(client, f"kollega{n}", WRONG, "198.51.100.30")
    assert post_login_from(client, "mette", PASSWORD, "198.51.100.30").status_code == 302


def test_one_user_name_tried_from_many_addresses_is_locked(world, client):
    for n in range(10):
        response = post_login_from(client, "mette", WRONG, f"203.0.113.{n + 1}")
    assert response.status_code == 429
    # The right password from an address that never failed does not get in either.
    locked = post_login_from(client, "mette", PASSWORD, "203.0.113.99")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Colleagues at those addresses are not locked out.
    assert post_login_from(client, "jonas", PASSWORD, "203.0.113.1").status_code == 302


def lockout_page(response):
    """The page as the person sees it: the CSRF token is masked afresh on every response."""
    assert response.status_code == 429
    page = response.content.decode()
    page = re.sub(r'"X-CSRFToken": "\w+"', "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page)


def test_the_lockout_answer_is_the_same_for_a_real_and_an_unknown_user_name(world, client):
    for n in range(10):
        post_login_from(client, "mette", WRONG, f"203.0.113.{n + 1}")
        post_login_from(client, "nobody-here", WRONG, f"203.0.113.{n + 101}")
    real = lockout_page(post_login_from(client, "mette", PASSWORD, "192.0.2.1"))
    unknown = lockout_page(post_login_from(client, "nobody-here", PASSWORD, "192.0.2.2"))
    assert real == unknown
    assert "mette" not in real and "nobody-here" not in unknown


def test_a_locked_address_answers_the_same_for_a_real_and_an_unknown_user_name(world, client):
    for n in range(30):
        post_login_from(client, f"gaet{n}", WRONG, "198.51.100.40")
    real = lockout_page(post_login_from(client, "sara", PASSWORD, "198.51.100.40"))
    unknown = lockout_page(post_login_from(client, "nobody-here", WRONG, "198.51.100.40"))
    assert real == unknown


def test_the_address_and_name_limits_are_settings(world, client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ["a", "b", "c"]:
        post_login_from(client, name, WRONG, "198.51.100.50")
    assert post_login_from(client, "mette", PASSWORD, "198.51.100.50").status_code == 429


def test_the_spraying_lock_ends_after_the_window(world, client):
    for n in range(30):
        post_login_from(client, f"gaet{n}", WRONG, "198.51.100.60")
    assert post_login_from(client, "mette", PASSWORD, "198.51.100.60").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert post_login_from(client, "mette", PASSWORD, "198.51.100.60").status_code == 302


def test_failed_logins_are_kept_for_a_month_then_deleted_by_the_nightly_job(db, client):
    from axes.models import AccessFailureLog

    from trivsel.organisation.tasks import login_failures_prune_task

    with time_machine.travel(timezone.now() - timedelta(days=31)):
        client.post(reverse("login"), {"username": "gammel", "password": "forkert"})
    client.post(reverse("login"), {"username": "ny", "password": "forkert"})
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {"gammel", "ny"}

    assert login_failures_prune_task() == 1
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["ny"]
