import re
import time
from base64 import b32decode

from django_otp.oath import TOTP

from tests.factories import PASSWORD

ENROL_URL = "/min-side/totrinsbekraeftelse/"
VERIFY_URL = "/log-ind/kode/"


def post_login(client, username, password=PASSWORD):
    return client.post("/log-ind/", {"username": username, "password": password})


def app_code(key, steps_ahead=0):
    """The six digits an authenticator app holding `key` shows, `steps_ahead` 30-second steps
    from now (a code is accepted once, so a second login uses the next step's code)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def key_shown_on(page):
    """The key the enrolment page shows under the QR code, as the app would read it."""
    match = re.search(r'<code class="trivsel-secret">([A-Z2-7 ]+)</code>', page)
    return b32decode(match.group(1).replace(" ", ""))


def enrol(client):
    """Turn on two-factor login as a user does: read the key, type the app's first code.
    Returns the key and the recovery codes shown."""
    key = key_shown_on(client.get(ENROL_URL).content.decode())
    response = client.post(ENROL_URL, {"code": app_code(key)})
    assert response.status_code == 302, response.content.decode()
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)
    return key, codes
