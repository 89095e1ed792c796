"""The figures page (/tal/) at the scale of one large municipality (issue #18: under 300 ms of
server time with a constant number of queries), against the empty signed-in page measured in
the same run: seed_scale's 100,000 children, seed_scale_marks' 1,000,000 individual marks and
the referrals benchmark's 50,000 notifications. The page reads what the figures job counted
ahead; the job's own time for the municipality is printed too."""

import time

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench.referrals import BACKEND
from bench.referrals import _seed as seed_notifications  # 50,000 notifications over a year
from bench.timing import measure, report
from trivsel.figures.counting import figures_count
from trivsel.figures.models import HiddenFigure
from trivsel.organisation.models import LEADER_ROLES, Municipality, Role, StaffProfile, User

REPEAT = 15
WARMUP = 3


def _fagchef(skala):
    user, _created = User.objects.get_or_create(
        username="skala-fagchef",
        defaults={"municipality": skala, "first_name": "Frede", "last_name": "Skala"},
    )
    StaffProfile.objects.get_or_create(user=user, defaults={"roles": [Role.MANAGEMENT]})
    return user


def _time(label, client, path, baseline=None, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    median, p95 = measure(lambda: client.get(path, **headers), repeat=REPEAT, warmup=WARMUP)
    report(label, median, p95, baseline)
    with CaptureQueriesContext(connection) as queries:
        client.get(path, **headers)
    database = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(f"{'  queries':<45} {len(queries)} ({database:.1f} ms of them in the database)")
    return median


def run():
    call_command("seed_scale")
    call_command("seed_scale_marks")
    skala, _worker = seed_notifications()
    skala = Municipality.objects.get(pk=skala.pk)
    started = time.perf_counter()
    stored = figures_count(municipality_id=skala.pk)
    hidden = HiddenFigure.objects.filter(municipality=skala).count()
    print(
        f"{'figures job for the municipality':<45} {time.perf_counter() - started:7.1f} s "
        f"({stored} counts stored, {hidden} of the cells they make hidden)"
    )
    leader = (
        StaffProfile.objects.filter(
            user__municipality=skala, roles__overlap=[Role.LEADER], units__groups__isnull=False
        )
        .exclude(roles__overlap=list(LEADER_ROLES - {Role.LEADER}))
        .order_by("user_id")
        .first()
        .user
    )
    people = (("fagchef (the municipality)", _fagchef(skala)), ("leader (her unit)", leader))
    with override_settings(ROOT_URLCONF="bench.urls"):
        for label, user in people:
            client = Client()
            client.force_login(user, backend=BACKEND)
            print(f"-- {label}: {user.username}")
            floor = _time("empty signed-in page", client, "/bench-layout/")
            _time("/tal/ (the last four quarters)", client, "/tal/", floor)
            _time(
                "/tal/ as htmx (a filter changed)",
                client,
                "/tal/?periode=12m",
                floor,
                HTTP_HX_REQUEST="true",
            )
