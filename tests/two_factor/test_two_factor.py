"""Two-factor login (issue #14 point 1): TOTP with a QR code and recovery codes, the second step
after the password, and the roles that must use it."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD
from trivsel.audit.models import AccessLogEntry, Action

from .helpers import ENROL_URL, VERIFY_URL, app_code, enrol, post_login


def test_it_enrols_with_a_qr_code_and_a_code_from_the_app(world, client):
    post_login(client, "mette")
    page = client.get("/min-side/").content.decode()
    assert "Totrinsbekræftelse er slået fra" in page
    assert ENROL_URL in page

    enrol_page = client.get(ENROL_URL)
    assert '<svg class="trivsel-qr" role="img"' in enrol_page.content.decode()
    # The secret must not be kept by a browser's or a proxy's cache.
    assert "no-store" in enrol_page["Cache-Control"]
    _key, codes = enrol(client)

    assert len(codes) == 10 and len(set(codes)) == 10
    page = client.get("/min-side/").content.decode()
    assert "Totrinsbekræftelse er slået til" in page
    assert "10 ubrugte gendannelseskoder" in page
    # The recovery codes are shown once, never again.
    again = client.get("/min-side/totrinsbekraeftelse/gendannelseskoder/", follow=True)
    assert codes[0] not in again.content.decode()
    assert "vises kun én gang" in again.content.decode()
    entry = AccessLogEntry.objects.get(actor=world.paedagog, action=Action.CREATE)
    assert entry.purpose == "Totrinsbekræftelse slået til"


def test_it_refuses_a_wrong_first_code_in_danish(world, client):
    post_login(client, "mette")
    client.get(ENROL_URL)
    page = client.post(ENROL_URL, {"code": "000000"}).content.decode()
    assert "Koden passer ikke" in page
    assert "Totrinsbekræftelse er slået fra" in client.get("/min-side/").content.decode()


def test_after_enrolling_the_login_asks_for_the_code(world, client):
    post_login(client, "mette")
    key, _codes = enrol(client)
    client.post("/log-ud/")

    response = post_login(client, "mette")
    assert response["Location"].startswith(VERIFY_URL)
    # The step's page has no menu and no bell: nothing that would only lead back to it.
    step_page = client.get(response["Location"]).content.decode()
    assert "Indtast din kode" in step_page
    assert reverse("notifications:bell") not in step_page and "/boern/" not in step_page
    # Signed in with the password only: no page opens yet.
    for path in ["/", "/boern/", reverse("notifications:list"), "/min-side/", ENROL_URL]:
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked["Location"].startswith(VERIFY_URL), path

    response = client.post(VERIFY_URL, {"code": app_code(key, steps_ahead=1), "next": "/boern/"})
    assert response.status_code == 302 and response["Location"] == "/boern/"
    assert client.get("/").status_code == 200


def test_it_refuses_a_wrong_code_in_danish(world, client):
    post_login(client, "mette")
    enrol(client)
    client.post("/log-ud/")
    post_login(client, "mette")

    response = client.post(VERIFY_URL, {"code": "123456"})
    assert response.status_code == 200
    assert "Koden er forkert" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_recovery_code_works_once(world, client):
    post_login(client, "mette")
    _key, codes = enrol(client)
    client.post("/log-ud/")

    post_login(client, "mette")
    used = client.post(VERIFY_URL, {"code": codes[3].upper()}, follow=True)
    assert used.status_code == 200
    assert "Du har brugt en gendannelseskode. Du har 9 tilbage." in used.content.decode()
    assert client.get("/").status_code == 200
    client.post("/log-ud/")

    post_login(client, "mette")
    again = client.post(VERIFY_URL, {"code": codes[3]})
    assert "Koden er forkert" in again.content.decode()
    assert client.get("/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(world, client):
    post_login(client, "mette")
    _key, old = enrol(client)
    response = client.post("/min-side/totrinsbekraeftelse/nye-gendannelseskoder/", follow=True)
    page = response.content.decode()
    assert old[0] not in page
    client.post("/log-ud/")
    post_login(client, "mette")
    assert "Koden er forkert" in client.post(VERIFY_URL, {"code": old[0]}).content.decode()


def test_five_wrong_codes_lock_the_login_like_five_wrong_passwords(world, client):
    post_login(client, "mette")
    enrol(client)
    client.post("/log-ud/")
    post_login(client, "mette")

    for _ in range(4):
        assert client.post(VERIFY_URL, {"code": "123456"}).status_code == 200
    locked = client.post(VERIFY_URL, {"code": "123456"})
    assert locked.status_code == 429
    assert "for mange mislykkede forsøg" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The right password does not help for the rest of the cool-off.
    assert post_login(client, "mette").status_code == 429
    # The lockout's own record keeps the attempts, not the codes tried.
    assert "123456" not in AccessAttempt.objects.get(username="mette").post_data


def test_a_user_may_turn_it_off_and_logs_in_with_the_password_again(world, client):
    post_login(client, "mette")
    enrol(client)
    response = client.post("/min-side/totrinsbekraeftelse/slaa-fra/", follow=True)
    assert "Totrinsbekræftelse er slået fra" in response.content.decode()
    assert AccessLogEntry.objects.filter(actor=world.paedagog, action=Action.DELETE).exists()
    client.post("/log-ud/")
    assert post_login(client, "mette")["Location"] == "/"


def test_in_the_demo_and_the_tests_no_role_must_use_it(world, client, settings):
    assert settings.TWO_FACTOR_REQUIRED is False
    response = post_login(client, "sara")
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    # But she may turn it on from her own page.
    assert ENROL_URL in client.get("/min-side/").content.decode()


@pytest.fixture
def required(settings):
    """Production's rule: administrators and the social-work side must use two-factor login."""
    settings.TWO_FACTOR_REQUIRED = True


@pytest.mark.parametrize("username", ["sara", "henrik"])
def test_a_required_role_reaches_nothing_before_enrolling(world, client, required, username):
    response = post_login(client, username)
    assert response["Location"].startswith(ENROL_URL)
    for path in ["/", "/boern/", "/adgangslog/", "/admin/", "/min-side/"]:
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked["Location"].startswith(ENROL_URL), path
    page = client.get(ENROL_URL).content.decode()
    assert "Din rolle kræver totrinsbekræftelse" in page
    assert reverse("notifications:bell") not in page and "/boern/" not in page

    enrol(client)
    assert client.get("/").status_code == 200
    page = client.get("/min-side/").content.decode()
    # Required: it cannot be turned off, by the button or by a handmade request.
    assert "/min-side/totrinsbekraeftelse/slaa-fra/" not in page
    refused = client.post("/min-side/totrinsbekraeftelse/slaa-fra/", follow=True)
    assert "kan ikke slås fra" in refused.content.decode()
    assert "Totrinsbekræftelse er slået til" in refused.content.decode()


def test_a_role_that_is_not_required_may_choose(world, client, required):
    assert post_login(client, "mette")["Location"] == "/"
    assert client.get("/boern/").status_code == 200
    page = client.get("/min-side/").content.decode()
    assert "Totrinsbekræftelse er slået fra" in page and ENROL_URL in page


def test_the_admin_asks_an_enrolled_administrator_for_the_code(world, client, required):
    post_login(client, "henrik")
    key, _codes = enrol(client)
    client.post("/log-ud/")
    client.post("/admin/login/", {"username": "henrik", "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY_URL)
    client.post(VERIFY_URL, {"code": app_code(key, steps_ahead=1)})
    assert client.get("/admin/").status_code == 200


def test_a_session_from_before_two_factor_is_sent_to_enrol(world, client, required):
    """Sessions signed in before the deployment have no second step recorded: they get one."""
    post_login(client, "sara")
    session = client.session
    del session["_two_factor"]
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL_URL)


def test_htmx_requests_are_sent_to_the_step_as_a_whole_page(world, client, required):
    post_login(client, "sara")
    response = client.get(reverse("notifications:bell"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == ENROL_URL
