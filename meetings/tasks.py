from celery import shared_task

from .services.jobs import jobs_resend as _jobs_resend
from .services.participants import InvitationsIncomplete, invitations_send
from .services.pdf_jobs import pdf_job_run


# Unsent invitations stay unsent; the retry sends only those (never one twice).
@shared_task(
    name="meetings.tasks.send_invitations",
    autoretry_for=(InvitationsIncomplete,),
    retry_backoff=True,
    max_retries=6,
)
def send_invitations(meeting_id, base_url):
    return invitations_send(meeting_id=meeting_id, base_url=base_url)


@shared_task(name="meetings.tasks.render_pdf_job")
def render_pdf_job(job_id):
    return pdf_job_run(job_id=job_id)


@shared_task(name="meetings.tasks.jobs_resend")
def jobs_resend():
    return _jobs_resend()
