from base64 import b32encode
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from . import selectors, services
from .forms import EnrolForm, VerifyForm
from .qr import qr_svg
from .rules import DONE, ENROL, STATE_SESSION_KEY, VERIFY, VIA_SESSION_KEY

# Recovery codes wait here between the request that made them and the page that shows them once.
RECOVERY_CODES_SESSION_KEY = "_two_factor_recovery_codes"


def _next_url(request, default="home"):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(default)


def _verified(request, device):
    django_otp.login(request, device)
    request.session[STATE_SESSION_KEY] = DONE


@login_required
@never_cache
def account(request):
    """Min side: who I am, and my two-factor login."""
    return render(
        request,
        "two_factor/account.html",
        {
            "profile": request.user.staff_profile_or_none,
            "status": selectors.two_factor_status_for(request.user),
            "via_idp": request.session.get(VIA_SESSION_KEY) == "idp",
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step after the password: a code from the app or a recovery code."""
    if request.session.get(STATE_SESSION_KEY) != VERIFY:
        return redirect(_next_url(request))
    credentials = {"username": request.user.get_username()}
    form = VerifyForm(request.POST or None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked_out(request)
        if form.is_valid():
            try:
                device = services.second_factor_verify(
                    user=request.user, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                form.add_error("code", error)
                # A wrong code counts towards the lockout like a wrong password.
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                if getattr(request, "axes_locked_out", False):
                    return _locked_out(request)
            else:
                _verified(request, device)
                if isinstance(device, StaticDevice):
                    left = services.recovery_codes_left(user=request.user)
                    messages.warning(
                        request,
                        ngettext(
                            "You used a recovery code. You have %(count)d left.",
                            "You used a recovery code. You have %(count)d left.",
                            left,
                        )
                        % {"count": left},
                    )
                return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), "second_step": True}
    return render(request, "two_factor/verify.html", context)


def _locked_out(request):
    # Out of the half-finished login; axes' middleware answers with the lockout page.
    request.axes_locked_out = True
    logout(request)
    return redirect("login")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: scan the QR code, type the first code."""
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_enrolment_confirm(
                user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            was_required = request.session.get(STATE_SESSION_KEY) == ENROL
            _verified(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor login is turned on."))
            url = reverse("two_factor:recovery_codes")
            if was_required and request.POST.get("next"):
                url += "?" + urlencode({"next": _next_url(request)})
            return redirect(url)
    device = services.totp_enrolment_start(user=request.user)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "two_factor/enrol.html",
        {
            "form": form,
            "qr": qr_svg(device.config_url, label=_("QR code for your authenticator app")),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": request.session.get(STATE_SESSION_KEY) == ENROL,
            "second_step": request.session.get(STATE_SESSION_KEY) == ENROL,
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
    )


@login_required
@never_cache
def recovery_codes(request):
    """The recovery codes, shown once, right after they were made."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(
            request,
            _("Recovery codes are shown only once. Make new ones if you have lost them."),
        )
        return redirect("two_factor:account")
    return render(
        request,
        "two_factor/recovery_codes.html",
        {"codes": codes, "next": _next_url(request, default="two_factor:account")},
    )


@login_required
@require_POST
def recovery_codes_new(request):
    try:
        codes = services.recovery_codes_regenerate(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("two_factor:account")
    request.session[RECOVERY_CODES_SESSION_KEY] = codes
    return redirect("two_factor:recovery_codes")


@login_required
@require_POST
def disable(request):
    try:
        services.two_factor_disable(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        messages.success(request, _("Two-factor login is turned off."))
    return redirect("two_factor:account")
