"""Tasks about a child (or, for some apps' follow-ups, about no child at all)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.locking import row_lock

from ..models import DataKind, Task, TaskStatus, TimelineKind
from .timeline import timeline_add


@transaction.atomic
def task_create(
    *,
    child=None,
    title,
    owner,
    due_date,
    created_by=None,
    data_kind=DataKind.BASIC,
    source_type="",
    source_id="",
    unit=None,
    timeline_source_type="",
    timeline_source_id="",
):
    """`unit`: for a task following up a screening, the unit whose screening it is.
    `timeline_source_type`/`_id`: what the task's entry on the child's timeline is about, where an
    app's rule decides who sees it (a meeting's action item: the meeting); the task itself keeps
    its own source, and the apps' task rules decide who sees it on the child's page."""
    task = Task.objects.create(
        child=child,
        title=title,
        owner=owner,
        due_date=due_date,
        created_by=created_by,
        data_kind=data_kind,
        source_type=source_type,
        source_id=str(source_id),
        unit=unit,
    )
    if child is not None:
        timeline_add(
            child=child,
            kind=TimelineKind.TASK,
            data_kind=data_kind,
            actor=created_by,
            text=_("Task for %(owner)s: %(title)s")
            % {"owner": owner.get_full_name(), "title": title},
            unit=unit,
            source_type=timeline_source_type,
            source_id=timeline_source_id,
        )
    return task


@transaction.atomic
def task_complete(*, actor, task):
    if task.owner_id != actor.pk:
        raise ValidationError(_("Only the owner can complete the task."))
    row_lock(task)
    if task.status == TaskStatus.DONE:
        return task  # done once: a second press keeps the first time
    task.status = TaskStatus.DONE
    task.completed_at = timezone.now()
    task.save(update_fields=["status", "completed_at"])
    return task
