import time

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
