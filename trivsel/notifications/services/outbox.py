"""Outgoing e-mail: one drain for the notifications' own e-mails, the digests and the e-mails to
an address, with the same lease, back-off and give-up (DESIGN.md §4: no child data)."""

import contextlib
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models import (
    EmailState,
    Notification,
    OutgoingEmail,
)
from .common import _backoff, _enqueue_email_drain
from .digest import digest_window

logger = logging.getLogger(__name__)

# --- Outgoing e-mail --------------------------------------------------------------------------


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
