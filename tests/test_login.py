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
