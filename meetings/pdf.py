"""Minutes as PDF/UA-1 with WeasyPrint, from a Django template. Short minutes render in the
request; long ones in a worker (services.pdf_job_run) — the length is estimated from the text."""

from django.template.loader import render_to_string
from django.utils import translation

from trivsel.pdf import html_to_pdf

from .models import MINUTES_SECTIONS, Minutes

# About five printed pages of text; more than that goes to a worker.
LONG_PDF_CHARS = 15_000


def is_long(minutes_pk):
    minutes = Minutes.objects.prefetch_related("decisions", "action_items").get(pk=minutes_pk)
    size = sum(len(getattr(minutes, s)) for s in MINUTES_SECTIONS)
    size += sum(len(d.text) + len(d.reason) for d in minutes.decisions.all())
    size += 120 * len(minutes.action_items.all())
    return size > LONG_PDF_CHARS


def minutes_html(minutes_pk, *, variant, user=None):
    from .selectors import pdf_context

    with translation.override("da"):
        return render_to_string(
            "meetings/pdf/minutes.html", pdf_context(minutes_pk, variant=variant, user=user)
        )


def render_minutes_pdf(minutes_pk, *, variant, user=None, on_layout=None):
    return html_to_pdf(minutes_html(minutes_pk, variant=variant, user=user), on_layout=on_layout)


def pdf_filename(minutes, variant):
    # No names and no CPR numbers in file names: the meeting's date and the version only.
    day = minutes.meeting.starts_at.strftime("%Y-%m-%d")
    suffix = "-foraeldre" if variant == "parent" else ""
    return f"referat-{day}-v{minutes.number}{suffix}.pdf"
