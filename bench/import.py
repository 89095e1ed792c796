"""The nightly enrolment sync at the scale of a large municipality (issue #20: 100,000 enrolments
with 2,000 changes in under a minute, grants included).

Skala Kommune (seed_scale) is written out as an enrolments file of every current enrolment, then
2,000 changes are made to it: 800 children move to another group of their unit, 400 leave (their
enrolment ends), 400 new children arrive, 400 enrolments get a new start date. The file is
imported by the same service the nightly command runs (plan, apply, grants of every changed child
rebuilt in the same transaction) and the time and the queries are printed. A second import of the
same file must change nothing; it is timed too. The changes stay in the database (the next run
makes 2,000 new ones)."""

import csv
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.demo import fictitious_cpr
from cases.imports.services import import_file_sync
from cases.management.skala import SKALA_CODE
from cases.models import Enrolment, ImportKind
from trivsel.organisation.models import Group, Municipality

TARGET_SECONDS = 60.0
MOVES, LEAVES, ARRIVALS, NEW_STARTS = 800, 400, 400, 400


def run():
    call_command("seed_scale")
    skala = Municipality.objects.get(code=SKALA_CODE)
    today = timezone.localdate()
    rows = list(
        Enrolment.objects.filter(child__municipality=skala)
        # Not those ending today: an earlier run of this benchmark ended them.
        .filter(Q(end__isnull=True) | Q(end__gt=today))
        .values_list(
            "child__cpr",
            "child__first_name",
            "child__last_name",
            "unit__name",
            "group_id",
            "group__name",
            "start",
            "end",
        )
        .order_by("pk")
    )
    groups_of_unit = {}
    for unit_name, group_name in Group.objects.filter(unit__municipality=skala).values_list(
        "unit__name", "name"
    ):
        groups_of_unit.setdefault(unit_name, []).append(group_name)
    rng = random.Random(len(rows))  # noqa: S311 (fictitious data)
    picked = rng.sample(range(len(rows)), MOVES + LEAVES + NEW_STARTS)
    moves = set(picked[:MOVES])
    leaves = set(picked[MOVES : MOVES + LEAVES])
    new_starts = set(picked[MOVES + LEAVES :])
    lines = []
    for number, (cpr, first, last, unit, _gid, group, start, end) in enumerate(rows):
        if number in leaves:
            continue
        if number in moves and group:
            others = [g for g in groups_of_unit[unit] if g != group]
            group = rng.choice(others) if others else group
        if number in new_starts:
            start = (
                date(start.year, start.month, 1)
                if start.day != 1
                else date(start.year, start.month, 2)
            )
        lines.append([cpr, first, last, unit, group or "", _d(start), _d(end) if end else ""])
    existing = {line[0] for line in lines}
    daycare = next(line for line in lines if line[4])
    for _ in range(ARRIVALS):
        cpr = fictitious_cpr(date(2022, rng.randint(1, 12), rng.randint(1, 28)), rng)
        if cpr in existing:
            continue
        existing.add(cpr)
        lines.append([cpr, "Ny", "Tilflytter", daycare[3], daycare[4], _d(today), ""])

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "indskrivninger.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(["cpr", "fornavn", "efternavn", "enhed", "gruppe", "fra", "til"])
            writer.writerows(lines)
        print(f"file: {len(lines):,} enrolments, {path.stat().st_size / 1e6:.1f} MB")
        for label in ("sync with changes", "the same file again"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                run_, _content = import_file_sync(
                    municipality=skala, kind=ImportKind.ENROLMENTS, path=path
                )
                seconds = time.perf_counter() - started
            print(
                f"{label}: {seconds:.1f} s, {len(queries)} queries — {run_.counts_text()}"
                + (f" — {run_.message[:200]}" if run_.message else "")
            )
            if label == "sync with changes":
                verdict = "met" if seconds < TARGET_SECONDS else "NOT met"
                print(f"target under {TARGET_SECONDS:.0f} s: {verdict}")


def _d(day):
    return day.strftime("%d.%m.%Y")
