"""The child, the family (household, guardians, custody) and where the child is enrolled."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..cpr import cpr_mask

# Custody ends on the 18th birthday (myndighedsalder): the guardians' access with it.
AGE_OF_MAJORITY = 18


def birthday(birth_date, years):
    """The day a person born on `birth_date` turns `years` (a 29 February birthday: 1 March in
    other years, as the law counts it)."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return birth_date.replace(year=birth_date.year + years, month=3, day=1)


class Child(models.Model):
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("municipality"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Ten digits, validated by cases.cpr; only ever shown masked unless explicitly revealed.
    cpr = models.CharField(_("CPR number"), max_length=10)
    birth_date = models.DateField(_("birth date"))
    language_needs = models.CharField(_("language needs"), max_length=200, blank=True)
    # The young person's own login (from settings.YOUNG_PERSON_OWN_LOGIN_AGE): a basis of its
    # own in the access engine (cases.access._from_own_login).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_child",
        verbose_name=_("the young person's own login"),
    )
    # From the municipality's import (the folkeregister address the school and daycare systems
    # hold); shown with the basic data.
    address = models.CharField(_("address"), max_length=200, blank=True)
    household = models.ForeignKey(
        "Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("household"),
    )

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["first_name", "last_name"]
        # One permission per kind of information (DataKind); granted per child by the engine.
        permissions = [
            ("view_child_basic", _("See a child's basic data")),
            ("view_child_screening", _("See a child's screening assessments")),
            ("view_child_minutes", _("See minutes about a child")),
            ("view_child_handover", _("See a child's handovers")),
            ("view_child_notifications", _("See notifications about a child")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "cpr"], name="child_cpr_unique_in_municipality"
            )
        ]

    def __str__(self):
        return self.full_name

    def age_on(self, day):
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def turns(self, years):
        return birthday(self.birth_date, years)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def cpr_masked(self):
        return cpr_mask(self.cpr)


class Household(models.Model):
    """Children (and guardians) living together: siblings are found through it and through
    shared guardians."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return self.name


class Guardian(models.Model):
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="guardians",
        verbose_name=_("municipality"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian",
        verbose_name=_("login"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Ten digits when the guardian came from an import (matched by it on the next one); empty for
    # guardians entered by hand. Never shown unmasked.
    cpr = models.CharField(_("CPR number"), max_length=10, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    children = models.ManyToManyField(
        Child, through="Guardianship", related_name="guardians", verbose_name=_("children")
    )

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "cpr"],
                condition=~models.Q(cpr=""),
                name="guardian_cpr_unique_in_municipality",
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Guardianship(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, verbose_name=_("child"))
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, verbose_name=_("guardian"))
    has_custody = models.BooleanField(_("has custody"), default=True)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["child", "guardian"], name="guardianship_unique")
        ]

    def __str__(self):
        return f"{self.guardian} → {self.child}"


class Enrolment(models.Model):
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("child")
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("unit"),
    )
    group = models.ForeignKey(
        "organisation.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("group"),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="enrolment_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["group", "end"], name="enrolment_group_end_idx")]

    def __str__(self):
        return f"{self.child} · {self.group or self.unit}"
