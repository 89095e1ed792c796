"""The timeline entry of a task for an action item of a network meeting's minutes ("Task for …:
…") names the meeting (source "meetings.meeting"), so it shows only to those who may open the
meeting, like the minutes it comes from. Existing entries are matched to their task by child,
author and the moment both were written (the same transaction as the approval), and by title
where it is still the same. An entry
that cannot be matched keeps no source; the task itself is hidden by the rule either way (it is
found through the action item)."""

from datetime import timedelta

from django.db import migrations

SOURCE = "meetings.meeting"
WINDOW = timedelta(seconds=5)


def backfill(apps, schema_editor):
    TimelineEntry = apps.get_model("cases", "TimelineEntry")
    Task = apps.get_model("cases", "Task")
    ActionItem = apps.get_model("meetings", "ActionItem")
    if not TimelineEntry.objects.filter(kind="task", source_type="").exists():
        return
    meeting_of_item = dict(
        ActionItem.objects.filter(minutes__meeting__child__isnull=False).values_list(
            "pk", "minutes__meeting_id"
        )
    )
    tasks = Task.objects.filter(source_type="meetings.action", child__isnull=False)
    for task in tasks.iterator():
        try:
            meeting_id = meeting_of_item.get(int(task.source_id))
        except (TypeError, ValueError):
            meeting_id = None
        if meeting_id is None or task.created_at is None:
            continue
        candidates = TimelineEntry.objects.filter(
            child_id=task.child_id,
            kind="task",
            actor_id=task.created_by_id,
            source_type="",
            at__gte=task.created_at - WINDOW,
            at__lte=task.created_at + WINDOW,
        ).order_by("pk")
        # A correction may have changed the task's title since; the entries written with it in
        # the same approval are of the same meeting.
        entry = candidates.filter(text__endswith=task.title[-200:]).first() or candidates.first()
        if entry is not None:
            TimelineEntry.objects.filter(pk=entry.pk).update(
                source_type=SOURCE, source_id=str(meeting_id)
            )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0006_timeline_entries_name_their_meeting")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
