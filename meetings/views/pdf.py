"""The minutes as PDF: at once when short, through a worker's job when long."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trivsel.audit.models import Action
from trivsel.audit.services import access_log_record

from .. import selectors, services
from ..models import (
    PdfJobStatus,
    PdfVariant,
)
from ..pdf import is_long, pdf_filename, render_minutes_pdf

# --- PDF --------------------------------------------------------------------------------------


@login_required
def minutes_pdf(request, minutes_pk):
    minutes = selectors.minutes_get_for(request.user, minutes_pk, purpose=_("Download minutes"))
    variant = request.GET.get("udgave", PdfVariant.STAFF)
    if variant not in PdfVariant.values:
        variant = PdfVariant.STAFF
    if minutes.meeting.can.is_parent:
        variant = PdfVariant.PARENT  # parents read the parents' copy only
    if variant == PdfVariant.PARENT and not minutes.meeting.is_network:
        raise Http404
    # Logged per child the minutes concern, so the parents see the export in their access log.
    per_child = minutes.meeting.forum_id and selectors.forum_minutes_children_logged(
        request.user, minutes, action=Action.EXPORT, purpose=_("Download minutes")
    )
    if not per_child:
        topic = selectors.log_topic(minutes.meeting)
        access_log_record(
            actor=request.user,
            action=Action.EXPORT,
            basis=getattr(minutes.meeting.child, "access_basis", "administration")
            if minutes.meeting.child_id
            else "administration",
            obj=minutes,
            child_id=minutes.meeting.child_id,
            purpose=_("Download minutes"),
            topic=topic.topic,
            guardian_not_before=topic.not_before,
        )
    if is_long(minutes.pk):
        job = services.pdf_job_create(actor=request.user, minutes=minutes, variant=variant)
        return redirect("meetings:pdf_job", pk=job.pk)
    pdf, _pages = render_minutes_pdf(minutes.pk, variant=variant, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(minutes, variant)}"'
    return response


@login_required
def pdf_job(request, pk):
    job = selectors.pdf_job_get_for(request.user, pk)
    context = {
        "job": job,
        "done": job.status == PdfJobStatus.DONE,
        "failed": job.status == PdfJobStatus.FAILED,
    }
    if request.htmx:
        response = render(request, "meetings/pdf_job.html#progress", context)
        if context["done"]:
            response["HX-Trigger"] = json.dumps({"announce": _("The PDF is ready.")})
        return response
    return render(request, "meetings/pdf_job.html", context)


@login_required
def pdf_job_download(request, pk):
    job = selectors.pdf_job_get_for(request.user, pk)
    if job.status != PdfJobStatus.DONE:
        raise Http404
    # Access is checked again: it may have ended while the PDF was rendered.
    minutes = selectors.minutes_get_for(request.user, job.minutes_id, purpose=_("Download minutes"))
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(minutes, job.variant)}"'
    return response
