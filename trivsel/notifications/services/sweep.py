"""The reminder sweep: every registered clock (clocks.py), reminded and escalated once."""

import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Concat
from django.utils import timezone

from .. import clocks
from ..models import (
    EmailState,
    JobHeartbeat,
    Notification,
    NotificationPreference,
    Stage,
)
from .common import _enqueue_email_drain

logger = logging.getLogger(__name__)


def job_heartbeat_record(*, name):
    # One upsert-like statement pair; safe when two workers run the job at the same moment.
    now = timezone.now()
    updated = JobHeartbeat.objects.filter(name=name).update(last_run_at=now, runs=F("runs") + 1)
    if not updated:
        JobHeartbeat.objects.get_or_create(name=name, defaults={"last_run_at": now, "runs": 1})
    return now


# --- The sweep --------------------------------------------------------------------------------


def reminders_sweep(*, now=None, batch_size=None, kinds=None):
    """Every registered clock: remind what is due, escalate what is still due after the grace
    period. Safe to run twice or on two workers at once: the unique (recipient, key) of the
    notification row is the claim, taken by INSERT … ON CONFLICT DO NOTHING."""
    now = now or timezone.now()
    batch_size = batch_size or settings.REMINDER_BATCH_SIZE
    totals = Counter()
    for source in clocks.sources():
        if kinds is not None and source.kind not in kinds:
            continue
        grace = source.grace or timedelta(days=settings.REMINDER_ESCALATION_DAYS)
        stages = [Stage.REMINDER] + ([Stage.ESCALATION] if source.escalation_title else [])
        for stage in stages:
            queryset = _stage_queryset(source, stage, now, grace)
            result = _dispatch(queryset, source, stage, now, batch_size if source.paged else None)
            totals.update(result)
    return totals


def _stage_queryset(source, stage, now, grace):
    queryset = source.queryset(now)
    if stage == Stage.ESCALATION:
        queryset = queryset.filter(due_at__lte=now - grace).annotate(
            sweep_to=F("leader"),
            sweep_key=Concat(F("key"), Value(":escalated")),
        )
    else:
        queryset = queryset.annotate(sweep_to=F("recipient"), sweep_key=F("key"))
    already = Notification.objects.filter(
        recipient_id=OuterRef("sweep_to"), key=OuterRef("sweep_key")
    )
    return queryset.filter(sweep_to__isnull=False).filter(~Exists(already))


def _dispatch(queryset, source, stage, now, batch_size):
    totals = Counter()
    after = None
    while True:
        batch = queryset
        if batch_size:
            if after is not None:
                batch = batch.filter(cursor__gt=after)
            batch = batch.order_by("cursor")
        rows = batch.values(
            sweep_cursor=F("cursor"),
            sweep_recipient=F("sweep_to"),
            sweep_dedup=F("sweep_key"),
            sweep_due=F("due_at"),
            sweep_link=F("link"),
        )
        if batch_size:
            rows = rows[:batch_size]
        with transaction.atomic():
            due, last, claimed, mailed, unmailed = _claim_batch(rows, source, stage, now)
            if mailed:
                transaction.on_commit(_enqueue_email_drain)
        totals.update(due=due, notified=claimed, emailed=mailed)
        if unmailed:
            logger.info(
                "reminders %s/%s: %d recipient(s) without an e-mail address get it in-app only "
                "(user ids %s)",
                source.kind,
                stage,
                len(unmailed),
                ",".join(map(str, sorted(set(unmailed)))),
            )
        if not batch_size or due < batch_size:
            return totals
        after = last


def _claim_batch(rows, source, stage, now):
    """One statement: the due rows of this batch → notifications (ON CONFLICT DO NOTHING is the
    claim), each with its e-mail queued on the same row (email_state 'pending') when the
    recipient has an address and no digest. One row written per item."""
    select_sql, params = rows.query.get_compiler(connection=connection).as_sql()
    user_table = Notification._meta.get_field("recipient").related_model._meta.db_table
    # Table names come from the models and every value is a parameter.
    sql = f"""
        WITH due AS MATERIALIZED ({select_sql}),
        claimed AS (
            INSERT INTO {Notification._meta.db_table}
                (recipient_id, "key", kind, stage, link, due_at, created_at,
                 email_state, email_next_attempt_at, email_attempts, email_last_error)
            SELECT d.sweep_recipient, d.sweep_dedup, %s, %s, d.sweep_link, d.sweep_due, %s,
                   CASE WHEN a.mailed THEN %s ELSE '' END,
                   CASE WHEN a.mailed THEN %s::timestamptz END, 0, ''
            FROM due d
            JOIN LATERAL (
                SELECT u.email <> '' AND u.is_active
                       AND NOT COALESCE(p.daily_digest, false) AS mailed
                FROM {user_table} u
                LEFT JOIN {NotificationPreference._meta.db_table} p ON p.user_id = u.id
                WHERE u.id = d.sweep_recipient
            ) a ON true
            ORDER BY d.sweep_recipient, d.sweep_dedup
            ON CONFLICT (recipient_id, "key") DO NOTHING
            RETURNING recipient_id, email_state
        )
        SELECT (SELECT count(*) FROM due),
               (SELECT max(sweep_cursor) FROM due),
               (SELECT count(*) FROM claimed),
               (SELECT count(*) FROM claimed WHERE email_state = %s),
               (SELECT array_agg(DISTINCT c.recipient_id) FROM claimed c
                JOIN {user_table} u ON u.id = c.recipient_id
                WHERE c.email_state = '' AND NOT (u.email <> '' AND u.is_active))
    """  # noqa: S608
    pending = EmailState.PENDING.value
    with connection.cursor() as cursor:
        # A batch walks the source in cursor order and stops after batch_size unclaimed rows,
        # probing the claim index row by row. Left to itself, once a large part of the source
        # is left the planner hashes the whole notification table and every remaining row
        # instead (the statement writes, so no parallel plan): 0.45 s per 10,000-row batch
        # instead of 0.08 s, measured at a million rows. This transaction only.
        cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        cursor.execute(sql, [*params, source.kind, stage, now, pending, now, pending])
        due, last, claimed, mailed, unmailed = cursor.fetchone()
    return due, last, claimed, mailed, unmailed or []
