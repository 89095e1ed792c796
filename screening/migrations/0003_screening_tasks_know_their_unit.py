"""Screening tasks and their timeline entries name the unit whose screening they follow up, so
they show only to those who read that unit's screening. Existing ones get the unit of the round
their joint assessment belongs to. A timeline entry is matched to its task by child, author, kind
and the moment both were written (the same transaction); an entry that cannot be matched keeps no
unit and is then shown only to those who read every unit's screening (the social-work side)."""

from datetime import timedelta

from django.db import migrations

BATCH = 2000


def _assessment_id(source_type, source_id):
    raw = source_id.split(":", 1)[0] if source_type == "screening.rule" else source_id
    return int(raw) if raw.isdigit() else None


def backfill(apps, schema_editor):
    Task = apps.get_model("cases", "Task")
    TimelineEntry = apps.get_model("cases", "TimelineEntry")
    JointAssessment = apps.get_model("screening", "JointAssessment")

    tasks = Task.objects.filter(
        source_type__in=["screening.rule", "screening.action"], unit__isnull=True
    ).order_by("pk")
    last = 0
    while True:
        batch = list(tasks.filter(pk__gt=last)[:BATCH])
        if not batch:
            break
        last = batch[-1].pk
        wanted = {_assessment_id(t.source_type, t.source_id) for t in batch} - {None}
        unit_of = dict(
            JointAssessment.objects.filter(pk__in=wanted).values_list("pk", "round__group__unit_id")
        )
        changed = []
        for task in batch:
            unit_id = unit_of.get(_assessment_id(task.source_type, task.source_id))
            if unit_id is None:
                continue
            task.unit_id = unit_id
            changed.append(task)
            entry = (
                TimelineEntry.objects.filter(
                    child_id=task.child_id,
                    kind="task",
                    data_kind=task.data_kind,
                    actor_id=task.created_by_id,
                    unit__isnull=True,
                    at__gte=task.created_at - timedelta(seconds=5),
                    at__lte=task.created_at + timedelta(seconds=5),
                    text__endswith=task.title[-200:],
                )
                .order_by("pk")
                .first()
            )
            if entry is not None:
                TimelineEntry.objects.filter(pk=entry.pk).update(unit_id=unit_id)
        Task.objects.bulk_update(changed, ["unit"])


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0002_default_templates"),
        ("cases", "0004_screening_unit_and_timeline_source"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
