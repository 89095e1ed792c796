"""The forløb: a course of work around a child, its tovholder, plan and sub-goals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .children import Child
from .heard import ChildHeardFields


class LadderStep(models.TextChoices):
    """Indsatstrappen: aim downward (DOMAIN.md §4)."""

    UNIVERSAL = "universal", _("Universal, general services")
    PREVENTIVE = "preventive", _("Preventive help")
    HOME_BASED = "home_based", _("Home-based support")
    NETWORK_PLACEMENT = "network", _("Placement in the network")
    FOSTER_FAMILY = "foster", _("Foster family")
    INSTITUTION = "institution", _("Institution")


class Forlob(ChildHeardFields):
    """A course of work around a child, with exactly one tovholder at a time."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="forlob_set", verbose_name=_("child")
    )
    title = models.CharField(_("title"), max_length=200)
    # A NOT NULL column: there is always exactly one tovholder; the backup is someone else.
    tovholder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="forlob_as_tovholder",
        verbose_name=_("tovholder"),
    )
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forlob_as_backup",
        verbose_name=_("backup tovholder"),
    )
    opened_at = models.DateField(_("opened"))
    closed_at = models.DateField(_("closed"), null=True, blank=True)
    closing_decision = models.TextField(_("closing decision"), blank=True)
    # The plan (fælles plan)
    goal = models.TextField(_("goal"), blank=True)
    child_view = models.TextField(_("the child's own view"), blank=True)
    parents_view = models.TextField(_("the parents' view"), blank=True)
    ladder_step = models.CharField(
        _("step on the intervention ladder"),
        max_length=20,
        choices=LadderStep.choices,
        default=LadderStep.UNIVERSAL,
    )
    review_date = models.DateField(_("review date"))
    # Optimistic locking: an edit based on an older version is refused, never silently lost.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(backup=models.F("tovholder")),
                name="forlob_backup_is_not_the_tovholder",
            ),
            # One plan per child: the family meets one open forløb, not several.
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(closed_at__isnull=True),
                name="forlob_one_open_per_child",
            ),
        ]

    def __str__(self):
        return self.title


class SubGoal(models.Model):
    forlob = models.ForeignKey(
        Forlob, on_delete=models.CASCADE, related_name="sub_goals", verbose_name=_("forløb")
    )
    actor = models.CharField(_("who"), max_length=150)
    text = models.TextField(_("sub-goal"))

    class Meta:
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.actor}: {self.text[:40]}"
