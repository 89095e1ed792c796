from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("Read")
    SEARCH = "search", _("Search")
    CREATE = "create", _("Create")
    CHANGE = "change", _("Change")
    EXPORT = "export", _("Export")
    DELETE = "delete", _("Delete")


class Basis(models.TextChoices):
    """The lawful basis for a look at personal data (DOMAIN.md §5)."""

    ENROLMENT = "enrolment", _("Enrolment")
    CONSENT = "consent", _("Consent")
    MEETING_EXCHANGE = "meeting_exchange", _("Exchange at one meeting without consent")
    STATUTORY = "statutory", _("Statutory authority")
    SSP = "ssp", _("SSP exchange")
    GUARDIAN = "guardian", _("Guardian's own access")
    YOUNG_PERSON = "young_person", _("The young person's own access")
    OWN_RECORD = "own_record", _("Own record")
    ADMINISTRATION = "administration", _("Administration")
    # A request for something the user may not see (or that does not exist): answered with 404.
    DENIED = "denied", _("No basis: refused")


class Topic(models.TextChoices):
    """What a look was about, as far as the child's guardians may learn of it. The guardian's view
    of the log is an allow-list of topics (trivsel.audit.rules); a look written without a topic is
    internal and is shown to the municipality's administrators only."""

    DAILY_CARE = "daily_care", _("Day-to-day work with the child")
    CONSENT = "consent", _("Sharing under the parents' consent")
    MEETING = "meeting", _("A meeting the parents take part in")
    HANDOVER = "handover", _("A handover")
    EXCHANGE = "exchange", _("Exchange at one meeting without consent")
    # Notifications, referrals to the social-work side, statutory look-ups, dialogue meetings
    # before their minutes are approved: never shown to guardians (DOMAIN.md §5, exception path).
    SOCIAL_WORK = "social_work", _("The social-work side")
    INTERNAL = "internal", _("Internal work")


class AccessLogEntry(models.Model):
    """One look at, or change of, personal data. Never edited, never shown with a CPR number."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    # The child the access concerned, so parents can see the look-ups on their own child.
    child_id = models.BigIntegerField(_("child"), null=True, blank=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    topic = models.CharField(
        _("topic"), max_length=20, choices=Topic.choices, default=Topic.INTERNAL
    )
    # When the child's guardians may see this entry in their log; never, when empty. Set once,
    # when the entry is written, by trivsel.audit.rules.guardian_visible_from.
    guardian_visible_from = models.DateTimeField(
        _("shown to the guardians from"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["municipality", "-at"], name="audit_muni_at_idx")]

    def __str__(self):
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_action_display()} {self.object_type}"
