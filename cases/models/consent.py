"""The kinds of information a consent names and a grant covers, and the consent itself."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from trivsel.organisation.models import Role

from .children import Child, Guardian


class DataKind(models.TextChoices):
    """The kinds of information a consent names and a grant covers (one permission each)."""

    BASIC = "basic", _("Basic data")
    SCREENING = "screening", _("Screening assessments")
    MINUTES = "minutes", _("Meeting minutes")
    HANDOVER = "handover", _("Handover")
    NOTIFICATIONS = "notifications", _("Notifications")

    @property
    def codename(self):
        return f"view_child_{self.value}"


# What a consent may cover: never notifications. Only the statutory basis reaches those; a
# consent recorded by staff would otherwise let them open the social-work side's files themselves
# (DOMAIN.md §5). The engine ignores the kind on old rows too.
CONSENT_KINDS = tuple(kind for kind in DataKind if kind != DataKind.NOTIFICATIONS)


def consent_last_day(valid_from):
    """The last day a consent starting on `valid_from` may cover: settings.CONSENT_MAX_MONTHS
    months, the first day included (from 01.03 at most until the last day of February)."""
    return valid_from + relativedelta(months=settings.CONSENT_MAX_MONTHS) - timedelta(days=1)


def consent_default_end(start, *, days):
    """A form's suggested end for a consent from `start`: `days` later, within the maximum."""
    return min(start + timedelta(days=days), consent_last_day(start))


class ConsentStatus(models.TextChoices):
    AWAITING_GUARDIAN = "awaiting", _("Awaiting the guardian's confirmation")
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentEvidence(models.TextChoices):
    GUARDIAN_LOGIN = "login", _("Confirmed by the guardian's own login")
    YOUNG_PERSON_LOGIN = "own_login", _("Confirmed by the young person's own login")
    PAPER = "paper", _("Paper consent recorded by staff")


class Consent(models.Model):
    """Samtykke (Retssikkerhedsloven § 11 a): specific kinds, recipients, purpose and period."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="consents", verbose_name=_("child")
    )
    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("given by guardian"),
    )
    given_by_child = models.BooleanField(_("given by the young person"), default=False)
    kinds = ArrayField(
        models.CharField(max_length=20, choices=DataKind.choices), verbose_name=_("kinds")
    )
    recipient_units = models.ManyToManyField(
        "organisation.Unit", blank=True, related_name="+", verbose_name=_("recipient units")
    )
    recipient_roles = ArrayField(
        models.CharField(max_length=30),
        default=list,
        blank=True,
        verbose_name=_("recipient roles"),
    )
    recipient_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("named recipients")
    )
    purpose = models.TextField(_("purpose"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices)
    evidence = models.CharField(
        _("evidence"), max_length=10, choices=ConsentEvidence.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # The date written on the paper (or the day it was given in person): a consent recorded by
    # staff is their word that the guardian gave it, so it carries the paper's own date.
    paper_date = models.DateField(_("date of the paper consent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at"]
        constraints = [
            # A blanket consent is invalid: it must name kinds and a purpose (recipients are
            # checked by the service, as they live in other tables).
            models.CheckConstraint(
                condition=models.Q(kinds__len__gt=0) & ~models.Q(purpose=""),
                name="consent_names_kinds_and_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="consent_period_is_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(guardian__isnull=False) | models.Q(given_by_child=True),
                name="consent_has_a_giver",
            ),
            # A paper consent carries the paper's date (a recorded refusal gives no access and
            # may have been oral).
            models.CheckConstraint(
                condition=~models.Q(evidence="paper")
                | models.Q(status="refused")
                | models.Q(paper_date__isnull=False),
                name="consent_on_paper_has_its_date",
            ),
        ]

    def __str__(self):
        return f"{self.child}: {self.purpose[:40]}"

    @property
    def ends_on(self):
        """The last day the consent covers: its own end, and never past the maximum period
        (older rows may say more)."""
        return min(self.valid_until, consent_last_day(self.valid_from))

    @property
    def kind_labels(self):
        return [DataKind(kind).label for kind in self.kinds]

    @property
    def recipient_role_labels(self):
        return [Role(role).label for role in self.recipient_roles if role in Role.values]
