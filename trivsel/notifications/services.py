import contextlib
import logging
import smtplib
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Concat
from django.template.loader import render_to_string
from django.utils import timezone, translation

from trivsel.jobs import enqueue, enqueue_on_commit

from . import clocks
from .models import (
    EmailState,
    JobHeartbeat,
    Notification,
    NotificationPreference,
    OutgoingEmail,
    PasswordResetRequest,
    Stage,
)

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


def _enqueue_email_drain():
    # By name: the services never import the tasks module. Beat drains the outbox every minute
    # anyway, so a broker that is away loses nothing.
    enqueue(EMAIL_DRAIN_TASK)


# --- Outgoing e-mail --------------------------------------------------------------------------


def _backoff(attempts):
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 3600))


@dataclass(frozen=True)
class _Outbox:
    """Where e-mails wait: the notification rows (email_* columns, one e-mail each) or the
    rows of OutgoingEmail (digests, e-mails to an address). The same lease, back-off and give-up
    rules for both."""

    model: type
    pending: dict  # lookups of an e-mail still to be sent
    pending_sql: str
    prefix: str  # of the columns next_attempt_at, attempts, claim_token, claimed_until, …

    def col(self, name):
        return self.prefix + name

    def claim(self, *, token, now, lease, batch):
        table = self.model._meta.db_table
        c = self.col
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {table} SET {c("claim_token")} = %s, {c("claimed_until")} = %s,
                                   {c("attempts")} = {c("attempts")} + 1
                WHERE id IN (
                    SELECT id FROM {table}
                    WHERE {self.pending_sql} AND {c("next_attempt_at")} <= %s
                      AND ({c("claimed_until")} IS NULL OR {c("claimed_until")} < %s)
                    ORDER BY {c("next_attempt_at")}, id
                    LIMIT %s
                    FOR UPDATE SKIP LOCKED
                )
                RETURNING id
                """,  # noqa: S608 (names come from the models; values are parameters)
                [token, now + lease, now, now, batch],
            )
            return [row[0] for row in cursor.fetchall()]

    def renew(self, pk, token, lease):
        """The lease may have run out while earlier e-mails were sent: claim it again."""
        return self.model.objects.filter(
            pk=pk, **self.pending, **{self.col("claim_token"): token}
        ).update(**{self.col("claimed_until"): timezone.now() + lease})

    def finish(self, pk, token):
        done = {"email_state": EmailState.SENT} if self.prefix else {}
        self.model.objects.filter(pk=pk, **{self.col("claim_token"): token}).update(
            **done,
            **{
                self.col("sent_at"): timezone.now(),
                self.col("claim_token"): None,
                self.col("claimed_until"): None,
                self.col("last_error"): "",
            },
        )

    def failed(self, pk, token, *, give_up, next_attempt_at, error):
        now = timezone.now()
        if self.prefix:
            end = {"email_state": EmailState.FAILED} if give_up else {}
        else:
            end = {"failed_at": now if give_up else None}
        self.model.objects.filter(pk=pk, **{self.col("claim_token"): token}).update(
            **end,
            **{
                self.col("claim_token"): None,
                self.col("claimed_until"): None,
                self.col("next_attempt_at"): next_attempt_at,
                self.col("last_error"): error,
            },
        )


NOTIFICATION_OUTBOX = _Outbox(
    model=Notification,
    pending={"email_state": EmailState.PENDING},
    pending_sql=f"email_state = '{EmailState.PENDING.value}'",
    prefix="email_",
)
DIGEST_OUTBOX = _Outbox(
    model=OutgoingEmail,
    pending={"sent_at__isnull": True, "failed_at__isnull": True},
    pending_sql="sent_at IS NULL AND failed_at IS NULL",
    prefix="",
)


def email_outbox_drain(*, now=None, batch=50, max_batches=100):
    """Send what is pending: the e-mails of single notifications, then digests. Each e-mail is
    claimed with a lease (token + claimed_until) by a conditional UPDATE, re-checked just before
    sending and marked sent just after, so a second worker, a redelivered task or a retry never
    sends it twice. A worker killed mid-send leaves a claim that runs out after the lease, and
    the e-mail is sent then."""
    sent = failed = 0
    lease = timedelta(seconds=settings.REMINDER_EMAIL_LEASE_SECONDS)
    mail = None
    try:
        for outbox in (NOTIFICATION_OUTBOX, DIGEST_OUTBOX):
            for _ in range(max_batches):
                token = uuid.uuid4()
                ids = outbox.claim(token=token, now=now or timezone.now(), lease=lease, batch=batch)
                if not ids:
                    break
                items = outbox.model.objects.filter(pk__in=ids).select_related("recipient")
                for item in items.order_by("pk"):
                    if not outbox.renew(item.pk, token, lease):
                        continue
                    try:
                        message = _email_message(item, now=now)
                        if message is None:
                            outbox.finish(item.pk, token)
                            continue
                        if mail is None:
                            mail = get_connection()
                            mail.open()
                        mail.send_messages([message])
                    # Any failure of one e-mail is that e-mail's retry with back-off; it must
                    # neither stop the others nor stay first in every batch for ever.
                    except Exception as exc:
                        failed += 1
                        mail = _close_quietly(mail)
                        _email_failed(outbox, item, token, exc)
                        continue
                    outbox.finish(item.pk, token)
                    sent += 1
    finally:
        _close_quietly(mail)
    return {"sent": sent, "failed": failed}


def _close_quietly(mail):
    if mail is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            mail.close()
    return None


def _email_failed(outbox, item, token, exc):
    attempts = outbox.model.objects.values_list(outbox.col("attempts"), flat=True).get(pk=item.pk)
    give_up = attempts >= settings.REMINDER_EMAIL_MAX_ATTEMPTS
    outbox.failed(
        item.pk,
        token,
        give_up=give_up,
        next_attempt_at=timezone.now() + _backoff(attempts),
        error=f"{type(exc).__name__}: {exc}"[:300],
    )
    log = logger.error if give_up else logger.warning
    log(
        "e-mail %s %d to %s failed (attempt %d%s): %s",
        outbox.model._meta.model_name,
        item.pk,
        # An address is not logged: it may be a citizen's.
        f"user {item.recipient_id}" if item.recipient_id else "an address",
        attempts,
        ", giving up" if give_up else f", next try in {_backoff(attempts)}",
        type(exc).__name__,
    )


def _email_message(item, *, now=None):
    """The e-mail: the kind of reminder and a link, nothing about the child (DESIGN.md §4).
    `item` is a Notification (its own e-mail) or an OutgoingEmail (a digest, or an e-mail to an
    address)."""
    if isinstance(item, OutgoingEmail) and item.recipient_id is None:
        return _address_email_message(item)
    user = item.recipient
    if not user.email or not user.is_active:
        logger.info(
            "%s %d: no e-mail sent, user %d has no e-mail address",
            item._meta.model_name,
            item.pk,
            user.pk,
        )
        return None
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(item, Notification):
            context = {
                "user": user,
                "title": item.title,
                "url": settings.SITE_URL.rstrip("/") + item.link,
            }
            subject = render_to_string("notifications/email_subject.txt", context)
            body = render_to_string("notifications/email_body.txt", context)
        else:
            start, end = digest_window(item.digest_date, item.covers_from)
            notifications = list(
                Notification.objects.filter(
                    recipient=user,
                    created_at__gte=start,
                    created_at__lt=end,
                    read_at__isnull=True,
                    email_state=EmailState.NONE,
                ).order_by("created_at", "pk")
            )
            if not notifications:
                return None  # all read in the meantime: nothing to tell
            first_day = timezone.localdate(notifications[0].created_at)
            context = {
                "user": user,
                "notifications": notifications,
                "day": first_day,
                # "on 23.11." or, after missed mornings, "since 21.11." (by the calendar: a day
                # around a clock change is 23 or 25 hours).
                "since": (item.digest_date - first_day).days > 1,
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


def _address_email_message(item):
    # Rendered from the e-mail's own templates with a date and a link: the row holds no text.
    context = {
        "day": item.about_date,
        "url": settings.SITE_URL.rstrip("/") + item.link if item.link else "",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{item.template}_subject.txt", context)
        body = render_to_string(f"{item.template}_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[item.to_address],
    )


def email_to_address_queue(*, to_address, template, key, link="", about_date=None):
    """An e-mail to an address that is not a user's (a notifier's receipt), queued in the
    caller's transaction and sent by the outbox drain like every other e-mail: the same lease,
    retries with back-off and give-up. It carries no text of the caller's: `template` names
    `<template>_subject.txt` and `<template>_body.txt`, rendered when sent with the day
    `about_date` and the `link` (a path) only, so nothing about a child can be put in it. The
    same `key` queued again adds nothing. Returns the row (None without an address)."""
    if not to_address:
        return None
    email, created = OutgoingEmail.objects.get_or_create(
        key=key[:200],
        defaults={
            "to_address": to_address,
            "template": template,
            "link": link,
            "about_date": about_date,
            "next_attempt_at": timezone.now(),
        },
    )
    if created:
        transaction.on_commit(_enqueue_email_drain)
    return email


# --- The daily digest -------------------------------------------------------------------------


def digest_window(digest_date, covers_from=None):
    """A digest sent on `digest_date` covers the notifications from `covers_from` (the day of
    the previous digest) up to that morning's midnight; digests from before covers_from
    existed, the day before."""
    first = covers_from or digest_date - timedelta(days=1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(digest_date, time.min))
    return start, end


def digests_build(*, now=None):
    """One digest e-mail per user who chose it and has unread notifications, not e-mailed one
    by one, since their last digest (at most REMINDER_DIGEST_CATCH_UP_DAYS back): normally
    those of the day before, and after a morning the job never ran (beat or the workers down),
    every day since. Beat runs it every hour from the digest hour on, so a late start is caught
    up the same day. The unique (recipient, digest_date) makes a second run, or a second
    worker, add nothing."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    earliest = day - timedelta(days=settings.REMINDER_DIGEST_CATCH_UP_DAYS)
    end = timezone.make_aware(datetime.combine(day, time.min))
    user_table = Notification._meta.get_field("recipient").related_model._meta.db_table
    digest_table = OutgoingEmail._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH due AS (
                    SELECT p.user_id,
                           GREATEST(
                               (SELECT max(o.digest_date) FROM {digest_table} o
                                WHERE o.recipient_id = p.user_id AND o.digest_date < %s),
                               %s::date) AS covers_from
                    FROM {NotificationPreference._meta.db_table} p
                    JOIN {user_table} u ON u.id = p.user_id
                    WHERE p.daily_digest AND u.email <> '' AND u.is_active
                )
                INSERT INTO {digest_table}
                    (recipient_id, digest_date, covers_from, created_at, next_attempt_at,
                     attempts, last_error)
                SELECT d.user_id, %s, d.covers_from, %s, %s, 0, ''
                FROM due d
                WHERE EXISTS (
                    SELECT 1 FROM {Notification._meta.db_table} n
                    WHERE n.recipient_id = d.user_id AND n.read_at IS NULL
                      AND n.email_state = ''
                      AND n.created_at >= (d.covers_from::timestamp AT TIME ZONE %s)
                      AND n.created_at < %s)
                ON CONFLICT (recipient_id, digest_date) DO NOTHING
                """,  # noqa: S608 (table names from the models; values are parameters)
                [day, earliest, day, now, now, settings.TIME_ZONE, end],
            )
            created = cursor.rowcount
        if created:
            transaction.on_commit(_enqueue_email_drain)
    return created


# --- Event notifications ----------------------------------------------------------------------


def notification_send(*, recipient, kind, key, link):
    """One user's notification of an event (clocks.register_event names its kind's title),
    written by the service that causes the event, in its transaction: it exists exactly when the
    event does, and the unique (recipient, key) makes a retry add nothing. The e-mail, which only
    says that something is waiting and gives the link, is queued on the row like a reminder's and
    sent by the outbox drain beat runs every minute: no broker call inside the request, so with
    Redis down nothing is lost. Being notified grants nothing: the link's page checks access."""
    if recipient is None or not recipient.is_active:
        return None
    digest = NotificationPreference.objects.filter(user=recipient, daily_digest=True).exists()
    mailed = bool(recipient.email) and not digest
    now = timezone.now()
    notification, _created = Notification.objects.get_or_create(
        recipient=recipient,
        key=key[:200],
        defaults={
            "kind": kind,
            # Stage is the sweep's word; an event is told once, like a first reminder.
            "stage": Stage.REMINDER,
            "link": link,
            "created_at": now,
            "email_state": EmailState.PENDING if mailed else EmailState.NONE,
            "email_next_attempt_at": now if mailed else None,
        },
    )
    return notification


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


# --- Password reset ---------------------------------------------------------------------------

PASSWORD_RESET_TASK = "trivsel.notifications.tasks.password_reset_mails_send"  # noqa: S105 (a task name)


def password_reset_request(*, email):
    """ "Glemt adgangskode": the same work for every address, the mail is the worker's."""
    PasswordResetRequest.objects.create(email=email)
    enqueue_on_commit(PASSWORD_RESET_TASK)


def password_reset_mails_send(*, now=None):
    """Handle the waiting requests one by one: a reset link to each active user with a usable
    password whose address it is, nothing for an unknown address. Returns the mails sent.

    Each row is locked while it is handled (SKIP LOCKED: two workers never mail the same
    request twice). A mail server that fails keeps the row for a later try, with the outbox's
    back-off, and gives up after REMINDER_EMAIL_MAX_ATTEMPTS."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            row = (
                PasswordResetRequest.objects.select_for_update(skip_locked=True)
                .filter(next_attempt_at__lte=now)
                .order_by("pk")
                .first()
            )
            if row is None:
                return sent
            try:
                sent += _password_reset_mail(row.email)
            except (smtplib.SMTPException, OSError) as exc:
                row.attempts += 1
                give_up = row.attempts >= settings.REMINDER_EMAIL_MAX_ATTEMPTS
                # The address is not logged: it may be anyone's, typed by anyone.
                (logger.error if give_up else logger.warning)(
                    "password reset mail %d failed (attempt %d%s): %s",
                    row.pk,
                    row.attempts,
                    ", giving up" if give_up else "",
                    type(exc).__name__,
                )
                if give_up:
                    row.delete()
                else:
                    row.next_attempt_at = now + _backoff(row.attempts)
                    row.save(update_fields=["attempts", "next_attempt_at"])
                continue
            row.delete()


def _password_reset_mail(email):
    # Django's form decides who may reset (active, usable password, the address matched
    # without regard to case) and makes the one-time link; the mail is sent here so that a
    # failing mail server raises (the form's own send_mail logs and forgets the mail).
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    users = list(PasswordResetForm().get_users(email))
    if not users:
        return 0
    site = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE), get_connection() as mail:
        for user in users:
            link = site + reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            context = {"user": user, "link": link}
            subject = render_to_string("registration/password_reset_subject.txt", context)
            EmailMessage(
                subject="".join(subject.splitlines()),
                body=render_to_string("registration/password_reset_email.txt", context),
                to=[user.email],
                connection=mail,
            ).send()
    return len(users)
