"""The e-mail of a single notification moves onto the notification row (one row per reminder
instead of two); outgoing e-mails are left for the daily digests. E-mails already queued are
carried over with their state, attempts and lease, so none is lost or sent twice. No separate
index on the recipient: the unique (recipient, key) leads with it (and the sweep's NOT EXISTS
then probes that unique index instead of filtering every notification of the recipient)."""

from django.conf import settings
from django.db import migrations, models

MOVE_QUEUED_EMAILS = """
UPDATE notifications_notification n
SET email_state = CASE WHEN e.sent_at IS NOT NULL THEN 'sent'
                       WHEN e.failed_at IS NOT NULL THEN 'failed'
                       ELSE 'pending' END,
    email_next_attempt_at = e.next_attempt_at,
    email_attempts = e.attempts,
    email_claim_token = e.claim_token,
    email_claimed_until = e.claimed_until,
    email_sent_at = e.sent_at,
    email_last_error = e.last_error
FROM notifications_outgoingemail e
WHERE e.notification_id = n.id;
DELETE FROM notifications_outgoingemail WHERE notification_id IS NOT NULL;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_notification_notificationpreference_outgoingemail_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="email_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "None"),
                    ("pending", "outgoing e-mail"),
                    ("sent", "Sent"),
                    ("failed", "given up"),
                ],
                default="",
                max_length=10,
                verbose_name="e-mail",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_next_attempt_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next attempt"),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_claim_token",
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sent"),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_last_error",
            field=models.CharField(
                blank=True, default="", max_length=300, verbose_name="last error"
            ),
        ),
        migrations.RunSQL(MOVE_QUEUED_EMAILS, migrations.RunSQL.noop),
        migrations.RemoveConstraint(
            model_name="outgoingemail",
            name="email_is_for_a_notification_or_a_digest",
        ),
        migrations.RemoveField(
            model_name="outgoingemail",
            name="notification",
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="digest_date",
            field=models.DateField(verbose_name="digest of the day"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="recipient",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("email_state", "pending")),
                fields=["email_next_attempt_at"],
                name="notification_email_pending_idx",
            ),
        ),
    ]
