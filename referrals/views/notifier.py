"""The professional notifier: sending a notification, and following what they sent."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.selectors import child_list_visible_to
from trivsel.organisation.selectors import own_units
from trivsel.web import staff_only

from ..forms import ProfessionalNotificationForm
from ..selectors import dialogues_for, underretninger_sent_by
from ..services.intake import underretning_submit
from .common import form_submit


@login_required
@require_http_methods(["GET", "POST"])
def underretning_create(request):
    staff_only(request.user)
    children = child_list_visible_to(request.user).order_by("first_name", "last_name")
    initial = {}
    if request.GET.get("barn"):
        initial["child"] = request.GET["barn"]
    form = ProfessionalNotificationForm(
        request.POST or None, initial=initial, children=children, units=own_units(request.user)
    )
    if form_submit(
        request, form, underretning_submit, done=_("Your notification has been sent to the intake.")
    ):
        return redirect("referrals:underretning_sent_list")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Send a notification of concern"),
            "intro": _(
                "Notify at once when you have reason to assume a child needs support. If you"
                " do not suspect violence or abuse, consider a dialogue-based notification"
                " together with the parents."
            ),
            "submit": _("Send the notification"),
            "back": reverse("home"),
        },
    )


@login_required
def underretning_sent_list(request):
    """The notifier's own page: the status of what they sent, nothing more about the child."""
    staff_only(request.user)
    underretninger = list(underretninger_sent_by(request.user)[:200])
    dialogues = list(dialogues_for(request.user)[:50])
    return render(
        request, "referrals/mine.html", {"underretninger": underretninger, "dialogues": dialogues}
    )
