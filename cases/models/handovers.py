"""Transition handovers (DOMAIN.md §7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .children import Child
from .consent import Consent, ConsentStatus, DataKind
from .heard import ChildHeardFields


class TransitionType(models.TextChoices):
    HEALTH_TO_DAYCARE = "sundhedspleje_dagtilbud", _("Health visitor → childminder or nursery")
    NURSERY_TO_KINDERGARTEN = "vuggestue_boernehave", _("Childminder or nursery → kindergarten")
    KINDERGARTEN_TO_SCHOOL = "boernehave_skole", _("Kindergarten → school and after-school care")
    SCHOOL_TO_CLUB = "skole_klub", _("School → club")
    CLASS_CHANGE = "klasseskift", _("Change of class")
    SCHOOL_CHANGE = "skoleskift", _("Change of school")
    YOUTH_EDUCATION = "ungdomsuddannelse", _("School → youth education")
    TURNING_18 = "18_aar", _("Turning 18")
    OTHER = "andet", _("Other transition")


class Handover(ChildHeardFields):
    """One short form for every transition: resources first, the parents' own view and the
    child's own voice. Nothing reaches the receiver before the parents have consented and the
    sender has sent it; the receiver acknowledges it."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("child")
    )
    transition = models.CharField(_("transition"), max_length=30, choices=TransitionType.choices)
    sending_unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="handovers_sent",
        verbose_name=_("sending unit"),
    )
    sending_group = models.ForeignKey(
        "organisation.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sending group"),
    )
    receiving_unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="handovers_received",
        verbose_name=_("receiving unit"),
    )
    transition_date = models.DateField(_("date of the transition"))
    strengths = models.TextField(_("the child's resources and strengths"))
    professional_view = models.TextField(_("what helps the child, and what to be aware of"))
    parents_view = models.TextField(_("the parents' own view"), blank=True)
    child_voice = models.TextField(_("the child's own voice"), blank=True)
    attach_screening = models.BooleanField(
        _("attach the latest joint screening assessment"), default=False
    )
    evaluation_needed = models.BooleanField(
        _("evaluate the transition with the receiver after a few months"), default=False
    )
    # The parents' consent to this handover (a § 11 a consent naming the receiving unit). Its
    # grants come from the handover, and only once it is sent (cases.access._from_handovers).
    consent = models.OneToOneField(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handover",
        verbose_name=_("consent"),
    )
    # What was attached when it was sent (a snapshot: later assessments are not sent).
    screening_summary = models.TextField(_("attached joint assessment"), blank=True)
    screening_assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The sender's follow-up access ends this many days after sending.
    follow_up_days = models.PositiveSmallIntegerField(_("sender's follow-up period (days)"))

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at"]
        constraints = [
            # One open handover of a child to a unit: a second attempt shows the open one.
            models.UniqueConstraint(
                fields=["child", "receiving_unit"],
                condition=models.Q(acknowledged_at__isnull=True, cancelled_at__isnull=True),
                name="handover_one_open_per_receiver",
            ),
            models.CheckConstraint(
                condition=~models.Q(sending_unit=models.F("receiving_unit")),
                name="handover_between_two_units",
            ),
        ]

    def __str__(self):
        return f"{self.child}: {self.sending_unit} → {self.receiving_unit}"

    @property
    def state(self):
        """Where the handover is, derived from its consent and dates (never stored twice)."""
        if self.cancelled_at:
            return HandoverState.CANCELLED
        if self.acknowledged_at:
            return HandoverState.ACKNOWLEDGED
        consent_status = self.consent.status if self.consent_id else None
        if self.sent_at:
            if consent_status != ConsentStatus.GIVEN:
                return HandoverState.CONSENT_WITHDRAWN
            return HandoverState.SENT
        return {
            None: HandoverState.DRAFT,
            ConsentStatus.AWAITING_GUARDIAN: HandoverState.AWAITING_CONSENT,
            ConsentStatus.GIVEN: HandoverState.READY,
            ConsentStatus.REFUSED: HandoverState.REFUSED,
            ConsentStatus.WITHDRAWN: HandoverState.REFUSED,
        }[consent_status]

    def get_state_display(self):
        return HandoverState(self.state).label

    @property
    def covers_screening(self):
        return bool(self.consent_id and DataKind.SCREENING in self.consent.kinds)


class HandoverState(models.TextChoices):
    DRAFT = "draft", _("Draft: the parents have not been asked yet")
    AWAITING_CONSENT = "awaiting", _("Waiting for the parents' consent")
    REFUSED = "refused", _("The parents said no: nothing is sent")
    READY = "ready", _("Consent given: ready to send")
    SENT = "sent", _("Sent: waiting for the receiver's acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Received and acknowledged")
    CONSENT_WITHDRAWN = "withdrawn", _("The parents withdrew their consent")
    CANCELLED = "cancelled", _("Cancelled")


class HandoverSeasonEvaluation(models.Model):
    """The leaders' evaluation of one transition season (e.g. school start) across the unit's
    handovers: what went well and what to change next year."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.CASCADE, verbose_name=_("municipality")
    )
    season = models.CharField(_("season"), max_length=7)  # "2026-H1" or "2026-H2"
    transition = models.CharField(_("transition"), max_length=30, choices=TransitionType.choices)
    text = models.TextField(_("evaluation"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation of a transition season")
        verbose_name_plural = _("evaluations of transition seasons")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "season", "transition"], name="one_evaluation_per_season"
            )
        ]

    def __str__(self):
        return f"{self.season} · {self.get_transition_display()}"
