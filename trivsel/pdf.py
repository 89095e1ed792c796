"""PDF/UA-1 documents with WeasyPrint, rendered from Django templates (DESIGN.md §1)."""

import logging

PDF_VARIANT = "pdf/ua-1"


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
