"""The child's timeline: every write to the record leaves an entry here."""

from django.utils import timezone

from ..models import TimelineEntry


def timeline_add(
    *, child, kind, data_kind, actor, text, at=None, unit=None, source_type="", source_id=""
):
    """`unit`: the unit whose screening a screening entry comes from. `source_type`/`source_id`:
    what the entry is about, for the app whose rule decides who sees it."""
    return TimelineEntry.objects.create(
        child=child,
        kind=kind,
        data_kind=data_kind,
        actor=actor,
        text=text[:500],
        at=at or timezone.now(),
        unit=unit,
        source_type=source_type,
        source_id=str(source_id) if source_id != "" else "",
    )
