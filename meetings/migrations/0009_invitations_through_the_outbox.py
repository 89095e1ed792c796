"""Invitations are e-mails of the notifications outbox now: those still unsent (of the last two
days, as the old resend loop tried them) are queued there, then the meetings' own column goes."""

from datetime import timedelta

from django.db import migrations
from django.urls import reverse
from django.utils import timezone


def queue_unsent_invitations(apps, schema_editor):
    Participant = apps.get_model("meetings", "Participant")
    OutgoingEmail = apps.get_model("notifications", "OutgoingEmail")
    now = timezone.now()
    unsent = (
        Participant.objects.filter(
            invitation_sent_at__isnull=True, invited_at__gte=now - timedelta(days=2)
        )
        .exclude(email="")
        .select_related("meeting")
    )
    for participant in unsent:
        OutgoingEmail.objects.get_or_create(
            key=f"meetings.participant:{participant.pk}:invitation",
            defaults={
                "to_address": participant.email,
                "template": "notifications/meeting_invitation",
                "link": reverse("meetings:meeting_detail", args=[participant.meeting_id]),
                "about_date": timezone.localdate(participant.meeting.starts_at),
                "next_attempt_at": now,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0008_pdf_job_started_at"),
        ("notifications", "0007_email_to_an_address"),
    ]

    operations = [
        migrations.RunPython(queue_unsent_invitations, migrations.RunPython.noop),
        migrations.RemoveField(model_name="participant", name="invitation_sent_at"),
    ]
