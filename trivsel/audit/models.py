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
    # Seen in a list (a page naming many children at once, access_log_record_many), not opened
    # one by one: the log review samples and the unusual patterns count only the look-ups opened.
    listed = models.BooleanField(_("seen in a list"), default=False, db_default=False)
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


class LookupSample(models.Model):
    """One unit's weekly sample of look-ups, put to its leaders (Datatilsynet's catalogue of
    measures: the log is reviewed, by sample). The row is also the job's claim: (unit, week) is
    unique, so a job run twice, or on two workers, draws one sample per unit and week."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("unit"),
    )
    # The Monday of the week whose look-ups were sampled (the week before the draw).
    week = models.DateField(_("week"))
    drawn_at = models.DateTimeField(_("drawn"))

    class Meta:
        verbose_name = _("sample of look-ups")
        verbose_name_plural = _("samples of look-ups")
        ordering = ["-week", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "week"], name="lookup_sample_once_a_week")
        ]
        indexes = [models.Index(fields=["municipality", "-week"], name="lookup_sample_muni_idx")]

    def __str__(self):
        return f"{self.unit} {self.week:%d.%m.%Y}"


class SampledLookup(models.Model):
    """One look-up of a sample and the leader's answer: "Var dette opslag en del af arbejdet?"
    Answered once; who answered and when are kept with the answer."""

    sample = models.ForeignKey(
        LookupSample,
        on_delete=models.CASCADE,
        related_name="lookups",
        verbose_name=_("sample"),
    )
    # Deleted with the entry when the log's retention period has passed.
    entry = models.ForeignKey(
        AccessLogEntry,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("access log entry"),
    )
    part_of_work = models.BooleanField(_("part of the work"), null=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("sampled look-up")
        verbose_name_plural = _("sampled look-ups")
        ordering = ["entry__at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "entry"], name="sampled_lookup_once"),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True)
                | models.Q(part_of_work__isnull=False, answered_by__isnull=False),
                name="sampled_lookup_answer_complete",
            ),
        ]

    def __str__(self):
        return f"{self.sample} #{self.entry_id}"


class Pattern(models.TextChoices):
    CHILDREN_OUTSIDE_UNITS = "outside_units", _("Many children looked up outside own units")
    CPR_REVEALS = "cpr_reveals", _("Many CPR numbers shown")
    REFUSALS = "refusals", _("Repeated refused look-ups")


class LogAlert(models.Model):
    """An unusual pattern in one user's look-ups within a window (trivsel.audit.patterns), told
    to the municipality's administrators and data-protection officer."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    pattern = models.CharField(_("pattern"), max_length=20, choices=Pattern.choices)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("to"))
    count = models.PositiveIntegerField(_("count"))
    threshold = models.PositiveIntegerField(_("threshold"))
    created_at = models.DateTimeField(_("raised"))

    class Meta:
        verbose_name = _("log alert")
        verbose_name_plural = _("log alerts")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="log_alert_muni_idx"),
            models.Index(fields=["actor", "pattern", "-window_end"], name="log_alert_actor_idx"),
        ]

    def __str__(self):
        return f"{self.get_pattern_display()}: {self.actor} {self.window_end:%d.%m.%Y %H:%M}"
