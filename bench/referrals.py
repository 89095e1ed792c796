"""The intake dashboard ("Modtagelse") with 50,000 notifications in one large municipality
(seed_scale's Skala Kommune, DESIGN.md §8): its throughput under gunicorn (2 workers, started
here against the launcher's database and Redis) as a ratio to a minimal Django page served by
the same gunicorn in the same run (target ≥ 0.5), and its query count.

The load comes from this machine too (2 processes × 8 keep-alive clients), so both pages share
the same handicap; the ratio is the figure that means something."""

import os
import random
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.client import HTTPConnection
from multiprocessing import Pool

NOTIFICATIONS = 50_000
DURATION = 10.0
WARMUP = 2.0
PROCESSES = 2
THREADS = 8
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

    from cases.management.commands.seed_scale import SKALA_CODE
    from cases.models import Child
    from referrals.models import Category, Notification, Outcome, Route, Source, Status, Triage
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
    have = Notification.objects.filter(municipality=skala).count()
    missing = NOTIFICATIONS - have
    if missing > 0:
        rng = random.Random(2026 + have)  # noqa: S311 (fictitious data)
        child_ids = list(Child.objects.filter(municipality=skala).values_list("pk", flat=True))
        now = timezone.now()
        batch = []
        for i in range(missing):
            received = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            n = Notification(
                municipality=skala,
                route=Route.DIALOGUE if i % 7 == 0 else Route.CLASSIC,
                source=rng.choice([Source.PROFESSIONAL, Source.CITIZEN, Source.ANONYMOUS]),
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
            n.next_deadline = n.compute_next_deadline()
            batch.append(n)
            if len(batch) == 5000:
                Notification.objects.bulk_create(batch)
                batch = []
        Notification.objects.bulk_create(batch)
        # Fresh statistics after a bulk load (autovacuum would get there on its own, later).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE referrals_notification")
    worker = StaffProfile.objects.filter(user_id__in=workers).order_by("user_id").first().user
    return skala, worker


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hammer(args):
    """One load process: THREADS keep-alive clients for DURATION seconds → completed requests."""
    port, path, cookie, duration, htmx = args
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    if htmx:
        headers["HX-Request"] = "true"
    stop = time.monotonic() + duration
    counts, errors = [0] * THREADS, [0] * THREADS

    def client(i):
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except OSError:
                errors[i] += 1
                conn.close()
                conn = HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts), sum(errors)


def _line(label, rate, errors):
    print(f"{label:<45} {rate:8.0f} req/s  ({errors} errors)")


def _throughput(port, path, cookie, *, htmx=False):
    with Pool(PROCESSES) as pool:
        pool.map(_hammer, [(port, path, cookie, WARMUP, htmx)] * PROCESSES)
        results = pool.map(_hammer, [(port, path, cookie, DURATION, htmx)] * PROCESSES)
    done = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    assert done > 0, f"no successful requests to {path} ({errors} errors)"
    return done / DURATION, errors


def run():
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from referrals.models import Notification

    skala, worker = _seed()
    total = Notification.objects.filter(municipality=skala).count()
    open_count = Notification.objects.filter(municipality=skala, closed_at__isnull=True).count()
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
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    port = _free_port()
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.referrals:application",
            "--workers",
            "2",
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
        print(f"gunicorn: 2 workers on port {port}; load: {PROCESSES}×{THREADS} clients")
        base, base_errors = _throughput(port, "/bench-minimal/", cookie)
        print(f"{'minimal Django page (baseline)':<45} {base:8.0f} req/s  ({base_errors} errors)")
        dash, dash_errors = _throughput(port, "/underretninger/", cookie)
        _line("intake dashboard (socialrådgiver)", dash, dash_errors)
        queue, queue_errors = _throughput(port, "/underretninger/", cookie, htmx=True)
        _line("  its htmx queue refresh (partial)", queue, queue_errors)
        # Any logged-in page pays session, user, CSP and the base layout: "Mit overblik" shows
        # that floor for the same user in the same run.
        home, home_errors = _throughput(port, "/", cookie)
        _line("Mit overblik, same user (reference)", home, home_errors)
        ratio = dash / base
        verdict = "meets" if ratio >= 0.5 else "MISSES"
        print(f"{'ratio dashboard / minimal page':<45} {ratio:8.2f}  ({verdict} the target ≥ 0.5)")
        print(f"{'ratio Mit overblik / minimal page':<45} {home / base:8.2f}")
        print(f"{'ratio dashboard / Mit overblik':<45} {dash / home:8.2f}")
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
