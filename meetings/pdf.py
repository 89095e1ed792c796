"""Minutes as PDF/UA-1 with WeasyPrint, from a Django template. Short minutes render in the
request; long ones in a worker (services.pdf_job_run) — the length is estimated from the text."""

import logging

from django.template.loader import render_to_string
from django.utils import translation

from .models import MINUTES_SECTIONS, Minutes

PDF_VARIANT = "pdf/ua-1"
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


def html_to_pdf(html, *, on_layout=None):
    """(PDF bytes, number of pages). `on_layout(pages)` is called between layout and writing."""
    # Imported here: it is slow to import, and only PDF requests and workers need it. Its
    # progress logger reports every step at INFO, which would flood the log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    document = HTML(string=html).render(pdf_variant=PDF_VARIANT)
    pages = len(document.pages)
    if on_layout:
        on_layout(pages)
    return document.write_pdf(pdf_variant=PDF_VARIANT), pages


def render_minutes_pdf(minutes_pk, *, variant, user=None, on_layout=None):
    return html_to_pdf(minutes_html(minutes_pk, variant=variant, user=user), on_layout=on_layout)


def pdf_filename(minutes, variant):
    # No names and no CPR numbers in file names: the meeting's date and the version only.
    day = minutes.meeting.starts_at.strftime("%Y-%m-%d")
    suffix = "-foraeldre" if variant == "parent" else ""
    return f"referat-{day}-v{minutes.number}{suffix}.pdf"
