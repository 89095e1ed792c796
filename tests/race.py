"""Two people pressing the same button at once (issue #14, point 6).

`race` runs a service in two threads, each with its own database connection, as two requests
would. So that both read and check the state before either writes — the moment a check-then-act
service doubles something — this thread holds writes to one table back: it takes the table in
SHARE mode, which lets the callers read (and take row locks) but makes their first INSERT or
UPDATE of it wait. Once every caller waits on a lock (the table, or a row another caller locked)
the table is let go. No sleeping for a guessed time: PostgreSQL's own lock table says when."""

import threading
import time

from django.db import connection, transaction

_GIVE_UP_AFTER = 30  # seconds; reached only when a caller is stuck, never in a passing run


def race(table, call, *, callers=2):
    """Call `call(i)` in `callers` threads at once, i = 0, 1, …. `table` is the model whose
    write decides the race. Returns each caller's result, or the exception it raised."""
    results = [None] * callers
    pids = [None] * callers
    finished = []
    ready = threading.Barrier(callers + 1)

    def caller(i):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[i] = cursor.fetchone()[0]
            ready.wait(timeout=_GIVE_UP_AFTER)
            results[i] = call(i)
        except Exception as error:  # the caller's answer, for the test to look at
            results[i] = error
        finally:
            finished.append(i)
            connection.close()

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(callers)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{table._meta.db_table}" IN SHARE MODE')
        for thread in threads:
            thread.start()
        ready.wait(timeout=_GIVE_UP_AFTER)  # never hangs: a caller that failed breaks it
        deadline = time.monotonic() + _GIVE_UP_AFTER
        while True:
            cursor.execute(
                "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid = ANY(%s)",
                [pids],
            )
            if cursor.fetchone()[0] + len(finished) >= callers:
                break
            assert time.monotonic() < deadline, "the callers never met at a lock"
            time.sleep(0.005)
    for thread in threads:
        thread.join()
    return results
