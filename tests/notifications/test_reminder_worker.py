"""Reminders end to end with real Celery workers and beat on the real Redis broker: every due
item gives exactly one notification and one e-mail, whatever runs twice and whatever dies."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import Task
from tests.notifications.test_celery_worker import _test_database_url
from trivsel.celery import app
from trivsel.notifications.models import Notification
from trivsel.notifications.tasks import reminders_sweep_task

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


@pytest.fixture
def celery(transactional_db, tmp_path):
    """Starts workers and beat as separate processes; stops whatever is left at the end."""
    app.control.purge()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    processes = []

    def start(kind, **env):
        environment = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "REMINDER_SWEEP_SECONDS": "2",
            "REMINDER_EMAIL_SECONDS": "2",
            "REMINDER_EMAIL_LEASE_SECONDS": "20",
            "HEARTBEAT_SECONDS": "3600",
            **env,
        }
        if kind == "worker":
            args = [
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ]
        else:
            args = ["beat", "--loglevel", "WARNING", "--schedule", str(tmp_path / "beat")]
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "trivsel", *args],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
        )
        processes.append(process)
        return process

    start.mail_dir = mail_dir
    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    app.control.purge()


def emails_in(mail_dir):
    return sum(path.read_text().count("\nSubject: ") for path in mail_dir.iterdir())


def wait_for(condition, *, timeout=90, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        for process in processes:
            assert process.poll() is None, f"{process.args[4]} died"
        time.sleep(0.1)
    return False


def due_tasks(world, n):
    owners = [world.paedagog, world.teacher, world.social_worker]
    today = timezone.localdate()
    Task.objects.bulk_create(
        Task(
            child=world.child,
            owner=owners[i % len(owners)],
            title=f"Opfølgning {i}",
            due_date=today - timedelta(days=i % 2),
        )
        for i in range(n)
    )


def assert_exactly_once(mail_dir, n):
    assert Notification.objects.filter(kind="cases.task", stage="reminder").count() == n
    assert Notification.objects.filter(email_state="sent", email_sent_at__isnull=False).count() == n
    assert emails_in(mail_dir) == n


def test_beat_and_a_worker_send_each_reminder_once(world, celery):
    due_tasks(world, 30)
    worker = celery("worker")
    beat = celery("beat")
    done = wait_for(lambda: emails_in(celery.mail_dir) >= 30, processes=[worker, beat])
    assert done, "beat and the worker did not send the reminders within 90 s"
    time.sleep(5)  # more sweeps and drains run meanwhile: nothing new
    assert_exactly_once(celery.mail_dir, 30)
    mailed = {line for path in celery.mail_dir.iterdir() for line in path.read_text().splitlines()}
    assert not any("Opfølgning" in line or "Alma" in line for line in mailed)


def test_two_workers_sweeping_at_once_send_each_reminder_once(world, celery):
    due_tasks(world, 200)
    workers = [celery("worker", REMINDER_BATCH_SIZE="7") for _ in range(2)]
    for _ in range(6):
        reminders_sweep_task.delay()
    done = wait_for(lambda: emails_in(celery.mail_dir) >= 200, processes=workers)
    assert done, "the workers did not send the reminders within 90 s"
    for _ in range(2):
        reminders_sweep_task.delay()
    time.sleep(4)
    assert_exactly_once(celery.mail_dir, 200)


def test_a_worker_killed_mid_sweep_and_restarted_sends_every_reminder_once(world, celery):
    n = 1500
    due_tasks(world, n)
    # One row per statement, so the sweep is still running when it is killed.
    worker = celery("worker", REMINDER_BATCH_SIZE="1")
    reminders_sweep_task.delay()
    started = wait_for(lambda: Notification.objects.exists(), processes=[worker])
    assert started
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    claimed = Notification.objects.count()
    assert 0 < claimed < n, f"the sweep was not killed midway ({claimed} of {n})"

    worker = celery("worker", REMINDER_BATCH_SIZE="100")
    beat = celery("beat")
    done = wait_for(lambda: emails_in(celery.mail_dir) >= n, timeout=180, processes=[worker, beat])
    assert done, f"only {emails_in(celery.mail_dir)} of {n} e-mails within 180 s"
    time.sleep(5)
    assert_exactly_once(celery.mail_dir, n)
