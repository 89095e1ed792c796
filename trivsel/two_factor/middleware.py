from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .rules import DONE, STATE_SESSION_KEY, VERIFY
from .selectors import second_step_for


class TwoFactorMiddleware:
    """Until a signed-in session has given its second factor (or set one up, where the user's
    role requires it), every page — the admin's too — sends it to that step. Only the step's
    own page, logging out and the language switch are left open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Anonymous requests (the public form) never load a user for this.
        if request.session.get("_auth_user_id") and request.user.is_authenticated:
            state = request.session.get(STATE_SESSION_KEY)
            if state is None:
                # A session from before two-factor login existed: decide as at login.
                state = request.session[STATE_SESSION_KEY] = second_step_for(request.user)
            if state != DONE and not self._open(request, state):
                return self._to_step(request, state)
        return self.get_response(request)

    def _open(self, request, state):
        step = reverse("two_factor:verify" if state == VERIFY else "two_factor:enrol")
        return request.path in {step, reverse("logout"), reverse("set_language")}

    def _to_step(self, request, state):
        url = reverse("two_factor:verify" if state == VERIFY else "two_factor:enrol")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            # htmx would swap the whole step page into a fragment; have it load the page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
