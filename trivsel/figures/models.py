from django.db import models
from django.utils.translation import gettext_lazy as _


class FigureCount(models.Model):
    """One pre-counted number of a figure of /tal/, refreshed by the figures job (figures_refresh
    on Celery beat): counting a large municipality's marks and notifications at every look would
    take seconds, reading these takes milliseconds.

    `level` says what the count covers: one group, one unit (its groups and what belongs to the
    unit itself), or the whole municipality (also what belongs to no unit, e.g. a citizen's
    notification); `month` is the month it was counted for, empty for counts of the day of the
    refresh; `key` is the column it is counted in (a position, "kept", …)."""

    class Level(models.TextChoices):
        GROUP = "group"
        UNIT = "unit"
        MUNICIPALITY = "municipality"

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    figure = models.CharField(max_length=40)
    level = models.CharField(max_length=12, choices=Level.choices)
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.CASCADE, null=True, related_name="+"
    )
    group = models.ForeignKey(
        "organisation.Group", on_delete=models.CASCADE, null=True, related_name="+"
    )
    month = models.DateField(null=True)
    key = models.CharField(max_length=60)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("pre-counted figure")
        verbose_name_plural = _("pre-counted figures")
        indexes = [
            models.Index(
                fields=["municipality", "figure", "level", "unit", "month"],
                name="figures_count_lookup_idx",
            )
        ]

    def __str__(self):
        return f"{self.figure} {self.level} {self.month or ''} {self.key}: {self.count}"


class FigureRefresh(models.Model):
    """When the municipality's figures were last counted (shown on /tal/)."""

    municipality = models.OneToOneField(
        "organisation.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    refreshed_at = models.DateTimeField()
    # The day counted for: the periods the page offers are that day's, so that they are the
    # periods whose figures were hidden together.
    counted_for = models.DateField()

    def __str__(self):
        return f"{self.municipality_id}: {self.refreshed_at:%d.%m.%Y %H:%M}"


class HiddenFigure(models.Model):
    """One count /tal/ must not show, decided by the figures job for the whole municipality at
    once (suppression.py): the same for every viewer, filter and export. `place` is "m" (the
    municipality), "a" (all its units), "d:<district>", "u:<pk>" or "g:<pk>" (`unit`: the
    unit of a unit's or group's count, to read only the viewer's); `time` a month ("2026-03"),
    a period's key or "now"; `key` a column or "*" (the row's total)."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    figure = models.CharField(max_length=40)
    place = models.CharField(max_length=110)
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.CASCADE, null=True, related_name="+"
    )
    time = models.CharField(max_length=10)
    key = models.CharField(max_length=60)

    class Meta:
        verbose_name = _("hidden figure")
        verbose_name_plural = _("hidden figures")
        indexes = [models.Index(fields=["municipality", "time"], name="figures_hidden_lookup_idx")]

    def __str__(self):
        return f"{self.figure} {self.place} {self.time} {self.key}"
