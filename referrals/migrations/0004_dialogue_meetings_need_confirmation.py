from django.db import migrations


def running_dialogue_meetings_need_confirmation(apps, schema_editor):
    # Dialogue meetings planned before the rule whose notification is not made yet follow it:
    # their minutes are confirmed by everyone present before approval (DOMAIN.md §9).
    DialogueNotification = apps.get_model("referrals", "DialogueNotification")
    Meeting = apps.get_model("meetings", "Meeting")
    running = DialogueNotification.objects.filter(
        notification__isnull=True, meeting__isnull=False
    ).values("meeting_id")
    Meeting.objects.filter(pk__in=running).update(minutes_need_confirmation=True)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_minutes_confirmed_by_everyone_present"),
        ("referrals", "0003_open_queue_indexes"),
    ]

    operations = [
        migrations.RunPython(
            running_dialogue_meetings_need_confirmation, migrations.RunPython.noop
        ),
    ]
