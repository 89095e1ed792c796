"""The child's timeline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .children import Child
from .consent import DataKind


class TimelineKind(models.TextChoices):
    NOTE = "note", _("Note")
    ENROLMENT = "enrolment", _("Enrolment")
    INVOLVEMENT = "involvement", _("Involvement")
    CONSENT = "consent", _("Consent")
    EXCHANGE = "exchange", _("Exchange without consent")
    FORLOB = "forlob", _("Forløb")
    TOVHOLDER = "tovholder", _("Tovholder")
    TASK = "task", _("Task")
    SCREENING = "screening", _("Screening")
    MEETING = "meeting", _("Meeting")
    HANDOVER = "handover", _("Handover")
    NOTIFICATION = "notification", _("Notification")


# A consent's timeline entries name it, so they follow the consent's own visibility (a network
# meeting's consent shows only to those who may open the meeting: cases.selectors).
CONSENT_SOURCE = "cases.consent"


class TimelineEntry(models.Model):
    """What happened around the child; each entry is seen only by those who may see its kind."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("child")
    )
    at = models.DateTimeField(_("when"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TimelineKind.choices)
    data_kind = models.CharField(_("kind of information"), max_length=20, choices=DataKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    text = models.CharField(_("text"), max_length=500)
    # The unit whose screening an entry of the screening kind comes from: it is shown only to
    # those who read that unit's screening (cases.capabilities.screening_scope_from).
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    # What the entry is about, for the app that made it (e.g. "meetings.meeting" and its id):
    # apps above cases decide who sees the entries about their own things
    # (selectors.timeline_rules).
    source_type = models.CharField(_("source"), max_length=60, blank=True)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["child", "-at"], name="timeline_child_at_idx")]

    def __str__(self):
        return self.text
