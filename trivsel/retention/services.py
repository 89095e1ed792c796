"""The nightly retention job (README "Sletning og opbevaring"): every municipality, every kind of
record, in batches. Each batch is its own transaction: the rows are taken with
`FOR UPDATE SKIP LOCKED`, removed, and the removal written to the access log (kind and count,
never content) in the same commit. Running it twice, or on two workers at once, removes nothing
twice: a removed row no longer matches, a row another worker holds is skipped."""

import logging
import time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import AccessLogEntry, Action, Basis
from trivsel.organisation.models import Municipality

from .models import RetentionRun
from .registry import (
    ANONYMISE,
    PROTECTION_ERRORS,
    held_child_ids,
    record_types,
    rules_for,
)

log = logging.getLogger(__name__)


def _removal_log(*, municipality_id, record_type, count):
    AccessLogEntry.objects.create(
        municipality_id=municipality_id,
        actor=None,
        action=Action.CHANGE if record_type.action == ANONYMISE else Action.DELETE,
        basis=Basis.ADMINISTRATION,
        object_type=record_type.key,
        purpose=_("Retention: the period has passed"),
        detail=str(count),
    )


def _delete(batch):
    """Delete the batch; rows something else still protects are left for a later night."""
    model = batch.model
    try:
        with transaction.atomic():
            _total, per_model = batch.delete()
        return per_model.get(model._meta.label, 0)
    except PROTECTION_ERRORS:
        pass
    # Rare: a record deleted with these (minutes of a meeting) is still needed by another (the
    # notification they are the content of). Row by row, and the protected ones wait.
    removed = 0
    for pk in batch.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                _total, per_model = model._base_manager.filter(pk=pk).delete()
            removed += per_model.get(model._meta.label, 0)
        except PROTECTION_ERRORS:
            pass
    return removed


def record_type_sweep(*, record_type, municipality_id, before, held, batch_size, on_batch=None):
    """Remove one kind of record of one municipality (or of none) whose period has passed.
    Returns (rows removed, batches)."""
    removed_total, batches, after = 0, 0, 0
    while True:
        expired = record_type.expired(municipality_id=municipality_id, before=before, held=held)
        started = time.perf_counter()
        with transaction.atomic():
            # By primary key from where the last batch ended: rows this run has passed (removed,
            # still protected, or held by another worker) are not read again.
            pks = list(
                expired.filter(pk__gt=after)
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:batch_size]
            )
            if not pks:
                break
            after = pks[-1]
            batch = expired.model._base_manager.filter(pk__in=pks)
            if record_type.action == ANONYMISE:
                removed = record_type.anonymise(batch, expired=expired)
            elif record_type.delete is not None:
                removed = record_type.delete(batch)
            else:
                removed = _delete(batch)
            if removed:
                _removal_log(
                    municipality_id=municipality_id, record_type=record_type, count=removed
                )
        batches += 1
        removed_total += removed
        if on_batch is not None:
            on_batch(record_type, removed, time.perf_counter() - started)
        if len(pks) < batch_size:
            break
    return removed_total, batches


def retention_run(*, municipality_id, now=None, batch_size=None, on_batch=None):
    """One municipality's run: every kind of record under its rules, legal holds respected."""
    now = now or timezone.now()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    run = RetentionRun.objects.create(municipality_id=municipality_id, started_at=now)
    held = held_child_ids(municipality_id)
    for rule in rules_for(municipality_id):
        removed, batches = record_type_sweep(
            record_type=rule.record_type,
            municipality_id=municipality_id,
            before=rule.before(now),
            held=held,
            batch_size=batch_size,
            on_batch=on_batch,
        )
        run.batches += batches
        if removed:
            run.removed[rule.record_type.key] = removed
            # Saved as it goes: a run cut short still says what it did.
            run.save(update_fields=["removed", "batches"])
    run.finished_at = timezone.now()
    run.save(update_fields=["removed", "batches", "finished_at"])
    log.info("Retention, municipality %s: %s rows removed", municipality_id, run.total)
    return run


def retention_sweep(*, now=None, batch_size=None, on_batch=None):
    """Every municipality (the Celery beat job), then the rows that belong to none under the
    default period. Returns {municipality id: rows removed}."""
    now = now or timezone.now()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    removed = {}
    for municipality_id in Municipality.objects.order_by("pk").values_list("pk", flat=True):
        run = retention_run(
            municipality_id=municipality_id, now=now, batch_size=batch_size, on_batch=on_batch
        )
        removed[municipality_id] = run.total
    for record_type in record_types():
        if record_type.without_municipality:
            count, _batches = record_type_sweep(
                record_type=record_type,
                municipality_id=None,
                before=now - relativedelta(months=record_type.default_months),
                held=[],
                batch_size=batch_size,
                on_batch=on_batch,
            )
            removed[None] = removed.get(None, 0) + count
    return removed


def retention_preview(*, municipality_id, now=None):
    """The dry run: per kind of record, what the job would remove now — how many and the oldest
    event — without removing anything."""
    now = now or timezone.now()
    held = held_child_ids(municipality_id)
    rows = []
    for rule in rules_for(municipality_id):
        expired = rule.record_type.expired(
            municipality_id=municipality_id, before=rule.before(now), held=held
        )
        summary = expired.order_by().aggregate(count=Count("pk"), oldest=Min("retention_event"))
        rows.append({"rule": rule, **summary})
    return rows, len(held)
