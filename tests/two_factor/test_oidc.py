"""With OIDC the identity provider's second factor counts (issue #14 point 1): `amr`/`acr` in the
ID token. A local provider on 127.0.0.1 answers the token and userinfo requests of the real
mozilla-django-oidc code flow."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from .helpers import ENROL_URL, VERIFY_URL, app_code, enrol, post_login

CLIENT_ID = "trivsel"
CLIENT_SECRET = "a shared secret for the test provider only"  # noqa: S105


class Provider:
    """Signs the ID token with the client secret (HS256), so no key set is needed."""

    def __init__(self):
        self.id_claims = {}
        self.userinfo = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # the token endpoint
                self.rfile.read(int(self.headers["Content-Length"]))
                now = int(time.time())
                claims = {"iss": provider.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
                token = jwt.encode({**claims, **provider.id_claims}, CLIENT_SECRET, "HS256")
                self._json({"id_token": token, "access_token": "access", "token_type": "Bearer"})

            def do_GET(self):  # the userinfo endpoint
                self._json(provider.userinfo)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    provider = Provider()
    settings.ROOT_URLCONF = "tests.two_factor.oidc_urls"
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "trivsel.organisation.backends.MunicipalOIDCBackend",
        *settings.AUTHENTICATION_BACKENDS[1:],
    ]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/jwks"
    settings.OIDC_CREATE_USER = False
    settings.OIDC_MUNICIPALITY = "901"  # the world's Solby Kommune: its users only
    settings.TWO_FACTOR_REQUIRED = True
    yield provider
    provider.close()


def oidc_login(client, provider, user, **id_claims):
    """The browser's round trip: to the provider and back with a code."""
    sent = client.get("/oidc/authenticate/")
    query = parse_qs(urlsplit(sent["Location"]).query)
    provider.id_claims = {"sub": user.username, "nonce": query["nonce"][0], **id_claims}
    provider.userinfo = {"sub": user.username, "email": user.email, "email_verified": True}
    back = client.get("/oidc/callback/", {"code": "a-code", "state": query["state"][0]})
    assert "_auth_user_id" in client.session, back
    return back


@pytest.mark.parametrize(
    "claims",
    [
        {"amr": ["pwd", "mfa"]},
        {"amr": ["pwd", "otp"]},
        {"acr": "https://data.gov.dk/concept/core/nsis/loa/Substantial"},
    ],
)
def test_the_providers_second_factor_counts(world, client, provider, claims):
    oidc_login(client, provider, world.social_worker, **claims)
    assert client.get("/").status_code == 200
    assert client.get("/boern/").status_code == 200
    page = client.get("/min-side/").content.decode()
    assert "din kommunes login, som selv har bedt om et ekstra trin" in page


def test_without_the_providers_second_factor_a_required_role_must_enrol(world, client, provider):
    oidc_login(client, provider, world.social_worker, amr=["pwd"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL_URL)


def test_without_the_providers_second_factor_the_local_code_is_asked_for(world, client, provider):
    post_login(client, "sara")
    key, _codes = enrol(client)
    client.post("/log-ud/")

    oidc_login(client, provider, world.social_worker, amr=["pwd"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY_URL)
    client.post(VERIFY_URL, {"code": app_code(key, steps_ahead=1)})
    assert client.get("/").status_code == 200
