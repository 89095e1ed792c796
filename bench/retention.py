"""The retention job's first run over one large municipality (issue #19): seed_scale's 100,000
children, seed_scale_marks' 1,000,000 individual marks and the referrals benchmark's 50,000
notifications, run as if six years had passed so every kind of record is due. Prints the dry
run (counts and the time it takes the DPO's page to count them), then per kind of record the
batches, rows per batch and time per batch, and the whole run's time.

The run happens inside one transaction that is rolled back at the end, so the seeded data stay
for the other benchmarks (each batch is a savepoint here instead of its own commit)."""

import time
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from bench.referrals import _seed as seed_notifications
from trivsel.organisation.models import Municipality
from trivsel.retention.services import retention_preview, retention_run

YEARS_AHEAD = 6


class _RollBack(Exception):
    pass


def run():
    call_command("seed_scale")
    call_command("seed_scale_marks")
    skala, _worker = seed_notifications()
    skala = Municipality.objects.get(pk=skala.pk)
    now = timezone.now() + timedelta(days=365 * YEARS_AHEAD)

    started = time.perf_counter()
    rows, held = retention_preview(municipality_id=skala.pk, now=now)
    print(f"{'dry run (the report page)':<45} {time.perf_counter() - started:7.2f} s")
    for row in rows:
        print(f"  {row['rule'].record_type.key:<43} {row['count']:>9} due")
    print(f"  {'children on legal hold':<43} {held:>9}")

    batches = defaultdict(list)

    def on_batch(record_type, removed, seconds):
        batches[record_type.key].append((removed, seconds))

    print(f"batch size {settings.RETENTION_BATCH_SIZE} (RETENTION_BATCH_SIZE)")
    started = time.perf_counter()
    try:
        with transaction.atomic():
            run_row = retention_run(municipality_id=skala.pk, now=now, on_batch=on_batch)
            total = time.perf_counter() - started
            raise _RollBack
    except _RollBack:
        pass
    for key, done in batches.items():
        removed = sum(n for n, _s in done)
        seconds = [s for _n, s in done]
        print(
            f"  {key:<30} {removed:>9} rows in {len(done):>4} batches: "
            f"{removed / len(done):7.0f} rows/batch, "
            f"{sum(seconds) / len(done) * 1000:7.1f} ms/batch "
            f"(max {max(seconds) * 1000:.1f}), {removed / max(sum(seconds), 1e-9):8.0f} rows/s"
        )
    print(
        f"{'first run, the whole municipality':<45} {total:7.1f} s "
        f"({run_row.total} rows, {run_row.batches} batches; rolled back)"
    )
