"""The reminder sweep at scale (DESIGN.md §8: 1,000,000 due-date rows in under 30 s, O(1)
queries per batch): one sweep over 1,000,000 open follow-up tasks that are all due, then the same
sweep again (everything already claimed), with the time, the queries of each batch and the rows
written (one notification row per item: its e-mail is queued on the same row).

The rows are made set-based in a municipality of their own ("Påmindelse Kommune", code 996):
5,000 staff with e-mail addresses in one unit, 200 tasks each. A second run keeps the tasks and
removes only the notifications and e-mails the previous run made."""

import os
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Task
from trivsel.celery import app
from trivsel.notifications.models import Notification
from trivsel.notifications.services import reminders_sweep
from trivsel.organisation.models import Municipality, Role, StaffProfile, Unit, User

ROWS = 1_000_000
STAFF = 5_000
CODE = "996"


def run():
    municipality, owners = _seed()
    tasks = Task.objects.filter(owner__municipality=municipality)
    print(f"database: {tasks.count()} open tasks due today for {len(owners)} staff")
    with transaction.atomic():
        rows = Notification.objects.filter(recipient__municipality=municipality)
        rows._raw_delete(rows.db)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_notification")
    batch = settings.REMINDER_BATCH_SIZE
    print(f"batch size: {batch} rows (REMINDER_BATCH_SIZE)")
    for label in ("first sweep (all 1,000,000 due)", "second sweep (all already claimed)"):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            totals = reminders_sweep(kinds={"cases.task"})
            seconds = time.perf_counter() - start
        sweeps = [q for q in queries.captured_queries if "WITH due AS" in q["sql"]]
        batches = max(len(sweeps), 1)
        slowest = max(float(q["time"]) for q in sweeps) if sweeps else 0
        print(f"-- {label}")
        print(f"{'  time':<45} {seconds:7.2f} s")
        print(
            f"{'  notifications / e-mails queued':<45} {totals['notified']} / {totals['emailed']}"
        )
        print(f"{'  rows written':<45} {totals['notified']} (e-mails on the same rows)")
        print(
            f"{'  queries':<45} {len(queries)} in {len(sweeps)} batch statements "
            f"({len(queries) / batches:.2f} per batch)"
        )
        print(f"{'  slowest batch statement':<45} {slowest * 1000:7.0f} ms")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    app.control.purge()  # the drain tasks the sweep queued: no worker runs in the benchmark


def _seed():
    municipality, _ = Municipality.objects.get_or_create(
        code=CODE, defaults={"name": "Påmindelse Kommune"}
    )
    unit, _ = Unit.objects.get_or_create(
        municipality=municipality, name="Påmindelsesskolen", defaults={"type": "skole"}
    )
    owners = list(User.objects.filter(municipality=municipality).values_list("pk", flat=True))
    if len(owners) < STAFF:
        started = time.perf_counter()
        password = make_password("bench-not-a-login")
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(
                    username=f"paamind{i}",
                    email=f"paamind{i}@example.invalid",
                    first_name="Påmind",
                    last_name=str(i),
                    password=password,
                    municipality=municipality,
                )
                for i in range(len(owners), STAFF)
            )
            profiles = StaffProfile.objects.bulk_create(
                StaffProfile(user=user, roles=[Role.TEACHER]) for user in users
            )
            StaffProfile.units.through.objects.bulk_create(
                StaffProfile.units.through(staffprofile_id=p.pk, unit_id=unit.pk) for p in profiles
            )
        owners = list(User.objects.filter(municipality=municipality).values_list("pk", flat=True))
        print(f"seeded {STAFF} staff in {time.perf_counter() - started:.1f} s")
    existing = Task.objects.filter(owner__municipality=municipality).count()
    if existing < ROWS:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # Set-based: 200 tasks per staff member, all due today, no child (nothing to see).
            cursor.execute(
                """
                INSERT INTO cases_task (title, owner_id, due_date, status, data_kind, source_type,
                                        source_id, created_at)
                SELECT 'Opfølgning', owners.ids[1 + (n %% array_length(owners.ids, 1))], %s,
                       'open', 'basic', '', '', now()
                FROM generate_series(1, %s) AS n,
                     (SELECT array_agg(id) AS ids FROM organisation_user
                      WHERE municipality_id = %s) AS owners
                """,
                [timezone.localdate(), ROWS - existing, municipality.pk],
            )
            cursor.execute("VACUUM ANALYZE cases_task")
        print(f"seeded {ROWS - existing} tasks in {time.perf_counter() - started:.1f} s")
    return municipality, owners
