"""PostgreSQL restarted under a running web server and a running worker (issue #14 point 8):
while the database cannot be reached every page answers a Danish 503 page, never a stack trace,
and once it is back both serve again without being restarted themselves.

The web server (gunicorn) and the worker reach the suite's database through a TCP relay of this
test's own. Stopping the relay is what a database restart looks like from their side: every open
connection is cut and new ones are refused until it is back. Stopping the suite's database
itself would take the test process's own connection with it.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.db import connection

from tests.factories import StaffFactory
from trivsel.notifications.models import JobHeartbeat
from trivsel.notifications.tasks import heartbeat

ROOT = Path(__file__).resolve().parent.parent


class DatabaseRelay:
    """Relays TCP connections on 127.0.0.1 to the suite's PostgreSQL (a TCP address or a unix
    socket folder); `stop` cuts every connection and refuses new ones, `start` takes them again
    on the same port."""

    def __init__(self, host, port):
        self.upstream_host, self.upstream_port = host, int(port or 5432)
        self.port = None
        self.listener = None
        self.open_sockets = set()
        self.lock = threading.Lock()

    def _connect_upstream(self):
        if self.upstream_host.startswith("/"):
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(f"{self.upstream_host}/.s.PGSQL.{self.upstream_port}")
        else:
            address = (self.upstream_host or "127.0.0.1", self.upstream_port)
            upstream = socket.create_connection(address)
        return upstream

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: the database is "down"
            upstream = self._connect_upstream()
            with self.lock:
                self.open_sockets |= {client, upstream}
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self):
        if self.listener.fileno() == -1:
            return  # already stopped
        # shutdown, not only close: a close leaves the thread blocked in accept() accepting.
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for sock in self.open_sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open_sockets.clear()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(condition, seconds=60, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        assert process is None or process.poll() is None, "the process died"
        time.sleep(0.2)
    return False


@pytest.fixture
def relay(transactional_db):
    db = connection.settings_dict
    relay = DatabaseRelay(db["HOST"], db["PORT"]).start()
    yield relay
    relay.stop()


@pytest.fixture
def relayed_env(relay):
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@127.0.0.1:{relay.port}/{db['NAME']}",
        "TRIVSEL_MODE": "test",
        "DEBUG": "0",
    }


@pytest.fixture
def web(relayed_env):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--log-level", "critical", "trivsel.wsgi:application"],
        cwd=ROOT, env=relayed_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def answers():
        try:
            requests.get(f"http://127.0.0.1:{port}/log-ind/", timeout=30)
        except requests.RequestException:  # not listening yet, or still starting up
            return False
        return True

    assert _wait_until(answers, process=process), "gunicorn did not start"
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def worker(relayed_env):
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "trivsel", "worker", "--pool", "solo",
         "--loglevel", "CRITICAL", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=relayed_env,
    )  # fmt: skip
    yield process
    process.terminate()
    process.wait(timeout=30)


def _heartbeats():
    row = JobHeartbeat.objects.filter(name="heartbeat").first()
    return row.runs if row else 0


@pytest.mark.worker
def test_web_and_worker_answer_a_danish_503_while_the_database_is_down_and_recover_by_themselves(
    relay, web, worker, client
):
    pedagogue = StaffFactory(roles=["paedagog"])
    client.force_login(pedagogue.user, backend="trivsel.organisation.backends.StaffModelBackend")
    browser = requests.Session()
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser.cookies.set(settings.SESSION_COOKIE_NAME, session_cookie)

    assert browser.get(f"{web}/", timeout=30).status_code == 200
    heartbeat.delay()
    assert _wait_until(lambda: _heartbeats() == 1, process=worker), "the worker did not run"

    relay.stop()  # the database goes away under both
    down = browser.get(f"{web}/", timeout=30)
    assert down.status_code == 503
    assert down.headers["Retry-After"]
    assert "Trivsel+ er kortvarigt utilgængelig" in down.text
    assert "Traceback" not in down.text and "OperationalError" not in down.text
    heartbeat.delay()  # fails in the worker while the database is away; the worker lives on
    time.sleep(1)

    relay.start()  # back, on the same address; neither process is restarted
    assert browser.get(f"{web}/", timeout=30).status_code == 200
    heartbeat.delay()
    assert _wait_until(lambda: _heartbeats() >= 2, process=worker), "the worker did not recover"
    assert worker.poll() is None
