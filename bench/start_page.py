"""Server time of "Mit overblik" for several personas of the demo, against the empty signed-in
page (session, user and the base layout: /bench-layout/) and a minimal Django page, all through
the same middleware stack in the same run, measured turn about so a busy moment of a shared
machine falls on all alike. The goal (issue #17): Mit overblik at most about twice the empty
signed-in page's time, i.e. at least half its throughput."""

import time

from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench.timing import measure_turn_about, report
from trivsel.organisation.models import User

PERSONAS = ("paedagog", "leder", "socialraadgiver", "foraelder")


def _client(username):
    client = Client()
    client.force_login(
        User.objects.get(username=username),
        backend="trivsel.organisation.backends.StaffModelBackend",
    )
    return client


def cpu_ms(function, *, repeat=100):
    """The benchmark process's own CPU time per call (Python: ORM, templates; not PostgreSQL's),
    in milliseconds: steadier than wall time on a shared machine."""
    start = time.process_time()
    for _ in range(repeat):
        function()
    return (time.process_time() - start) * 1000 / repeat


def run(personas=PERSONAS, repeat=200):
    call_command("seed_demo", verbosity=0)
    # Fresh statistics after the bulk load, as autovacuum would have them soon after (without,
    # PostgreSQL takes the demo municipality for one child and plans the consents' query so).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with override_settings(ROOT_URLCONF="bench.urls"):
        for username in personas:
            client = _client(username)
            assert client.get("/").status_code == 200
            figures = measure_turn_about(
                {
                    "minimal": lambda c=client: c.get("/bench-minimal/"),
                    "layout": lambda c=client: c.get("/bench-layout/"),
                    "home": lambda c=client: c.get("/"),
                },
                repeat=repeat,
            )
            minimal, layout, home = figures["minimal"], figures["layout"], figures["home"]
            # Counted at once: the query log keeps only the latest 9,000 entries, and the
            # measured requests after this would push these out of it.
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get("/")
            home_queries = len(queries)
            with CaptureQueriesContext(connection) as queries:
                client.get("/bench-layout/")
            layout_queries = len(queries)
            layout_cpu = cpu_ms(lambda c=client: c.get("/bench-layout/"))
            home_cpu = cpu_ms(lambda c=client: c.get("/"))
            print(f"-- {username}")
            report("minimal Django page", *minimal)
            report("empty signed-in page (/bench-layout/)", *layout, minimal[0])
            report("Mit overblik", *home, minimal[0])
            print(
                f"{'Mit overblik / empty signed-in page':<45} {home[0] / layout[0]:.2f}× "
                f"(throughput {layout[0] / home[0]:.2f}×; goal ≥ 0.5×)"
            )
            print(
                f"{'Python CPU per page: Mit overblik / empty':<45} {home_cpu:.2f} / "
                f"{layout_cpu:.2f} ms ({home_cpu / layout_cpu:.2f}×)"
            )
            print(f"{'queries: Mit overblik / empty page':<45} {home_queries} / {layout_queries}")
