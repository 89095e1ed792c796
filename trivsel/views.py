from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

from trivsel.two_factor.rules import ENROL, STATE_SESSION_KEY, VERIFY


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    extra_context = {"oidc_enabled": settings.OIDC_ENABLED}

    def get_success_url(self):
        # Straight on to the second step, if one is due (trivsel.two_factor.signals decided).
        url = super().get_success_url()
        step = self.request.session.get(STATE_SESSION_KEY)
        if step in {VERIFY, ENROL}:
            name = "two_factor:verify" if step == VERIFY else "two_factor:enrol"
            return f"{reverse(name)}?{urlencode({'next': url})}"
        return url


class PasswordResetView(auth_views.PasswordResetView):
    # The same answer is shown whether or not the address is known (no user enumeration).
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


@requires_csrf_token
def server_error(request):
    # Rendered without the request's context processors: the error may come from any of them.
    return HttpResponseServerError(loader.get_template("500.html").render())
