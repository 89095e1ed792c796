"""The address of the person behind a request, for the login lockout (django-axes) and the rate
limit of the public notification form.

Behind reverse proxies, REMOTE_ADDR is the nearest proxy's address and would put every citizen
in one bucket. The client's address is then the entry the outermost trusted proxy appended to
X-Forwarded-For: the PROXY_COUNT-th from the right. Entries further left were sent by the client
and are never trusted, so nobody can choose their own address by sending the header."""

import hashlib
import hmac

from django.conf import settings


def client_ip(request):
    proxies = settings.PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR") or None  # None: not known (a test's login, say)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote  # not through the expected proxies (a health check from inside, say)
    return forwarded[-proxies]


def client_key(request):
    """A keyed hash of the client's address: enough to count one connection's requests (a rate
    limit), never the address itself."""
    address = client_ip(request) or "unknown"
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
