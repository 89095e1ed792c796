"""Anonymous consultations: the intake's count of the advice it gave without a name."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trivsel.organisation.models import Unit

from ..forms import ConsultationForm
from ..selectors import consultation_counts
from ..services.consultations import consultation_record
from .common import form_submit, social_work_only


@login_required
@require_http_methods(["GET", "POST"])
def consultation_list(request):
    social_work_only(request.user)
    form = ConsultationForm(
        request.POST or None,
        units=Unit.objects.filter(municipality_id=request.user.municipality_id),
    )
    if form_submit(request, form, consultation_record, done=_("The consultation is counted.")):
        return redirect("referrals:consultation_list")
    return render(
        request,
        "referrals/consultations.html",
        {"form": form, "counts": list(consultation_counts(request.user))},
    )
