from django.db import migrations, models


def source_again(apps, schema_editor):
    """Backwards only: the old `source` from who notified and how it came (0008 the other way)."""
    Underretning = apps.get_model("referrals", "Underretning")
    for row in Underretning.objects.all().iterator():
        if row.channel in ("phone", "in_person"):
            row.source = row.channel
        elif row.notifier_kind == "professional":
            row.source = "professional"
        else:
            row.source = row.notifier_kind
        row.save(update_fields=["source"])


class Migration(migrations.Migration):
    """`source` mixed who notified with how it came; 0008 split it into notifier_kind and
    channel. Going back, the column comes back with a default and is filled again."""

    dependencies = [
        ("referrals", "0008_notifier_channel_and_clocks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="underretning",
            name="source",
            field=models.CharField(default="anonymous", max_length=15, verbose_name="source"),
        ),
        migrations.RunPython(migrations.RunPython.noop, source_again),
        migrations.RemoveField(
            model_name="underretning",
            name="source",
        ),
    ]
