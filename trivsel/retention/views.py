from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import retention_report_for


@login_required
@require_GET
def retention_report(request):
    """The data-protection officer's dry run: what the nightly job would remove now."""
    return render(request, "retention/report.html", retention_report_for(request.user))
