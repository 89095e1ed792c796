"""The intake dashboard ("Modtagelse") with 50,000 notifications in one large municipality
(seed_scale's Skala Kommune, DESIGN.md §8): its throughput under gunicorn (the workers of
docker-compose.yml, started here against the launcher's database and Redis) as a ratio to the
empty signed-in page served by the same gunicorn in the same run (DESIGN.md §8: every list and
dashboard page at least half of that floor; its ratio to a minimal Django page is printed too),
and its query count.

The load comes from wrk on this machine too (one thread, 16 keep-alive connections, as in
DESIGN.md §9), so every page shares the same handicap; the ratios are the figures that mean
something. Two more references are measured in the same run: an empty signed-in page (session,
user and the base layout: the floor of every page of the product), whose target is ≥ 0.5 × the
minimal page, and "Mit overblik", whose target is ≥ 0.5 × the empty signed-in page."""

import os
import random
import re
import socket
import subprocess
import sys
import time
from datetime import timedelta
from http.client import HTTPConnection

NOTIFICATIONS = 50_000
DURATION = 10.0
WARMUP = 2.0
CONNECTIONS = 16
# The deployment's web server runs 4 sync workers on 2 cores (docker-compose.yml): while one
# waits for the database another runs. GUNICORN_WORKERS=2 measures with one per core.
GUNICORN_WORKERS = int(os.environ.get("GUNICORN_WORKERS", "4"))
BACKEND = "trivsel.organisation.backends.StaffModelBackend"

_app = None


def application(environ, start_response):
    """The WSGI app gunicorn serves: the project with bench.urls' minimal page added."""
    global _app
    if _app is None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trivsel.settings")
        from django.core.wsgi import get_wsgi_application
        from django.test.utils import override_settings

        _app = get_wsgi_application()
        override_settings(ROOT_URLCONF="bench.urls").enable()
    return _app(environ, start_response)


def _seed():
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cases.management.skala import SKALA_CODE
    from cases.models import Child
    from referrals.models import Category, Notifier, Outcome, Route, Status, Triage, Underretning
    from referrals.selectors import INTAKE_UNIT_TYPES
    from trivsel.organisation.models import Municipality, Role, StaffProfile

    call_command("seed_scale")
    skala = Municipality.objects.get(code=SKALA_CODE)
    workers = list(
        StaffProfile.objects.filter(
            roles__contains=[Role.SOCIAL_WORKER],
            units__type__in=INTAKE_UNIT_TYPES,
            user__municipality=skala,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    have = Underretning.objects.filter(municipality=skala).count()
    missing = NOTIFICATIONS - have
    if missing > 0:
        rng = random.Random(2026 + have)  # noqa: S311 (fictitious data)
        child_ids = list(Child.objects.filter(municipality=skala).values_list("pk", flat=True))
        now = timezone.now()
        batch = []
        for i in range(missing):
            received = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            n = Underretning(
                municipality=skala,
                route=Route.DIALOGUE if i % 7 == 0 else Route.CLASSIC,
                notifier_kind=rng.choice(Notifier.values),
                category=rng.choice(Category.values),
                child_id=rng.choice(child_ids) if i % 10 else None,
                child_name_given="" if i % 10 else "Barn uden match",
                text="Benchmark-underretning.",
                notifier_email="" if i % 3 else "underretter@example.invalid",
                received_at=received,
            )
            age = now - received
            if age > timedelta(days=1) or i % 2:
                n.assigned_to_id = rng.choice(workers)
                n.assessed_at = received + timedelta(hours=rng.randint(1, 30))
                n.triage = rng.choice(Triage.values)
                n.status = Status.ASSESSED
                if n.wants_receipt and age > timedelta(days=5):
                    n.receipt_sent_at = received + timedelta(days=rng.randint(1, 9))
            if age > timedelta(days=60):
                n.outcome = rng.choice(Outcome.values)
                if n.outcome == Outcome.INVESTIGATION and age < timedelta(days=150):
                    n.status = Status.INVESTIGATING
                    n.investigation_started_at = n.assessed_at
                else:
                    n.closed_at, n.status = received + timedelta(days=50), Status.CLOSED
            n.clocks_refresh(closed_days=frozenset())
            batch.append(n)
            if len(batch) == 5000:
                Underretning.objects.bulk_create(batch)
                batch = []
        Underretning.objects.bulk_create(batch)
        # Fresh statistics after a bulk load (autovacuum would get there on its own, later).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE referrals_underretning")
    worker = StaffProfile.objects.filter(user_id__in=workers).order_by("user_id").first().user
    return skala, worker


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path, cookie, *, htmx=False):
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, **({"HX-Request": "true"} if htmx else {})}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def _throughput(port, path, cookie, *, htmx=False):
    """Requests per second from wrk (C, one thread, CONNECTIONS keep-alive connections): a
    load generator that takes little of the CPU the server needs."""
    status, _ = _get(port, path, cookie, htmx=htmx)
    assert status == 200, f"{path} answered {status}"
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", "-H", f"Cookie: {cookie}"]
    if htmx:
        command += ["-H", "HX-Request: true"]
    url = f"http://127.0.0.1:{port}{path}"
    subprocess.run([*command, "-d", f"{WARMUP:.0f}s", url], check=True, capture_output=True)
    output = subprocess.run(
        [*command, "-d", f"{DURATION:.0f}s", url], check=True, capture_output=True, text=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return (
        rate,
        int(errors.group(1)) if errors else 0,
        socket_errors.group(1) if socket_errors else "",
    )


def _line(label, rate, errors, socket_errors, base=None):
    ratio = f"  {rate / base:5.2f} × minimal page" if base else ""
    problems = f"  ({errors} errors)" if errors else ""
    if socket_errors:
        problems += f"  (socket: {socket_errors})"
    print(f"{label:<45} {rate:8.0f} req/s{ratio}{problems}")


def _ratio(label, ratio, target=0.5):
    verdict = "meets" if ratio >= target else "MISSES"
    print(f"{label:<45} {ratio:8.2f}  ({verdict} the target ≥ {target})")


def run():
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from referrals.models import Underretning

    skala, worker = _seed()
    total = Underretning.objects.filter(municipality=skala).count()
    open_count = Underretning.objects.filter(municipality=skala, closed_at__isnull=True).count()
    print(f"database: {total} notifications in {skala} ({open_count} open)")
    print(f"caseworker: {worker.username}")

    client = Client()
    client.force_login(worker, backend=BACKEND)
    response = client.get("/underretninger/")
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/underretninger/")
    database = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(f"{'dashboard queries':<45} {len(queries)} ({database:.1f} ms of them in the database)")
    with CaptureQueriesContext(connection) as queries:
        client.get("/underretninger/", HTTP_HX_REQUEST="true")
    print(f"{'htmx queue refresh queries':<45} {len(queries)}")
    pages = (("signed-in empty page queries", "/bench-layout/"), ("Mit overblik queries", "/"))
    with override_settings(ROOT_URLCONF="bench.urls"):
        for label, path in pages:
            assert client.get(path).status_code == 200, path
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(f"{label:<45} {len(queries)}")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    port = _free_port()
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.referrals:application",
            "--workers",
            str(GUNICORN_WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "trivsel.settings"},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        print(
            f"gunicorn: {GUNICORN_WORKERS} workers on port {port}; "
            f"load: wrk, {CONNECTIONS} connections"
        )
        # Every worker starts Django at its first request: on a busy machine that takes seconds,
        # which would count against whichever page is measured first.
        for path in ("/bench-minimal/", "/bench-layout/", "/", "/underretninger/"):
            subprocess.run(
                ["wrk", "-t1", f"-c{CONNECTIONS}", "-H", f"Cookie: {cookie}"]
                + ["-d", f"{WARMUP:.0f}s", f"http://127.0.0.1:{port}{path}"],
                check=True,
                capture_output=True,
            )
        base, *problems = _throughput(port, "/bench-minimal/", cookie)
        _line("minimal Django page (baseline)", base, *problems)
        layout, *problems = _throughput(port, "/bench-layout/", cookie)
        _line("signed-in empty page (session, user, layout)", layout, *problems, base=base)
        home, *problems = _throughput(port, "/", cookie)
        _line("Mit overblik, same user", home, *problems, base=base)
        dash, *problems = _throughput(port, "/underretninger/", cookie)
        _line("intake dashboard (socialrådgiver)", dash, *problems, base=base)
        queue, *problems = _throughput(port, "/underretninger/", cookie, htmx=True)
        _line("  its htmx queue refresh (every 30 s)", queue, *problems, base=base)
        _ratio("ratio signed-in empty page / minimal page", layout / base)
        _ratio("ratio Mit overblik / signed-in empty page", home / layout)
        # DESIGN.md §8: every list and dashboard page at least half of the floor.
        _ratio("ratio dashboard / signed-in empty page", dash / layout)
        _ratio("ratio htmx refresh / signed-in empty page", queue / layout)
        print(f"{'ratio dashboard / minimal page':<45} {dash / base:8.2f}")
        print(f"{'ratio htmx refresh / minimal page':<45} {queue / base:8.2f}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
