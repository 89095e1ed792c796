from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobHeartbeat(models.Model):
    """The last run of each periodic job, so the health page can tell whether beat and a worker
    are alive."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run"))
    runs = models.PositiveBigIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("job heartbeat")
        verbose_name_plural = _("job heartbeats")

    def __str__(self):
        return self.name


class Stage(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")


class Notification(models.Model):
    """One in-app notification. The row is also the reminder's idempotent claim: (recipient, key)
    is unique, so a sweep run twice, or on two workers, inserts it once.

    The title is rendered from the kind when shown (in the reader's language); the row holds no
    text about the child at all, only the kind, the due time and a link to a page that checks
    access itself."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # e.g. "cases.task:123:2025-05-01" (+ ":escalated"): stable, so a clock is claimed once.
    key = models.CharField(_("key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=60)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    link = models.CharField(_("link"), max_length=300)
    due_at = models.DateTimeField(_("due"), null=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("in-app", "notification")
        verbose_name_plural = pgettext_lazy("in-app", "notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_claim_once")
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_recipient_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def title(self):
        from .clocks import notification_title

        return notification_title(self)


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    daily_digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_("One e-mail a day instead of one per notification."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


class OutgoingEmail(models.Model):
    """An e-mail to send: for one notification, or a user's digest of one day. Claimed by a
    conditional UPDATE with a lease before each send, marked sent right after, so a retry or a
    second worker never sends it twice; a failure waits for its back-off and is tried again."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    notification = models.OneToOneField(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email",
        verbose_name=pgettext_lazy("in-app", "notification"),
    )
    digest_date = models.DateField(_("digest of the day"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notification__isnull=False)
                | models.Q(digest_date__isnull=False),
                name="email_is_for_a_notification_or_a_digest",
            ),
            models.UniqueConstraint(
                fields=["recipient", "digest_date"], name="email_one_digest_a_day"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="email_pending_idx",
            )
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.notification_id or self.digest_date}"
