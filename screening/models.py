"""Trivselsvurdering: form templates, rounds, individual marks, joint assessments and the
municipality's follow-up rules (DOMAIN.md §6). A colour is a dated assessment of a child's
position in a context, never a property of the child (§12)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Position(models.TextChoices):
    GREEN = "groen", _("Green position: the child thrives")
    YELLOW = "gul", _("Yellow position: things puzzle us")
    RED = "roed", _("Red position: cause for concern")

    @property
    def short(self):
        return {"groen": _("Green"), "gul": _("Yellow"), "roed": _("Red")}[self.value]


class Sector(models.TextChoices):
    HEALTH_VISITING = "sundhedspleje", _("Health visiting, 0–1 year")
    EARLY_YEARS = "dagpleje_vuggestue", _("Childminding and nursery, 0–3 years")
    KINDERGARTEN = "boernehave", _("Kindergarten, 3–6 years")
    SCHOOL = "skole_sfo", _("School and SFO, 6–16 years")
    CLUB = "klub", _("Youth club")


class FormTemplate(models.Model):
    """A screening form. Never edited once used: a change is a new version, and old rounds keep
    the version they used."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("Empty for the templates shipped with Trivsel+."),
    )
    sector = models.CharField(_("sector and age band"), max_length=20, choices=Sector.choices)
    name = models.CharField(_("name"), max_length=150)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous version"),
    )
    # [{"title": "...", "questions": ["...", ...]}, ...] — four areas in the default set.
    areas = models.JSONField(_("areas and focus questions"))
    green_text = models.TextField(_("what a green position means"))
    yellow_text = models.TextField(_("what a yellow position means"))
    red_text = models.TextField(_("what a red position means"))
    rates_context = models.BooleanField(
        _("also rates the context (home)"),
        default=False,
        help_text=_("Health visiting rates the child and the context separately."),
    )
    is_current = models.BooleanField(_("current version"), default=True)

    class Meta:
        verbose_name = _("screening form")
        verbose_name_plural = _("screening forms")
        ordering = ["sector", "name", "-version"]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class RoundStatus(models.TextChoices):
    RATING = "rating", _("Open for individual marks")
    JOINT = "joint", _("Joint assessment")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    group = models.ForeignKey(
        "organisation.Group",
        on_delete=models.PROTECT,
        related_name="screening_rounds",
        verbose_name=_("group"),
    )
    template = models.ForeignKey(
        FormTemplate, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("form")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.RATING
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    joint_started_at = models.DateTimeField(_("joint session started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # When retention removes the round's individual marks, how many of those children had been
    # rated by the deadline: /tal/'s "rated by the deadline" adds it to the marks still kept.
    removed_marks_rated = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")
        ordering = ["-deadline", "-pk"]

    def __str__(self):
        return f"{self.group} · {self.deadline:%d.%m.%Y}"


class Rating(models.Model):
    """One professional's individual mark for one child in one round — private to the rater
    until the leader opens the joint session."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position"), max_length=5, choices=Position.choices)
    context_position = models.CharField(
        _("position of the context"), max_length=5, choices=Position.choices, blank=True
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("individual mark")
        verbose_name_plural = _("individual marks")
        constraints = [
            # A double click or two tabs give one mark, never two.
            models.UniqueConstraint(fields=["round", "child", "rater"], name="one_mark_per_rater")
        ]

    def __str__(self):
        return f"{self.round_id}/{self.child_id}/{self.rater_id}: {self.position}"


class JointAssessment(models.Model):
    """The agreed position after the joint session, with a short reflection."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assessments")
    # Empty once retention has anonymised the assessment: the position stays counted on /tal/.
    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.CASCADE,
        null=True,
        related_name="joint_assessments",
    )
    position = models.CharField(_("agreed position"), max_length=5, choices=Position.choices)
    reflection = models.TextField(_("reflection"), blank=True)
    parent_summary = models.TextField(
        _("summary for the parents"),
        blank=True,
        help_text=_("Plain words, no colours: this is what the parents may read."),
    )
    involve_parents = models.BooleanField(_("involve the parents"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        verbose_name = _("joint assessment")
        verbose_name_plural = _("joint assessments")
        constraints = [
            models.UniqueConstraint(fields=["round", "child"], name="one_assessment_per_child")
        ]

    def __str__(self):
        return f"{self.round_id}/{self.child_id}: {self.position}"


class RuleSet(models.Model):
    """The municipality's follow-up rules (DOMAIN.md §6); defaults follow Opsporingsmodellen."""

    municipality = models.OneToOneField(
        "organisation.Municipality", on_delete=models.CASCADE, related_name="screening_rules"
    )
    yellow_marks_involve_parents = models.PositiveSmallIntegerField(
        _("yellow marks that call for involving the parents"),
        default=2,
        help_text=_("0 turns the rule off."),
    )
    yellow_needs_plan = models.BooleanField(_("agreed yellow → pedagogical plan"), default=True)
    red_to_team = models.BooleanField(_("agreed red → cross-disciplinary team"), default=True)
    red_health_visiting_suggests_notification = models.BooleanField(
        _("red in health visiting → suggest a notification"), default=True
    )
    follow_up_days = models.PositiveSmallIntegerField(_("days to follow up"), default=14)
    parents_see_written_assessment = models.BooleanField(
        _("parents see the written joint assessment"), default=True
    )

    class Meta:
        verbose_name = _("screening rules")
        verbose_name_plural = _("screening rules")

    def __str__(self):
        return str(self.municipality)
