"""Signing in through the municipality's OpenID Connect provider (issue #14 point 3): only users of
the municipality the provider belongs to, only with an address the provider has verified, and
never an account made up from the provider's claims."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import SuspiciousOperation

from tests import factories as f
from tests.test_settings import PRODUCTION_ENV, manage
from trivsel.organisation.backends import MunicipalOIDCBackend
from trivsel.organisation.models import User


class UserInfoEndpoint(BaseHTTPRequestHandler):
    """The provider's userinfo endpoint: answers with the claims the test sets."""

    def do_GET(self):
        body = json.dumps(self.server.claims).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), UserInfoEndpoint)
    server.claims = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.OIDC_RP_CLIENT_ID = "trivsel"
    settings.OIDC_RP_CLIENT_SECRET = "secret"  # noqa: S105
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:1/token"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:1/jwks"
    settings.OIDC_OP_USER_ENDPOINT = f"http://127.0.0.1:{server.server_port}/userinfo"
    settings.OIDC_PROXY = {"http": None, "https": None}
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_CREATE_USER = False
    settings.OIDC_MUNICIPALITY = "901"  # Solby's provider
    yield server
    server.shutdown()
    server.server_close()


def sign_in(provider, claims):
    """What the callback does once the provider's tokens have been checked."""
    provider.claims = claims
    return MunicipalOIDCBackend().get_or_create_user("access-token", "id-token", {})


def verified(user):
    return {"sub": "abc", "email": user.email, "email_verified": True}


def test_only_a_user_of_the_providers_municipality_signs_in(world, provider):
    assert sign_in(provider, verified(world.paedagog)) == world.paedagog
    claims = verified(world.paedagog) | {"email": world.paedagog.email.upper()}
    assert sign_in(provider, claims) == world.paedagog
    # Ida works in Nabo: Solby's provider does not vouch for her.
    assert world.outsider.municipality.code == "902"
    assert sign_in(provider, verified(world.outsider)) is None
    assert list(MunicipalOIDCBackend().filter_users_by_claims(verified(world.outsider))) == []
    # A deactivated account stays out.
    world.teacher.is_active = False
    world.teacher.save(update_fields=["is_active"])
    assert sign_in(provider, verified(world.teacher)) is None


def test_the_same_address_in_another_municipality_does_not_block_or_confuse(world, provider):
    f.UserFactory(
        username="mette-nabo", email=world.paedagog.email, municipality=world.nabo_kommune
    )
    assert sign_in(provider, verified(world.paedagog)) == world.paedagog


@pytest.mark.parametrize("verified_claim", [False, "false", None, "missing"])
def test_an_address_the_provider_has_not_verified_does_not_sign_in(world, provider, verified_claim):
    claims = {"sub": "abc", "email": world.paedagog.email}
    if verified_claim != "missing":
        claims["email_verified"] = verified_claim
    backend = MunicipalOIDCBackend()
    assert backend.verify_claims(claims) is False
    assert list(backend.filter_users_by_claims(claims)) == []
    with pytest.raises(SuspiciousOperation):  # the callback turns it into a failed login
        sign_in(provider, claims)
    # The same person with the address verified (a boolean, or the string some providers send).
    assert sign_in(provider, claims | {"email_verified": True}) == world.paedagog
    assert sign_in(provider, claims | {"email_verified": "true"}) == world.paedagog


def test_nobody_is_created_from_the_providers_claims(world, provider, settings):
    """Not with the setting as it is, and not if someone turned it on."""
    before = User.objects.count()
    claims = {"sub": "new", "email": "ny.medarbejder@solby.invalid", "email_verified": True}
    for create_user in [False, True]:
        settings.OIDC_CREATE_USER = create_user
        try:
            user = sign_in(provider, claims)
        except SuspiciousOperation:
            user = None
        assert user is None
    assert User.objects.count() == before
    assert not User.objects.filter(email__iexact="ny.medarbejder@solby.invalid").exists()


OIDC_ENV = {
    **PRODUCTION_ENV,
    "OIDC_ENABLED": "true",
    "OIDC_RP_CLIENT_ID": "trivsel",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.dk/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.dk/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example.dk/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example.dk/jwks",
    "OIDC_OP_ORIGIN": "https://login.example.dk",
}
SHOW = (
    "from django.conf import settings; print(settings.OIDC_MUNICIPALITY, settings.OIDC_CREATE_USER)"
)


def test_with_oidc_on_the_municipality_is_required_and_nobody_is_created():
    missing = manage(["shell", "-c", SHOW], OIDC_ENV)
    assert missing.returncode != 0
    assert "OIDC_MUNICIPALITY" in missing.stderr
    configured = manage(["shell", "-c", SHOW], {**OIDC_ENV, "OIDC_MUNICIPALITY": "101"})
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.strip().splitlines()[-1].split() == ["101", "False"]
