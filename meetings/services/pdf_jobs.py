"""The minutes as PDF, rendered by a worker with its progress on the job's row."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from trivsel.jobs import enqueue_on_commit

from ..models import (
    MinutesStatus,
    PdfJob,
    PdfJobStatus,
)
from ..selectors import (
    meeting_require,
)

# By name: the services never import the tasks module (it imports the services).
RENDER_PDF_TASK = "meetings.tasks.render_pdf_job"


# --- PDF jobs -----------------------------------------------------------------------------------


# A rendered PDF is personal data in the database: it is kept only long enough to be fetched.
PDF_JOB_KEEP = timedelta(days=1)


@transaction.atomic
def pdf_job_create(*, actor, minutes, variant):
    # Rendered for the requester: she reads these minutes (a draft only as its organiser).
    can = meeting_require(actor, minutes.meeting_id, "read_minutes")
    if minutes.status == MinutesStatus.DRAFT and not can.read_drafts:
        raise PermissionDenied
    PdfJob.objects.filter(created_at__lt=timezone.now() - PDF_JOB_KEEP).delete()
    job = PdfJob.objects.create(minutes=minutes, variant=variant, requested_by=actor)
    enqueue_on_commit(RENDER_PDF_TASK, job.pk)
    return job


def pdf_job_run(*, job_id):
    """Render a queued job, moving its status along so the requester sees real progress."""
    from ..pdf import render_minutes_pdf

    claimed = PdfJob.objects.filter(pk=job_id, status=PdfJobStatus.QUEUED).update(
        status=PdfJobStatus.LAYOUT, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = PdfJob.objects.select_related("minutes", "requested_by").get(pk=job_id)

    def writing(pages):
        PdfJob.objects.filter(pk=job_id).update(status=PdfJobStatus.WRITING, pages=pages)

    try:
        pdf, pages = render_minutes_pdf(
            job.minutes_id, variant=job.variant, user=job.requested_by, on_layout=writing
        )
    except Exception:
        PdfJob.objects.filter(pk=job_id).update(
            status=PdfJobStatus.FAILED, finished_at=timezone.now()
        )
        raise
    PdfJob.objects.filter(pk=job_id).update(
        status=PdfJobStatus.DONE, pdf=pdf, pages=pages, finished_at=timezone.now()
    )
    return job_id
