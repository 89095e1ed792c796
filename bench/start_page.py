"""Server time of "Mit overblik" for the demo pædagog, against a minimal Django page rendered
through the same middleware stack in the same run (the floor any page pays)."""

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench.timing import measure, report
from trivsel.organisation.models import User


def run():
    call_command("seed_demo", verbosity=0)
    client = Client()
    client.force_login(
        User.objects.get(username="paedagog"),
        backend="trivsel.organisation.backends.StaffModelBackend",
    )
    with override_settings(ROOT_URLCONF="bench.urls"):
        base_median, base_p95 = measure(lambda: client.get("/bench-minimal/"))
        report("minimal Django page (baseline)", base_median, base_p95)
        median, p95 = measure(lambda: client.get("/"))
        report("Mit overblik (paedagog)", median, p95, base_median)
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        print(f"{'queries for Mit overblik':<45} {len(queries)}")
