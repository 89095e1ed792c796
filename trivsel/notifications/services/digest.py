"""The daily digest: one e-mail a day for those who chose it."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import (
    Notification,
    NotificationPreference,
    OutgoingEmail,
)
from .common import _enqueue_email_drain

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
