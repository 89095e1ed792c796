"""Insight requests (GDPR art. 15): a guardian asks what is held about her child, the
municipality answers within a month (art. 12(3)) with a package prepared by a caseworker or an
administrator, and entries on the exception path may be withheld on a recorded decision
(databeskyttelseslovens § 22)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InsightStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PREPARED = "prepared", _("Prepared, not released")
    RELEASED = "released", _("Released")


class InsightRequest(models.Model):
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    child = models.ForeignKey(
        "Child",
        on_delete=models.CASCADE,
        related_name="insight_requests",
        verbose_name=_("child"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"))
    # The last day of the month art. 12(3) gives; the reminder clock runs towards it.
    due_date = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=10, choices=InsightStatus.choices, default=InsightStatus.REQUESTED
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    prepared_at = models.DateTimeField(_("prepared"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    # The answer as it was released: the same PDF and JSON at every download.
    package = models.JSONField(_("package"), null=True, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)

    class Meta:
        verbose_name = _("insight request")
        verbose_name_plural = _("insight requests")
        ordering = ["due_date", "pk"]
        constraints = [
            # One open request per person and child: asking twice does not start a second clock.
            models.UniqueConstraint(
                fields=["child", "requested_by"],
                condition=models.Q(released_at__isnull=True),
                name="insight_one_open_request",
            )
        ]
        indexes = [
            models.Index(
                fields=["municipality", "due_date"],
                condition=models.Q(released_at__isnull=True),
                name="insight_pending_idx",
            )
        ]

    def __str__(self):
        return f"{self.child} · {self.requested_at:%d.%m.%Y}"

    @property
    def is_pending(self):
        return self.released_at is None


class InsightDecisionKind(models.TextChoices):
    WITHHOLD = "withhold", _("Withhold (databeskyttelseslovens § 22)")
    DISCLOSE = "disclose", _("Disclose")


class InsightDecision(models.Model):
    """The preparer's decision on one entry on the exception path (DOMAIN.md §5): withheld from
    the answer, or disclosed after all, always with its reason. It stays with the request, so the
    municipality can show why something was left out."""

    request = models.ForeignKey(
        InsightRequest,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("insight request"),
    )
    # The entry's stable key from its section ("referrals.underretning:12").
    entry_key = models.CharField(_("entry"), max_length=120)
    decision = models.CharField(_("decision"), max_length=10, choices=InsightDecisionKind.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        verbose_name = _("decision on an insight entry")
        verbose_name_plural = _("decisions on insight entries")
        constraints = [
            models.UniqueConstraint(fields=["request", "entry_key"], name="insight_decision_once")
        ]

    def __str__(self):
        return f"{self.entry_key}: {self.get_decision_display()}"
