"""The public pages (no login): the choice of municipality, the notification form and its
thank-you page."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trivsel.client_address import client_key
from trivsel.organisation.models import Municipality

from ..forms import PublicNotificationForm
from ..selectors import public_form_limit_reached
from ..services.public import underretning_submit_public


def underretning_public_choose(request):
    """ "Er du bekymret for et barn?" from the login page: the municipalities' names, each leading
    to its form — or, with only one, straight to it. Nothing but names and links."""
    municipalities = list(Municipality.objects.order_by("name").only("name", "code"))
    if len(municipalities) == 1:
        return redirect("referrals:underretning_public_create", code=municipalities[0].code)
    return render(request, "referrals/public_choose.html", {"municipalities": municipalities})


@require_http_methods(["GET", "POST"])
def underretning_public_create(request, code):
    municipality = get_object_or_404(Municipality, code=code)
    form = PublicNotificationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        client = client_key(request)
        if public_form_limit_reached(municipality=municipality, client=client):
            form.is_valid()
            form.errors.clear()
            form.add_error(
                None,
                _(
                    "Too many notifications from this connection. Wait an hour, or call the"
                    " municipality."
                ),
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            underretning_submit_public(
                municipality=municipality,
                client=client,
                anonymous=data["anonymous"],
                category=data["category"],
                text=data["text"],
                name=data["name"],
                email=data["email"] or "",
                phone=data["phone"],
                child_name=data["child_name"],
                child_cpr=data["child_cpr"],
                child_address=data["child_address"],
                suspected_violence=data["suspected_violence"],
            )
            return redirect("referrals:underretning_public_thanks", code=code)
        else:
            form.renew_started()
    return render(
        request,
        "referrals/public_form.html",
        {"form": form, "municipality": municipality},
        status=status,
    )


def underretning_public_thanks(request, code):
    municipality = get_object_or_404(Municipality, code=code)
    return render(request, "referrals/public_thanks.html", {"municipality": municipality})
