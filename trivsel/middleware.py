import time

from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class DanishFirstLocaleMiddleware:
    """Danish for everyone unless the user picked another language in the footer.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which shows English to
    a Danish pædagog whose browser happens to be set up in English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionIdleMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once a minute.

    The idle timeout is the session row's expiry (SESSION_COOKIE_AGE after the last write).
    Writing the row on every request would cost three queries on every page; refreshing it when
    a minute has passed keeps the timeout within a minute of exact.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.get("_auth_user_id"):
            now = int(time.time())
            if now - session.get("_active_at", 0) >= self.REFRESH_SECONDS:
                session["_active_at"] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer that may show personal data.

    One rule instead of a decorator on each view, which a new view would forget: every answer to
    a signed-in user (pages, PDFs, the "Vis CPR" answer, htmx fragments) and the few anonymous
    pages a citizen or a reset link fills with personal data. A shared computer's browser cache
    or a proxy's would otherwise keep a child's page after the user has signed out. Static files
    hold nothing personal and keep their long caching (WhiteNoise answers them before this runs;
    the prefix check covers a static view behind it).
    """

    ANONYMOUS_PRIVATE_VIEWS = frozenset(
        {
            # the citizen's notification, with the child's name and CPR
            "referrals:underretning_public_create",
            "referrals:underretning_public_thanks",
            "password_reset_confirm",  # the reset token is in the address
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._private(request):
            add_never_cache_headers(response)  # no-store, no-cache, private, max-age=0
            response.headers["Pragma"] = "no-cache"  # for HTTP/1.0 proxies
        return response

    def _private(self, request):
        if request.path.startswith(settings.STATIC_URL):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        match = request.resolver_match
        return match is not None and match.view_name in self.ANONYMOUS_PRIVATE_VIEWS
