import contextlib
import logging
import smtplib
import uuid
from collections import Counter
from datetime import datetime, time, timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Concat
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import clocks
from .models import JobHeartbeat, Notification, NotificationPreference, OutgoingEmail, Stage

logger = logging.getLogger(__name__)

EMAIL_DRAIN_TASK = "trivsel.notifications.tasks.email_outbox_drain"


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
    claim) → an outgoing e-mail for each new one whose recipient has an address and no digest."""
    select_sql, params = rows.query.get_compiler(connection=connection).as_sql()
    user_table = Notification._meta.get_field("recipient").related_model._meta.db_table
    # Table names come from the models and every value is a parameter.
    sql = f"""
        WITH due AS MATERIALIZED ({select_sql}),
        claimed AS (
            INSERT INTO {Notification._meta.db_table}
                (recipient_id, "key", kind, stage, link, due_at, created_at)
            SELECT sweep_recipient, sweep_dedup, %s, %s, sweep_link, sweep_due, %s FROM due
            ON CONFLICT (recipient_id, "key") DO NOTHING
            RETURNING id, recipient_id
        ),
        addressed AS (
            SELECT c.id, c.recipient_id, u.email <> '' AND u.is_active AS has_email,
                   COALESCE(p.daily_digest, false) AS digest
            FROM claimed c
            JOIN {user_table} u ON u.id = c.recipient_id
            LEFT JOIN {NotificationPreference._meta.db_table} p ON p.user_id = c.recipient_id
        ),
        mailed AS (
            INSERT INTO {OutgoingEmail._meta.db_table}
                (recipient_id, notification_id, created_at, next_attempt_at, attempts, last_error)
            SELECT recipient_id, id, %s, %s, 0, '' FROM addressed WHERE has_email AND NOT digest
            RETURNING id
        )
        SELECT (SELECT count(*) FROM due),
               (SELECT max(sweep_cursor) FROM due),
               (SELECT count(*) FROM claimed),
               (SELECT count(*) FROM mailed),
               (SELECT array_agg(recipient_id) FROM addressed WHERE NOT has_email)
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, source.kind, stage, now, now, now])
        due, last, claimed, mailed, unmailed = cursor.fetchone()
    return due, last, claimed, mailed, unmailed or []


def _enqueue_email_drain():
    # By name: the services never import the tasks module.
    current_app.send_task(EMAIL_DRAIN_TASK)


# --- Outgoing e-mail --------------------------------------------------------------------------


def _backoff(attempts):
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


def email_outbox_drain(*, now=None, batch=50, max_batches=100):
    """Send what is pending. Each e-mail is claimed with a lease (token + claimed_until) by a
    conditional UPDATE, re-checked just before sending and marked sent just after, so a second
    worker, a redelivered task or a retry never sends it twice. A worker killed mid-send leaves
    a claim that runs out after the lease, and the e-mail is sent then."""
    sent = failed = 0
    lease = timedelta(seconds=settings.REMINDER_EMAIL_LEASE_SECONDS)
    mail = None
    try:
        for _ in range(max_batches):
            token = uuid.uuid4()
            ids = _email_claim(token=token, now=now or timezone.now(), lease=lease, batch=batch)
            if not ids:
                break
            emails = OutgoingEmail.objects.filter(pk__in=ids).select_related(
                "recipient", "notification"
            )
            for email in emails.order_by("pk"):
                # The lease may have run out while earlier e-mails were sent: claim it again.
                still_ours = OutgoingEmail.objects.filter(
                    pk=email.pk, claim_token=token, sent_at__isnull=True
                ).update(claimed_until=timezone.now() + lease)
                if not still_ours:
                    continue
                message = _email_message(email, now=now)
                if message is None:
                    _email_finish(email, token, sent=True)
                    continue
                try:
                    if mail is None:
                        mail = get_connection()
                        mail.open()
                    mail.send_messages([message])
                except (smtplib.SMTPException, OSError) as exc:
                    failed += 1
                    mail = _close_quietly(mail)
                    _email_failed(email, token, exc)
                    continue
                _email_finish(email, token, sent=True)
                sent += 1
    finally:
        _close_quietly(mail)
    return {"sent": sent, "failed": failed}


def _close_quietly(mail):
    if mail is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            mail.close()
    return None


def _email_claim(*, token, now, lease, batch):
    table = OutgoingEmail._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET claim_token = %s, claimed_until = %s, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM {table}
                WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= %s
                  AND (claimed_until IS NULL OR claimed_until < %s)
                ORDER BY next_attempt_at, id
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """,  # noqa: S608 (the table name comes from the model; values are parameters)
            [token, now + lease, now, now, batch],
        )
        return [row[0] for row in cursor.fetchall()]


def _email_finish(email, token, *, sent):
    OutgoingEmail.objects.filter(pk=email.pk, claim_token=token).update(
        sent_at=timezone.now(), claim_token=None, claimed_until=None, last_error=""
    )


def _email_failed(email, token, exc):
    attempts = OutgoingEmail.objects.get(pk=email.pk).attempts
    give_up = attempts >= settings.REMINDER_EMAIL_MAX_ATTEMPTS
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email.pk, claim_token=token).update(
        claim_token=None,
        claimed_until=None,
        next_attempt_at=now + _backoff(attempts),
        failed_at=now if give_up else None,
        last_error=f"{type(exc).__name__}: {exc}"[:300],
    )
    log = logger.error if give_up else logger.warning
    log(
        "e-mail %d to user %d failed (attempt %d%s): %s",
        email.pk,
        email.recipient_id,
        attempts,
        ", giving up" if give_up else f", next try in {_backoff(attempts)}",
        type(exc).__name__,
    )


def _email_message(email, *, now=None):
    """The e-mail: the kind of reminder and a link, nothing about the child (DESIGN.md §4)."""
    user = email.recipient
    if not user.email or not user.is_active:
        logger.info("e-mail %d not sent: user %d has no e-mail address", email.pk, user.pk)
        return None
    with translation.override(settings.LANGUAGE_CODE):
        if email.notification_id:
            notification = email.notification
            context = {
                "user": user,
                "title": notification.title,
                "url": settings.SITE_URL.rstrip("/") + notification.link,
            }
            subject = render_to_string("notifications/email_subject.txt", context)
            body = render_to_string("notifications/email_body.txt", context)
        else:
            start, end = digest_window(email.digest_date)
            notifications = list(
                Notification.objects.filter(
                    recipient=user, created_at__gte=start, created_at__lt=end, read_at__isnull=True
                ).order_by("created_at", "pk")
            )
            if not notifications:
                return None  # all read in the meantime: nothing to tell
            context = {
                "user": user,
                "notifications": notifications,
                "day": email.digest_date - timedelta(days=1),
                "url": settings.SITE_URL.rstrip("/") + "/notifikationer/",
            }
            subject = render_to_string("notifications/digest_subject.txt", context)
            body = render_to_string("notifications/digest_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


# --- The daily digest -------------------------------------------------------------------------


def digest_window(digest_date):
    """A digest sent on `digest_date` covers the notifications of the day before."""
    start = timezone.make_aware(datetime.combine(digest_date - timedelta(days=1), time.min))
    end = timezone.make_aware(datetime.combine(digest_date, time.min))
    return start, end


def digests_build(*, now=None):
    """One digest e-mail per user who chose it and got unread notifications yesterday. The
    unique (recipient, digest_date) makes a second run, or a second worker, add nothing."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    start, end = digest_window(day)
    user_table = Notification._meta.get_field("recipient").related_model._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {OutgoingEmail._meta.db_table}
                    (recipient_id, digest_date, created_at, next_attempt_at, attempts, last_error)
                SELECT p.user_id, %s, %s, %s, 0, ''
                FROM {NotificationPreference._meta.db_table} p
                JOIN {user_table} u ON u.id = p.user_id
                WHERE p.daily_digest AND u.email <> '' AND u.is_active
                  AND EXISTS (
                    SELECT 1 FROM {Notification._meta.db_table} n
                    WHERE n.recipient_id = p.user_id AND n.read_at IS NULL
                      AND n.created_at >= %s AND n.created_at < %s)
                ON CONFLICT (recipient_id, digest_date) DO NOTHING
                """,  # noqa: S608 (table names from the models; values are parameters)
                [day, now, now, start, end],
            )
            created = cursor.rowcount
        if created:
            transaction.on_commit(_enqueue_email_drain)
    return created


# --- What a user does -------------------------------------------------------------------------


def notification_mark_read(*, notification):
    """Reading a notification changes the notification, never anyone's access."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_preference_set(*, user, daily_digest):
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": daily_digest}
    )
    return preference
