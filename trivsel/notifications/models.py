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


class EmailState(models.TextChoices):
    NONE = "", _("None")  # in-app only (no address), or in the daily digest
    PENDING = "pending", _("outgoing e-mail")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("given up")


class Notification(models.Model):
    """One in-app notification. The row is also the reminder's idempotent claim: (recipient, key)
    is unique, so a sweep run twice, or on two workers, inserts it once.

    It also carries the delivery of its own e-mail (email_state and the email_* columns), so the
    sweep writes one row per item, not a notification and a separate outbox row: the e-mail is
    queued in the same INSERT that takes the claim. Claimed for sending by a conditional UPDATE
    with a lease, marked sent right after; a failure waits for its back-off (services.py).

    The title is rendered from the kind when shown (in the reader's language); the row holds no
    text about the child at all, only the kind, the due time and a link to a page that checks
    access itself."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,  # the unique (recipient, key) leads with it
    )
    # e.g. "cases.task:123:2025-05-01" (+ ":escalated"): stable, so a clock is claimed once.
    key = models.CharField(_("key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=60)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    link = models.CharField(_("link"), max_length=300)
    due_at = models.DateTimeField(_("due"), null=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=10, choices=EmailState.choices, default="", blank=True
    )
    email_next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_claim_token = models.UUIDField(null=True, blank=True)
    email_claimed_until = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    email_last_error = models.CharField(_("last error"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = pgettext_lazy("in-app", "notification")
        verbose_name_plural = pgettext_lazy("in-app", "notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_claim_once")
        ]
        # Every index here is written once per reminder the sweep claims (DESIGN.md §8: a
        # million in one sweep), so there are as few as the reads need. A user's own list is
        # read through the claim index (recipient, key) and sorted: a person's notifications
        # are hundreds, not millions. A second index leading with the recipient would also
        # tempt the planner, on fresh statistics, to probe the claim with it and filter by key.
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["email_next_attempt_at"],
                condition=models.Q(email_state="pending"),
                name="notification_email_pending_idx",
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
    """An e-mail that is not a single notification's own (that lives on the notification row): a
    user's digest of one day, or an e-mail to an address that is not a user's (a notifier's
    receipt). Claimed by a conditional UPDATE with a lease before each send, marked sent right
    after, so a retry or a second worker never sends it twice; a failure waits for its back-off
    and is tried again.

    An e-mail to an address holds no text: it is rendered when sent from `template` with a date
    and a link only, so nothing about a child can be put in it (DESIGN.md §4)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    digest_date = models.DateField(_("digest of the day"), null=True, blank=True)
    # The digest covers the notifications from this day (the previous digest's day, at most
    # REMINDER_DIGEST_CATCH_UP_DAYS back) up to digest_date, not included; after a missed
    # morning, every day since. Empty on digests from before it existed: the day before.
    covers_from = models.DateField(_("covers from"), null=True, blank=True)
    # An e-mail to an address (no recipient, no digest): where, which e-mail, and what it may say.
    # (Defaults in the database too: the digest's INSERT names only the digest's columns.)
    to_address = models.EmailField(_("to the address"), blank=True, db_default="")
    template = models.CharField(_("e-mail"), max_length=100, blank=True, db_default="")
    link = models.CharField(_("link"), max_length=300, blank=True, db_default="")
    about_date = models.DateField(_("about the day"), null=True, blank=True)
    # Stable, like a notification's key: the same e-mail queued twice is one row.
    key = models.CharField(_("key"), max_length=200, null=True, blank=True, unique=True)
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
            models.UniqueConstraint(
                fields=["recipient", "digest_date"], name="email_one_digest_a_day"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(recipient__isnull=False, digest_date__isnull=False, to_address="")
                    | models.Q(recipient__isnull=True, digest_date__isnull=True)
                    & ~models.Q(to_address="")
                    & ~models.Q(template="")
                ),
                name="email_digest_or_to_address",
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
        if self.recipient_id is None:
            return f"{self.template}: {self.key or self.pk}"
        return f"{self.recipient_id}: {self.digest_date}"


class PasswordResetRequest(models.Model):
    """An address typed on "Glemt adgangskode", waiting for a worker.

    Written for every address, known or not, so the page does the same work and answers in the
    same time for both (a faster answer would tell an attacker which addresses have a login).
    The worker looks the address up and mails a reset link only to a user's own address; the
    row is deleted once handled. A row, not only a task: a broker that is away loses nothing.
    """

    email = models.EmailField(_("e-mail"), max_length=254)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self):
        return f"{self.pk}: {self.requested_at:%Y-%m-%d %H:%M}"
