"""The child's timeline entries about a meeting name it (source "meetings.meeting"), so a guardian
sees only those of the meetings they take part in. Existing entries are matched to their meeting
by child, author and the moment both were written (the same transaction): the network meeting
planned, its minutes approved, the child put on a forum's agenda. An entry that cannot be matched
keeps no source and is then not shown to guardians at all."""

from datetime import timedelta

from django.db import migrations

SOURCE = "meetings.meeting"
WINDOW = timedelta(seconds=5)


def _match(TimelineEntry, *, child_id, actor_id, at, meeting_id):
    if at is None or child_id is None:
        return
    entry = (
        TimelineEntry.objects.filter(
            child_id=child_id,
            kind="meeting",
            actor_id=actor_id,
            source_type="",
            at__gte=at - WINDOW,
            at__lte=at + WINDOW,
        )
        .order_by("pk")
        .first()
    )
    if entry is not None:
        TimelineEntry.objects.filter(pk=entry.pk).update(
            source_type=SOURCE, source_id=str(meeting_id)
        )


def backfill(apps, schema_editor):
    TimelineEntry = apps.get_model("cases", "TimelineEntry")
    Meeting = apps.get_model("meetings", "Meeting")
    Minutes = apps.get_model("meetings", "Minutes")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    if not TimelineEntry.objects.filter(kind="meeting", source_type="").exists():
        return
    for meeting in Meeting.objects.filter(child__isnull=False).iterator():
        _match(
            TimelineEntry,
            child_id=meeting.child_id,
            actor_id=meeting.created_by_id,
            at=meeting.created_at,
            meeting_id=meeting.pk,
        )
    approved = Minutes.objects.filter(
        meeting__child__isnull=False, approved_at__isnull=False
    ).select_related("meeting")
    for minutes in approved.iterator():
        _match(
            TimelineEntry,
            child_id=minutes.meeting.child_id,
            actor_id=minutes.approved_by_id,
            at=minutes.approved_at,
            meeting_id=minutes.meeting_id,
        )
    for item in AgendaItem.objects.filter(child__isnull=False).iterator():
        _match(
            TimelineEntry,
            child_id=item.child_id,
            actor_id=item.submitted_by_id,
            at=item.submitted_at,
            meeting_id=item.meeting_id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_minutes_must_be_confirmed_wording"),
        ("cases", "0004_screening_unit_and_timeline_source"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
