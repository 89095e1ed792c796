from celery import shared_task

from .services.jobs import jobs_resend as _jobs_resend
from .services.pdf_jobs import pdf_job_run


@shared_task(name="meetings.tasks.render_pdf_job")
def render_pdf_job(job_id):
    return pdf_job_run(job_id=job_id)


@shared_task(name="meetings.tasks.jobs_resend")
def jobs_resend():
    return _jobs_resend()
