"""CPR numbers are masked in the logs of every process (issue #14 point 5), not only in
Django's: a real Celery worker whose task logs and fails on a CPR number, and gunicorn's
access and error logs for a request that carries one."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.notifications.test_celery_worker import _test_database_url
from trivsel.jobs import enqueue

ROOT = Path(__file__).resolve().parents[2]
CPR = "1705214123"
MASKED = "170521-XXXX"


def wait_for(path, text, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        log = path.read_text(errors="replace")
        if text in log:
            return log
        assert process.poll() is None, "the process died:\n" + log
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in the log within {seconds} s:\n{log}")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.worker
def test_a_celery_workers_log_masks_a_cpr_number(transactional_db, tmp_path):
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log_file:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "trivsel", "worker"),
                *("--include", "tests.security.cpr_tasks"),
                *("--pool", "solo", "--loglevel", "INFO"),
                *("--without-heartbeat", "--without-gossip", "--without-mingle"),
            ],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": _test_database_url()},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(log_path, "ready", worker)
        assert enqueue("tests.security.fail_on_a_cpr_number", CPR)
        wait_for(log_path, "raised unexpected", worker)
    finally:
        stop(worker)
    log = log_path.read_text()
    assert "Looking for the child with CPR " + MASKED in log  # the task's own logger
    assert f"LookupError('No child with CPR {MASKED}')" in log  # Celery's report of the failure
    assert CPR not in log and "170521-4123" not in log


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorns_access_and_error_logs_mask_a_cpr_number(tmp_path):
    # As docker-compose.yml starts it: the project's gunicorn settings, access log on stdout.
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log_file:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "-c", "python:trivsel.gunicorn_conf"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
                *("--access-logfile", "-", "--log-level", "debug"),
                "trivsel.wsgi:application",
            ],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "trivsel.settings"},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(log_path, "Booting worker", server)
        with pytest.raises(urllib.error.HTTPError):  # 404 for a page that is not there
            urllib.request.urlopen(f"http://127.0.0.1:{port}/boern/soeg/?cpr={CPR}", timeout=30)
        wait_for(log_path, "/boern/soeg/?cpr=", server)
        # A malformed request that quotes the number: gunicorn's error log (at debug) repeats it.
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            raw.sendall(f"GET /boern/ HTTP/1.1\r\nHost: x\r\nX-Cpr {CPR}\r\n\r\n".encode())
            raw.recv(1024)
        wait_for(log_path, "Invalid request", server)
    finally:
        stop(server)
    log = log_path.read_text()
    assert f'"GET /boern/soeg/?cpr={MASKED} HTTP/1.1" 404' in log  # the access log
    assert f"Invalid HTTP Header: 'X-Cpr {MASKED}'" in log  # the error log
    assert CPR not in log and "170521-4123" not in log, log
