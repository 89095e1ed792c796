"""Referrals (henvisninger): the lists of the sending and receiving units, a new referral with
the parents' consent, and the receiving unit's answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.capabilities import WRITER_BASES
from cases.models import Guardian, consent_default_end
from cases.selectors import child_get_for, child_list_visible_to
from trivsel.organisation.models import Unit
from trivsel.organisation.selectors import own_units
from trivsel.web import service_errors, staff_only

from ..forms import ReferralAnswerForm, ReferralChildForm, ReferralForm
from ..selectors import REFERRAL_UNIT_TYPES, referral_get_for, referrals_for, weekly_triage
from ..services import referrals as referral_services
from .common import form_submit


@login_required
def referral_list(request):
    staff_only(request.user)
    sent, received = referrals_for(request.user)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "sent": list(sent[:100]),
            "triage": list(weekly_triage(received)[:200]),
        },
    )


def _child_step(request):
    children = child_list_visible_to(request.user, bases=WRITER_BASES).order_by(
        "first_name", "last_name"
    )
    return render(
        request,
        "form_page.html",
        {
            "form": ReferralChildForm(children=children),
            "method": "get",
            "heading": _("Refer to PPR or a family service"),
            "intro": _(
                "A referral opens a conversation or a meeting; the receiver answers it. It is "
                "made with the parents: first choose the child, then record their consent."
            ),
            "submit": _("Next"),
            "back": reverse("referrals:referral_list"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request):
    """A henvisning in two steps: the child (`?barn=`), then the referral with the consent of
    one of that child's guardians. Only staff who may record consents about the child refer."""
    staff_only(request.user)
    picked = request.GET.get("barn")
    if not picked:
        return _child_step(request)
    child = child_get_for(request.user, picked, purpose=_("Refer a child"), need="refer")
    form = ReferralForm(
        request.POST or None,
        own_units=own_units(request.user),
        receivers=Unit.objects.filter(
            municipality_id=request.user.municipality_id, type__in=REFERRAL_UNIT_TYPES
        ),
        guardians=Guardian.objects.filter(
            guardianship__child=child, guardianship__has_custody=True
        ).order_by("first_name", "last_name"),
        initial={
            "valid_until": consent_default_end(
                timezone.localdate(), days=referral_services.REFERRAL_CONSENT_DAYS
            )
        },
    )

    def send(*, evidence, paper_date, **data):
        paper = evidence == "paper"
        return referral_services.referral_create(
            child=child, paper=paper, paper_date=paper_date if paper else None, **data
        )

    if form_submit(request, form, send, done=_("The referral is sent.")):
        return redirect("referrals:referral_list")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Refer %(name)s to PPR or a family service") % {"name": child.full_name},
            "intro": _(
                "The parents' consent is recorded with the referral: the receiving unit sees "
                "%(name)s only through it, and only while it is in force. The guardian can "
                "withdraw it at any time."
            )
            % {"name": child.first_name},
            "submit": _("Send the referral"),
            "back": reverse("referrals:referral_list"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_detail(request, pk):
    referral = referral_get_for(request.user, pk)
    form = ReferralAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form=form) as outcome:
            referral_services.referral_answer(
                actor=request.user,
                referral=referral,
                accept=form.cleaned_data["accept"] == "yes",
                reason=form.cleaned_data["reason"],
            )
        if outcome.ok:
            messages.success(request, _("The answer is saved."))
            return redirect("referrals:referral_detail", pk=pk)
    return render(request, "referrals/referral_detail.html", {"r": referral, "form": form})
