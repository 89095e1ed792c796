from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from cases.selectors import children_of_guardian, enrolled_counts_by_group
from trivsel.organisation.selectors import staff_overview_for


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    extra_context = {"oidc_enabled": settings.OIDC_ENABLED}


class PasswordResetView(auth_views.PasswordResetView):
    # The same answer is shown whether or not the address is known (no user enumeration).
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


@login_required
def home(request):
    """Mit overblik: the user's own units and groups (staff) or children (guardians)."""
    profile, units, groups = staff_overview_for(request.user)
    counts = enrolled_counts_by_group(groups) if groups else {}
    context = {
        "profile": profile,
        "units": units,
        "groups": [(group, counts.get(group.pk, 0)) for group in groups],
        "children": [] if profile else children_of_guardian(request.user),
    }
    return render(request, "home.html", context)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


@requires_csrf_token
def server_error(request):
    # Rendered without the request's context processors: the error may come from any of them.
    return HttpResponseServerError(loader.get_template("500.html").render())
