"""A real Celery worker, talking to the real Redis broker and the test database."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from trivsel.notifications.models import JobHeartbeat
from trivsel.notifications.tasks import heartbeat

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url():
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db):
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "trivsel",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.worker
def test_a_real_worker_runs_the_heartbeat_and_records_it(worker):
    heartbeat.delay()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = JobHeartbeat.objects.filter(name="heartbeat").first()
        if row is not None:
            break
        assert worker.poll() is None, "the worker died"
        time.sleep(0.2)
    assert row is not None, "the worker did not run the task within 60 s"
    assert row.runs == 1


@pytest.mark.worker
def test_the_health_page_shows_the_last_run(worker, login):
    from tests.factories import StaffFactory, UserFactory

    admin = StaffFactory(user=UserFactory(username="drift", is_staff=True), roles=["administrator"])
    heartbeat.delay()
    deadline = time.monotonic() + 60
    while not JobHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    page = login(admin.user).get("/drift/").content.decode()
    assert "heartbeat" in page
    assert "Til tiden" in page
