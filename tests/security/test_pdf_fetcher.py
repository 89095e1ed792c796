"""WeasyPrint reads nothing but the project's own static files (issue #14 point 5): a PDF whose
text links to an address inside the municipality's network makes no request from the server,
and a link to a file on the server (/etc/passwd) neither ends up in the PDF nor styles it."""

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.meetings.conftest import consented, network  # noqa: F401 (fixtures)
from tests.meetings.test_pdf import minutes, pdf_text  # noqa: F401 (fixture)
from trivsel.pdf import html_to_pdf


@pytest.fixture
def internal_server():
    """A tiny web server standing in for an address on the municipality's network; it
    remembers every path asked for."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b'p::after { content: " FETCHED-FROM-THE-NETWORK" }')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.seen = seen
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def page(head="", body=""):
    return (
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Referat</title>'
        f"{head}</head><body><p>Referat</p>{body}</body></html>"
    )


def attachments(pdf):
    # pdfdetach reads no stdin: the names of the files embedded in the PDF.
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        result = subprocess.run(["pdfdetach", "-list", file.name], capture_output=True, check=True)
    return result.stdout.decode()


def test_a_pdf_makes_no_request_to_the_network(internal_server):
    url = internal_server.url
    pdf, _pages = html_to_pdf(
        page(
            head=f'<link rel="stylesheet" href="{url}/style.css">'
            f'<link rel="attachment" href="{url}/attachment">',
            body=f'<img src="{url}/x.png" alt=""><img src="https://{url[7:]}/y.png" alt="">'
            f'<div style="background: url({url}/bg.png)"></div>',
        )
    )
    assert internal_server.seen == []
    assert "FETCHED-FROM-THE-NETWORK" not in pdf_text(pdf)
    assert "Referat" in pdf_text(pdf)


def test_a_pdf_never_reads_a_file_of_the_server(tmp_path):
    secret_css = tmp_path / "secret.css"
    secret_css.write_text('p::after { content: " READ-FROM-THE-DISK" }')
    pdf, _pages = html_to_pdf(
        page(
            head=f'<link rel="stylesheet" href="{secret_css.as_uri()}">'
            '<link rel="attachment" href="file:///etc/passwd">',
            body='<a rel="attachment" href="file:///etc/hostname">bilag</a>'
            '<img src="file:///etc/passwd" alt="">',
        )
    )
    assert "READ-FROM-THE-DISK" not in pdf_text(pdf)
    listed = attachments(pdf)
    assert "passwd" not in listed and "hostname" not in listed


def test_the_projects_own_static_files_are_still_used():
    # A logo from the design system, as {% static %} writes it: embedded in the PDF.
    pdf, _pages = html_to_pdf(
        page(body='<img src="/static/dkfds/img/logo-placeholder.png" alt="Logo">')
    )
    images = subprocess.run(
        ["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert len(images.strip().splitlines()) > 2  # two header lines, then one line per image


@pytest.mark.django_db
def test_the_minutes_pdf_still_renders_with_its_layout(minutes, login):  # noqa: F811
    response = login(minutes.meeting.tovholder).get(f"/moeder/referat/{minutes.pk}/pdf/")
    text = pdf_text(response.content)
    assert "Side 1 af" in text  # the page footer comes from the stylesheet
    assert "æblerne, søen og åen" in text
