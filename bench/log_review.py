"""The log review's two jobs at the scale of a large municipality (DESIGN.md §8: 5,000 staff):
the weekly draw over a week of look-ups, and the alert sweep over the last window of the log.

In a municipality of its own ("Logkontrol Kommune", code 994): 200 units of 25 staff, and
1,000,000 look-ups of children last week (1,000 each) plus 100,000 in the last hour. Prints the
time and the queries of each job, first run and second (nothing new: the week is claimed, the
alerts told). A second run of the benchmark keeps the look-ups and removes the samples and
alerts of the previous one."""

import os
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trivsel.audit.models import AccessLogEntry, LogAlert, LookupSample
from trivsel.audit.patterns import log_alerts_raise
from trivsel.audit.services import lookup_samples_draw, review_week_of
from trivsel.organisation.models import Municipality, Role, StaffProfile, Unit, User

CODE = "994"
UNITS = 200
STAFF_PER_UNIT = 25
LAST_WEEK = 1_000_000
LAST_HOUR = 100_000


def run():
    municipality = _seed()
    LookupSample.objects.filter(municipality=municipality).delete()
    LogAlert.objects.filter(municipality=municipality).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE audit_accesslogentry")
    entries = AccessLogEntry.objects.filter(municipality=municipality).count()
    print(f"database: {entries} look-ups by {UNITS * STAFF_PER_UNIT} staff in {UNITS} units")
    for label, job in (
        ("weekly draw, first run", lookup_samples_draw),
        ("weekly draw, second run (week claimed)", lookup_samples_draw),
        ("alert sweep, first run", log_alerts_raise),
        ("alert sweep, second run (nothing new)", log_alerts_raise),
    ):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = job()
            seconds = time.perf_counter() - start
        made = result if isinstance(result, int) else len(result)
        print(f"{label:<45} {seconds:7.2f} s  {len(queries):4} queries  {made} made")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _seed():
    municipality, _ = Municipality.objects.get_or_create(
        code=CODE, defaults={"name": "Logkontrol Kommune"}
    )
    if AccessLogEntry.objects.filter(municipality=municipality).exists():
        return municipality
    started = time.perf_counter()
    password = make_password("bench-not-a-login")
    with transaction.atomic():
        units = Unit.objects.bulk_create(
            Unit(municipality=municipality, name=f"Logenhed {i}", type="skole")
            for i in range(UNITS)
        )
        users = User.objects.bulk_create(
            User(username=f"logkontrol{i}", municipality=municipality, password=password)
            for i in range(UNITS * STAFF_PER_UNIT)
        )
        profiles = StaffProfile.objects.bulk_create(
            StaffProfile(user=user, roles=[Role.TEACHER if i % STAFF_PER_UNIT else Role.LEADER])
            for i, user in enumerate(users)
        )
        StaffProfile.units.through.objects.bulk_create(
            StaffProfile.units.through(staffprofile_id=p.pk, unit_id=units[i // STAFF_PER_UNIT].pk)
            for i, p in enumerate(profiles)
        )
        _, start, end = review_week_of(timezone.now())
        first_user = users[0].pk
        with connection.cursor() as cursor:
            for rows, since, seconds in (
                (LAST_WEEK, start, (end - start).total_seconds()),
                (LAST_HOUR, timezone.now() - timedelta(hours=1), 3500),
            ):
                # Each user looks up children of her own, at random times in the period.
                cursor.execute(
                    f"""
                    INSERT INTO audit_accesslogentry (at, municipality_id, actor_id, action,
                        basis, object_type, object_id, child_id, purpose, detail, topic,
                        listed)
                    SELECT %s + random() * %s * interval '1 second', %s, %s + n %% %s, 'read',
                        'enrolment', 'cases.child', (n %% 50000)::text, n %% 50000,
                        'Barnets side', '', 'daily_care', false
                    FROM generate_series(1, {rows}) AS n
                    """,  # noqa: S608 (numbers of this module)
                    [since, seconds, municipality.pk, first_user, len(users)],
                )
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    return municipality
