"""A municipality's import of children, guardians, enrolments or staff from a file: one row per
run, with who, when, the file's name and the counts (cases.imports)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    CHILDREN = "boern", _("Children")
    GUARDIANS = "foraeldre", _("Guardians with custody")
    ENROLMENTS = "indskrivninger", _("Enrolments")
    STAFF = "personale", _("Staff and their roles")


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Awaiting confirmation")
    APPLIED = "applied", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired without confirmation")
    REFUSED = "refused", _("Refused")


class ImportSource(models.TextChoices):
    BROWSER = "browser", _("Uploaded")
    COMMAND = "command", _("Nightly sync")


class ImportRun(models.Model):
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices)
    source = models.CharField(_("source"), max_length=20, choices=ImportSource.choices)
    # The uploaded file's name with anything CPR-shaped masked.
    file_name = models.CharField(_("file name"), max_length=200)
    # The uploaded file's rows as read (cases.imports.reading.table_dump), kept only between the
    # preview and the confirmation, cancellation or expiry, then emptied: they hold CPR numbers.
    content = models.BinaryField(null=True, editable=False)
    # What the preview lists (the first lines of each section, CPR numbers masked), kept and
    # emptied with the file: {"errors": [[row, text], …], "creates": …, "changes": …, "ends": …}.
    preview = models.JSONField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    ended = models.PositiveIntegerField(_("ended"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rows not taken"), default=0)
    # Why a whole file was refused (a missing column, not a readable file), in Danish.
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "-created_at"], name="import_muni_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%d.%m.%Y %H:%M}"

    def counts_text(self):
        return _(
            "%(rows)s rows: %(created)s created, %(changed)s changed, %(ended)s ended, "
            "%(unchanged)s unchanged, %(rejected)s not taken"
        ) % {
            "rows": self.rows,
            "created": self.created,
            "changed": self.changed,
            "ended": self.ended,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }
