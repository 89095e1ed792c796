"""`make demo` as a user meets it: it serves the login page, the demo login reaches "Mit
overblik", and Ctrl-C stops every process it started."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def demo_processes(data_dir):
    """Every process the demo started, found by the data folder it was given: web, worker and
    beat, and the PostgreSQL and Redis servers, which inherit the launcher's environment."""
    found, sockets = [], set()
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.pid == os.getpid():
            continue
        try:
            environment = process.environ()
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        if environment.get("TRIVSEL_DATA_DIR") == str(data_dir):
            found.append(process)
            sockets.add(environment.get("REDIS_URL", "").removeprefix("unix://"))
    # Redis rewrites its process title over its environment: find it by its socket instead.
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if (process.info["name"] or "").startswith("redis") and any(
            socket and socket in command for socket in sockets
        ):
            found.append(process)
    return found


@pytest.mark.worker
def test_make_demo_serves_logs_in_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(TRIVSEL_DATA_DIR=str(tmp_path), TRIVSEL_PORT=str(port))
    launcher = subprocess.Popen(
        [sys.executable, "-m", "trivsel.launcher", "demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        login_page = wait_for(f"{base}/log-ind/", timeout=240)
        assert "Brugernavn" in login_page

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/log-ind/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": "paedagog", "password": "demo", "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{base}/log-ind/", data=data, headers={"Referer": f"{base}/log-ind/"}
        )
        overview = opener.open(request).read().decode()
        assert "Mit overblik" in overview
        assert "Solstuen" in overview
        started = demo_processes(tmp_path)
        names = {p.info["name"] for p in started}
        assert any(n.startswith("postgres") for n in names), names
        assert any(n.startswith("redis") for n in names), names
    finally:
        launcher.send_signal(signal.SIGINT)
        output, _ = launcher.communicate(timeout=90)

    assert launcher.returncode == 0, output
    assert "paedagog" in output  # the demo logins are printed
    time.sleep(1)
    left = [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert left == [], [p.info["cmdline"] for p in left]
    # Nothing listens on the port any more.
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
