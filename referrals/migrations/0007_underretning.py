"""referrals.Notification becomes Underretning (and DialogueNotification DialogueUnderretning),
so it cannot be confused with the in-app trivsel.notifications.Notification (issue #15). Renamed
in place: the tables, the column of the dialogue's underretning and the content types are
renamed, no row is copied. The model permissions keep their rows, with the new codenames."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RENAMED = {"notification": "underretning", "dialoguenotification": "dialogueunderretning"}


def rename_permissions(apps, schema_editor, renamed=RENAMED):
    # Django renames the content types after each RenameModel, but not the permission codenames:
    # without this, a grant of view_notification would stay on a codename nothing asks for, and
    # post_migrate would add a second, empty set of permissions beside it.
    Permission = apps.get_model("auth", "Permission")
    for old, new in renamed.items():
        for action in ("add", "change", "delete", "view"):
            rows = Permission.objects.filter(
                content_type__app_label="referrals", codename=f"{action}_{old}"
            )
            taken = Permission.objects.filter(
                content_type__app_label="referrals", codename=f"{action}_{new}"
            ).exists()
            if not taken:
                rows.update(codename=f"{action}_{new}")


def rename_permissions_back(apps, schema_editor):
    rename_permissions(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0008_pdf_job_started_at"),
        ("referrals", "0006_public_form_use"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Notification", "Underretning"),
        migrations.RenameModel("DialogueNotification", "DialogueUnderretning"),
        migrations.RenameField("dialogueunderretning", "notification", "underretning"),
        # The reverse names that said "notification" (user.notifications_sent beside the in-app
        # user.notifications): state only, nothing changes in the database.
        migrations.AlterField(
            model_name="dialogueunderretning",
            name="meeting",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dialogue_underretning",
                to="meetings.meeting",
                verbose_name="meeting",
            ),
        ),
        migrations.AlterField(
            model_name="underretning",
            name="assigned_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="underretninger_assigned",
                to=settings.AUTH_USER_MODEL,
                verbose_name="caseworker",
            ),
        ),
        migrations.AlterField(
            model_name="underretning",
            name="minutes",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="underretning",
                to="meetings.minutes",
                verbose_name="minutes",
            ),
        ),
        migrations.AlterField(
            model_name="underretning",
            name="notifier",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="underretninger_sent",
                to=settings.AUTH_USER_MODEL,
                verbose_name="notifier",
            ),
        ),
        migrations.RunPython(rename_permissions, rename_permissions_back),
    ]
