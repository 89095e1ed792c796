from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRule(models.Model):
    """A municipality's own period for one kind of record, replacing the product's default
    (trivsel.retention.registry): the records go this many months after their named event."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("municipality"),
    )
    # A RecordType.key registered by an app (e.g. "screening.rating"); the admin's form offers
    # the registered ones.
    record_type = models.CharField(_("kind of record"), max_length=60)
    months = models.PositiveIntegerField(
        _("kept for (months)"),
        # A month at least: a period of 0 would delete what was just written. 50 years at most.
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why the municipality keeps it this long (e.g. the DPO's decision)."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["municipality", "record_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "record_type"], name="retention_one_rule_per_type"
            )
        ]

    def __str__(self):
        return f"{self.record_type}: {self.months}"


class RetentionRun(models.Model):
    """One run of the nightly retention job for one municipality: what it removed per kind of
    record (counts only, never what the records said), for the data-protection officer."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("municipality"),
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # {record type key: rows deleted or anonymised}
    removed = models.JSONField(_("removed"), default=dict)
    batches = models.PositiveIntegerField(_("batches"), default=0)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "-started_at"], name="retention_run_idx")]

    def __str__(self):
        return f"{self.municipality_id} {self.started_at:%d.%m.%Y %H:%M}"

    @property
    def total(self):
        return sum(self.removed.values())
