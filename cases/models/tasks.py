"""Tasks, about a child or (for some apps' follow-ups) about no child at all."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .children import Child
from .consent import DataKind


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """A follow-up with an owner and a due date. Other apps create these (source_type/_id)."""

    child = models.ForeignKey(
        Child,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("child"),
    )
    title = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    data_kind = models.CharField(
        _("kind of information"), max_length=20, choices=DataKind.choices, default=DataKind.BASIC
    )
    source_type = models.CharField(_("source"), max_length=60, blank=True)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    # The unit whose screening a task of the screening kind follows up: like the screening
    # itself, it is seen only by those who read that unit's screening.
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="task_owner_idx")]

    def __str__(self):
        return self.title
