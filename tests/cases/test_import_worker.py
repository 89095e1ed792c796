"""The nightly sync as the workers run it: with IMPORT_DROP_DIR set, beat has its entry, and a
real Celery worker imports each municipality's dropped files and deletes them."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cases.models import ImportRun
from cases.tasks import imports_drop_folder
from tests.cases.test_imports import CILLE, FIRST_FILE, sees
from tests.notifications.test_celery_worker import _test_database_url
from trivsel.celery import app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def test_beat_has_the_nightly_entry_only_with_a_drop_folder(tmp_path, settings):
    assert "IMPORT_DROP_DIR" not in os.environ
    assert "imports-drop-folder" not in settings.CELERY_BEAT_SCHEDULE
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_BEAT_SCHEDULE.get('imports-drop-folder', {}).get('task'))"
    )
    with_folder = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "trivsel.settings", "TRIVSEL_MODE": "test",
             "IMPORT_DROP_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    assert with_folder.stdout.strip() == "cases.tasks.imports_drop_folder"


def test_a_real_worker_imports_the_dropped_file_and_deletes_it(transactional_db, world, tmp_path):
    drop = tmp_path / "901"
    drop.mkdir()
    (drop / "indskrivninger.csv").write_text(FIRST_FILE, encoding="utf-8")
    app.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "trivsel", "worker", "--pool", "solo",
            "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _test_database_url(), "IMPORT_DROP_DIR": str(tmp_path)},
    )  # fmt: skip
    try:
        imports_drop_folder.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ImportRun.objects.exists():
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    run = ImportRun.objects.get()
    assert (run.source, run.status, run.created) == ("command", "applied", 4)
    assert not (drop / "indskrivninger.csv").exists()
    assert sees(world.teacher, CILLE)
