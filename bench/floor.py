"""What every signed-in page pays, counted in CPU instructions (valgrind's callgrind) instead of
requests per second: a count that does not change with what else the machine is doing, so two
versions of the code can be compared on a shared, noisy machine.

The product is called as gunicorn calls it (its WSGI application with bench.urls' pages), in one
process, with the caseworker of the referrals benchmark: a minimal Django page, the empty
signed-in page (session, user and the base layout) and "Mit overblik", the same session cookie
for each, as wrk sends it. Only the requests are counted, not the start of Python and Django:
each page's requests run inside math.fsum, which callgrind is told to count and to dump after.
What the database server does is not in the count (its queries are: see the referrals
benchmark's query counts and its requests per second)."""

import gc
import io
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PAGES = (
    ("minimal Django page (baseline)", "/bench-minimal/"),
    ("signed-in empty page (session, user, layout)", "/bench-layout/"),
    ("Mit overblik, same user", "/"),
)
REQUESTS = 20
WARMUP = 20


def _environ(path, cookie):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
    }


def _measure(cookie):
    """Runs under callgrind: each page's requests inside one math.fsum call."""
    from bench.referrals import application

    def hit(path):
        status = []
        b"".join(application(_environ(path, cookie), lambda s, h, *a: status.append(s)))
        assert status[0].startswith("200"), (path, status)

    for _label, path in PAGES:
        for _ in range(WARMUP):
            hit(path)

        def requests(path=path):
            for _ in range(REQUESTS):
                hit(path)

        # The collector's own work stays out of the count: it runs when allocations add up,
        # so it would land on whichever request came next.
        gc.collect()
        gc.disable()
        math.fsum(run() or 0 for run in [requests])
        gc.enable()


def run():
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("valgrind is missing (Debian package valgrind): skipped")
        return
    from django.conf import settings
    from django.test import Client

    from bench.referrals import BACKEND, _seed

    _skala, worker = _seed()
    client = Client()
    client.force_login(worker, backend=BACKEND)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        subprocess.run(
            [
                valgrind,
                "--tool=callgrind",
                "--toggle-collect=math_fsum",
                "--dump-after=math_fsum",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-m",
                "bench.floor",
                cookie,
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "trivsel.settings"},
        )
        totals = []
        for number in range(1, len(PAGES) + 1):
            text = Path(f"{out}.{number}").read_text()
            totals.append(int(re.search(r"^totals: (\d+)", text, re.MULTILINE).group(1)))
    # As rates: a page that takes twice the instructions serves half the requests per second.
    minimal, layout, home = (total / REQUESTS for total in totals)
    print(f"callgrind: instructions per request, {REQUESTS} requests after {WARMUP} unmeasured")
    for (label, _path), per_request in zip(PAGES, (minimal, layout, home), strict=True):
        ratio = f"  {minimal / per_request:5.2f} × minimal page" if per_request != minimal else ""
        print(f"{label:<45} {per_request / 1e6:8.2f} M{ratio}")
    print(f"{'ratio signed-in empty page / minimal page':<45} {minimal / layout:8.2f}")
    print(f"{'ratio Mit overblik / signed-in empty page':<45} {layout / home:8.2f}")


if __name__ == "__main__":
    import django

    django.setup()
    _measure(sys.argv[1])
