from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trivsel.web import service_errors

from ..models import ImportStatus
from . import selectors, services
from .forms import ImportUploadForm
from .planning import PREVIEW_LINES

RECENT_RUNS = 20


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    runs = selectors.import_run_list_visible_to(request.user)  # 404 for anyone else
    form = (
        ImportUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else ImportUploadForm()
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with service_errors(form=form):
            run, _plan = services.import_preview(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
            )
            if run.status == ImportStatus.REFUSED:
                form.add_error("file", run.message)
            else:
                return redirect("cases:import_preview", run.pk)
    return render(
        request,
        "cases/imports/import_start.html",
        {"form": form, "runs": runs.defer("content", "preview")[:RECENT_RUNS]},
        status=400 if form.errors else 200,
    )


@login_required
def import_preview(request, pk):
    run = selectors.import_run_get_for(request.user, pk)
    context = {"run": run, "limit": PREVIEW_LINES}
    if run.status == ImportStatus.PREVIEW:
        if services.import_expired(run):
            context["expired"] = True
        else:
            lines = selectors.import_preview_for(request.user, run)
            context["sections"] = [
                (key, heading, lines[key], count)
                for key, heading, count in (
                    ("errors", _("Rows that cannot be taken"), run.rejected),
                    ("creates", _("Would be created"), run.created),
                    ("changes", _("Would be changed"), run.changed),
                    ("ends", _("Would end"), run.ended),
                )
            ]
    return render(request, "cases/imports/import_preview.html", context)


@login_required
@require_POST
def import_confirm(request, pk):
    run = selectors.import_run_get_for(request.user, pk)
    with service_errors(request=request) as outcome:
        run = services.import_confirm(actor=request.user, run=run)
    if outcome.ok:
        if run.status == ImportStatus.APPLIED:
            messages.success(
                request, _("The import is done: %(counts)s.") % {"counts": run.counts_text()}
            )
        else:
            messages.error(request, run.message)
    return redirect("cases:import_preview", run.pk)


@login_required
@require_POST
def import_cancel(request, pk):
    run = selectors.import_run_get_for(request.user, pk)
    with service_errors(request=request):
        services.import_cancel(actor=request.user, run=run)
        messages.success(request, _("The import is cancelled and the file deleted."))
    return redirect("cases:import_start")
