import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = Path("locale/da/LC_MESSAGES/django.po")


def statistics(po_file):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


def test_the_danish_catalogue_is_complete():
    stats = statistics(ROOT / PO)
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


def test_every_translatable_string_of_the_code_is_in_the_catalogue(tmp_path):
    # makemessages on a copy, so the checkout is never modified by a test run.
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", ".data", ".git", "__pycache__", "tests", "bench"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "da",
            "--no-location",
            "--ignore=.venv",
            "--ignore=node_modules",
            "--ignore=.data",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    stats = statistics(copy / PO)
    assert "untranslated" not in stats and "fuzzy" not in stats, (
        "Run makemessages and translate the new strings: " + stats
    )
