"""Notifications of events, and what a user does with their notifications."""

from django.utils import timezone

from ..models import (
    EmailState,
    Notification,
    NotificationPreference,
    Stage,
)

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
