"""PDF/UA-1 documents with WeasyPrint, rendered from Django templates (DESIGN.md §1)."""

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join

PDF_VARIANT = "pdf/ua-1"

# The documents are rendered as if they lived on this host, so that "/static/…" (what
# {% static %} writes) resolves to an address the fetcher below maps onto the static files.
# ".invalid" never resolves: nothing is ever fetched from it over the network.
BASE_URL = "https://trivsel.invalid/"


def _static_roots():
    roots = [Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():
        for _prefix, root in getattr(finder, "locations", ()):
            roots.append(Path(root))
        for storage in getattr(finder, "storages", {}).values():
            if getattr(storage, "location", None):
                roots.append(Path(storage.location))
    return [root.resolve() for root in roots]


def static_file_for(url):
    """The project's static file `url` names, or None for anything else.

    Allowed: "/static/…" on the rendering's own base URL (the collected file, else what the
    finders find) and a file: URL inside one of the static directories. Everything else —
    http(s) to any real host, file: elsewhere (/etc/passwd, the .env, uploaded files), ftp —
    is refused.
    """
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) == (base.scheme, base.netloc):
        if not parts.path.startswith(settings.STATIC_URL):
            return None
        name = unquote(parts.path.removeprefix(settings.STATIC_URL))
        try:
            collected = Path(safe_join(settings.STATIC_ROOT, name))
        except SuspiciousFileOperation:
            return None
        found = collected if collected.is_file() else finders.find(name)
        return Path(found).resolve() if found else None
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        path = Path(url2pathname(parts.path)).resolve()
        if path.is_file() and any(path.is_relative_to(root) for root in _static_roots()):
            return path
    return None


def _url_fetcher():
    from weasyprint.urls import URLFetcher

    class StaticOnlyURLFetcher(URLFetcher):
        """WeasyPrint fetches whatever a document links to: an <img> to an internal address
        (the request leaves from the server, inside the municipality's network), or a
        rel="attachment" link to file:///etc/passwd, which it embeds in the PDF. A PDF of
        minutes needs nothing but our own static files (and data: URLs, which stay inside
        the document)."""

        def fetch(self, url, headers=None):
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = static_file_for(url)
            if path is None:
                raise ValueError(f"Refused to fetch {url!r}: only the project's static files")
            return super().fetch(path.as_uri(), headers)

    return StaticOnlyURLFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def html_to_pdf(html, *, on_layout=None):
    """(PDF bytes, number of pages). `on_layout(pages)` is called between layout and writing."""
    # Imported here: it is slow to import, and only PDF requests and workers need it. Its
    # progress logger reports every step at INFO, which would flood the log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_url_fetcher()).render(
        pdf_variant=PDF_VARIANT
    )
    pages = len(document.pages)
    if on_layout:
        on_layout(pages)
    return document.write_pdf(pdf_variant=PDF_VARIANT), pages
