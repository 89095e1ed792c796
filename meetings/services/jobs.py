"""Beat's sweep of the work handed to the workers that none has taken."""

from datetime import timedelta

from django.utils import timezone

from trivsel.jobs import enqueue

from ..models import PdfJob, PdfJobStatus
from .pdf_jobs import RENDER_PDF_TASK

# --- Work the workers have not taken ------------------------------------------------------------

# Work handed to the workers (trivsel/jobs.py) that none has taken after this is handed over
# again: the broker was away, or the message was lost.
JOB_RESEND_AFTER = timedelta(minutes=1)
# A PDF job started longer ago than this lost its worker (killed in the middle): back in line.
PDF_JOB_LEASE = timedelta(minutes=10)


def jobs_resend(*, now=None):
    """Beat's sweep: hand queued PDF jobs to the workers again. Safe to run as often as wanted:
    a PDF job is claimed by one worker (pdf_job_run). (Invitations are e-mails of the
    notifications outbox, which beat drains itself.) Returns the PDF jobs handed over."""
    now = now or timezone.now()
    PdfJob.objects.filter(
        status__in=[PdfJobStatus.LAYOUT, PdfJobStatus.WRITING], started_at__lt=now - PDF_JOB_LEASE
    ).update(status=PdfJobStatus.QUEUED)
    jobs = list(
        PdfJob.objects.filter(
            status=PdfJobStatus.QUEUED, created_at__lt=now - JOB_RESEND_AFTER
        ).values_list("pk", flat=True)
    )
    for job_id in jobs:
        enqueue(RENDER_PDF_TASK, job_id)
    return len(jobs)
