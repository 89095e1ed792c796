"""The child's record: the child, family, enrolments, the involvement register, consent, forløb
with tovholder and plan, timeline and tasks — and the grant tables of the access engine."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from trivsel.organisation.models import Role

from .cpr import cpr_mask


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
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    children = models.ManyToManyField(
        Child, through="Guardianship", related_name="guardians", verbose_name=_("children")
    )

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

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


class ConsentStatus(models.TextChoices):
    AWAITING_GUARDIAN = "awaiting", _("Awaiting the guardian's confirmation")
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentEvidence(models.TextChoices):
    GUARDIAN_LOGIN = "login", _("Confirmed by the guardian's own login")
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


class LadderStep(models.TextChoices):
    """Indsatstrappen: aim downward (DOMAIN.md §4)."""

    UNIVERSAL = "universal", _("Universal, general services")
    PREVENTIVE = "preventive", _("Preventive help")
    HOME_BASED = "home_based", _("Home-based support")
    NETWORK_PLACEMENT = "network", _("Placement in the network")
    FOSTER_FAMILY = "foster", _("Foster family")
    INSTITUTION = "institution", _("Institution")


class Forlob(models.Model):
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


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """A follow-up with an owner and a due date. Other apps create these (source_type/_id)."""

    child = models.ForeignKey(
        Child,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("child"),
    )
    title = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    data_kind = models.CharField(
        _("kind of information"), max_length=20, choices=DataKind.choices, default=DataKind.BASIC
    )
    source_type = models.CharField(_("source"), max_length=60, blank=True)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    # The unit whose screening a task of the screening kind follows up: like the screening
    # itself, it is seen only by those who read that unit's screening.
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="task_owner_idx")]

    def __str__(self):
        return self.title


# --- Grants: django-guardian object permissions with direct foreign keys ------------------------
# Each row says: this user (or auth group) may see this kind of this child, on this basis, from
# this source, in this period. The engine (cases/access.py) rebuilds a child's rows whenever a
# source changes; the selectors honour the period themselves, a periodic job deletes what expired.


class GrantFields(models.Model):
    basis = models.CharField(max_length=20)
    source_type = models.CharField(max_length=20)
    source_id = models.BigIntegerField()
    valid_from = models.DateTimeField(null=True)
    valid_until = models.DateTimeField(null=True)

    class Meta:
        abstract = True


class ChildUserObjectPermission(UserObjectPermissionBase, GrantFields):  # noqa: DJ008
    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        unique_together = ["user", "permission", "content_object", "source_type", "source_id"]
        indexes = [models.Index(fields=["user", "permission"], name="child_user_grant_idx")]


class ChildGroupObjectPermission(GroupObjectPermissionBase, GrantFields):  # noqa: DJ008
    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        unique_together = ["group", "permission", "content_object", "source_type", "source_id"]
        indexes = [models.Index(fields=["group", "permission"], name="child_group_grant_idx")]


# --- Transition handovers (DOMAIN.md §7) --------------------------------------------------------


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


class Handover(models.Model):
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
