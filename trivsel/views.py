from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from trivsel.notifications.services import password_reset_request


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    extra_context = {"oidc_enabled": settings.OIDC_ENABLED}


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer, after the same work, whether or not the address is known: the request
    is written down for the worker, which looks the address up and sends the mail. Django's
    view would look the user up and talk to the mail server in the request, so a known
    address answered measurably later than an unknown one."""

    def form_valid(self, form):
        password_reset_request(email=form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


@requires_csrf_token
def server_error(request):
    # Rendered without the request's context processors: the error may come from any of them.
    return HttpResponseServerError(loader.get_template("500.html").render())
