import sys
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import DatabaseError
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from trivsel.notifications.services import password_reset_request
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


# How long a browser is asked to wait before trying again while the database is unreachable.
DATABASE_UNAVAILABLE_RETRY_SECONDS = 30


def _database_unreachable(error):
    # OperationalError/InterfaceError are what psycopg raises when the server is down or the
    # connection was cut (a restart, a failover); a DatabaseError that is a bug of ours (a
    # constraint, bad SQL) is a real 500.
    return isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DatabaseError) and isinstance(error.__cause__, OSError)
    )


@requires_csrf_token
def server_error(request):
    # Rendered without the request's context processors: the error may come from any of them,
    # and without the database, which may be what failed.
    if _database_unreachable(sys.exc_info()[1]):
        response = _error_page(
            heading=_("Trivsel+ is briefly unavailable"),
            message=_(
                "We cannot reach our database right now, usually for a minute or two during"
                " maintenance. Nothing you saved before is lost; what you were sending now was"
                " not saved, so send it again in a moment."
            ),
            link="",
            link_text=_("Try again"),
            status=503,
        )
        response["Retry-After"] = str(DATABASE_UNAVAILABLE_RETRY_SECONDS)
        return response
    return _error_page(
        heading=_("Something went wrong"),
        message=_(
            "An error occurred on our side. Nothing you saved before is lost. Try again in a"
            " moment; if it keeps happening, contact your municipality's support."
        ),
        link="/",
        link_text=_("Go to My overview"),
        status=500,
    )


def _error_page(*, status, **texts):
    page = loader.get_template("error_standalone.html").render(texts)
    return HttpResponse(page, status=status)
