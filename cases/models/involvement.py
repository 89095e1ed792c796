"""The involvement register and the exchange without consent: sources of access besides
enrolment and consent."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .children import Child


class Involvement(models.Model):
    """The register "hvem arbejder med barnet": who is involved, in what role and why."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="involvements", verbose_name=_("child")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements",
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=300)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    # The social-work side's own involvement (a caseworker handling a notification or case): the
    # statutory basis of the access engine. Set when the social-work side registers one of its
    # own, never later by a change of the person's role.
    statutory = models.BooleanField(_("the social-work side's involvement"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(unit__isnull=False),
                name="involvement_names_person_or_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="involvement_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person or self.unit}: {self.role}"


# The exchange belongs to one planned meeting, not an open-ended permission: the meeting is
# planned within a month, and the one follow-up meeting (special cases only) comes within two
# months of it, while the matter is the same. Access lasts the meeting day and the minutes
# follow-up after each meeting (settings.EXCHANGE_FOLLOW_UP_DAYS).
EXCHANGE_MAX_DAYS_AHEAD = 30
EXCHANGE_FOLLOW_UP_WITHIN_DAYS = 60
# One exchange is one matter; a second within a year is possible, a third is not: by then the
# cooperation is ongoing, and ongoing cooperation needs the parents' consent.
EXCHANGES_PER_YEAR = 2
EXCHANGE_YEAR_DAYS = 365


class ExchangeGrant(models.Model):
    """Exchange without consent for early, preventive cooperation (formerly Serviceloven § 49 a):
    once, at one meeting, plus at most one follow-up meeting. Always shown as such."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="exchange_grants", verbose_name=_("child")
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("participants")
    )
    meeting_date = models.DateField(_("meeting date"))
    follow_up_date = models.DateField(_("follow-up meeting"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange without consent")
        verbose_name_plural = _("exchanges without consent")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(follow_up_date__isnull=True)
                | models.Q(follow_up_date__gt=models.F("meeting_date")),
                name="exchange_follow_up_after_meeting",
            )
        ]

    def __str__(self):
        return f"{self.child}: {self.purpose[:40]}"

    def access_periods(self):
        """[(first day, last day)]: each meeting's day and the short minutes follow-up after it
        (settings.EXCHANGE_FOLLOW_UP_DAYS). Nothing between the two meetings: what is exchanged
        is what the meetings need, not an open file."""
        follow_up = timedelta(days=settings.EXCHANGE_FOLLOW_UP_DAYS)
        return [(day, day + follow_up) for day in (self.meeting_date, self.follow_up_date) if day]

    @property
    def last_day(self):
        """The last day the exchange gives access."""
        return self.access_periods()[-1][1]
