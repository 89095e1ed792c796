from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A tenant: nothing of one municipality is ever shown to another's users."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("municipality code"), max_length=3, unique=True)
    # Some municipalities let young people from 15 give their own consent (issue: cases).
    own_consent_age = models.PositiveSmallIntegerField(_("age for own consent"), default=15)
    # Barnets lov § 5 has no lower age limit, so by default every form asking for the child's
    # view records whether and how the child was heard; a municipality may set a later age.
    child_heard_from_age = models.PositiveSmallIntegerField(
        _("record whether the child was heard from the age of"),
        default=0,
        help_text=_(
            "Forms asking for the child's view (forløb, handover, network meeting, "
            "notification) require the answer from this age. Barnets lov § 5 has no age limit."
        ),
    )
    # The exchange without consent keeps its legal reference configurable (DOMAIN.md §5.3).
    exchange_legal_reference = models.CharField(
        _("legal reference for exchange without consent"),
        max_length=100,
        default="tidligere servicelovens § 49 a",
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClosedDay(models.Model):
    """A weekday the municipality's offices are closed besides the public holidays (a local
    closing day, say): it does not count as a working day for the 6-working-day receipt."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="closed_days",
        verbose_name=_("municipality"),
    )
    day = models.DateField(_("day"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("closing day")
        verbose_name_plural = _("closing days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "day"], name="closed_day_once")
        ]

    def __str__(self):
        return f"{self.name} ({self.day:%d.%m.%Y})"


class UnitType(models.TextChoices):
    HEALTH_VISITING = "sundhedspleje", _("Health visiting")
    CHILDMINDING = "dagpleje", _("Childminding")
    NURSERY = "vuggestue", _("Nursery")
    KINDERGARTEN = "boernehave", _("Kindergarten")
    INTEGRATED = "integreret", _("Integrated daycare")
    SCHOOL = "skole", _("School")
    AFTER_SCHOOL = "sfo", _("After-school care")
    YOUTH_CLUB = "klub", _("Youth club")
    PPR = "ppr", _("Educational psychology (PPR)")
    SOCIAL_AUTHORITY = "myndighed", _("Family department (authority)")
    INTAKE = "modtagelse", _("Intake of notifications")
    SSP = "ssp", _("SSP")
    YOUTH_GUIDANCE = "uu", _("Youth guidance (UU)")
    HEALTH = "sundhed", _("Municipal health service")
    EXTERNAL = "ekstern", _("External partner")


# Units of the social-work side: a consent or an involvement naming one tells that there is a
# notification or a case (DOMAIN.md §5).
SOCIAL_WORK_UNIT_TYPES = frozenset({UnitType.SOCIAL_AUTHORITY, UnitType.INTAKE})


class Unit(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=150)
    type = models.CharField(_("type"), max_length=20, choices=UnitType.choices)
    district = models.CharField(_("district"), max_length=100, blank=True)
    email = models.EmailField(_("shared e-mail"), blank=True)
    # The unit's id in the municipality's own systems: imports match on it before the name.
    external_id = models.CharField(_("external id"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="unit_name_unique_in_municipality"
            ),
            models.UniqueConstraint(
                fields=["municipality", "external_id"],
                condition=~models.Q(external_id=""),
                name="unit_external_id_unique_in_municipality",
            ),
        ]

    def __str__(self):
        return self.name


class GroupKind(models.TextChoices):
    CLASS = "klasse", _("Class")
    ROOM = "stue", _("Room")
    CHILDMINDER = "dagplejegruppe", _("Childminder group")
    TEAM = "team", _("Team")
    OTHER = "andet", _("Other")


class Group(models.Model):
    """A class, a daycare room or a team inside a unit: screening and overview happen here."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="groups", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    # The group's id in the municipality's own systems: imports match on it before the name.
    external_id = models.CharField(_("external id"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["unit__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="group_name_unique_in_unit"),
            models.UniqueConstraint(
                fields=["unit", "external_id"],
                condition=~models.Q(external_id=""),
                name="group_external_id_unique_in_unit",
            ),
        ]

    def __str__(self):
        return f"{self.unit.name} · {self.name}"


class Role(models.TextChoices):
    PAEDAGOG = "paedagog", _("Pedagogue")
    CHILDMINDER = "dagplejer", _("Childminder")
    TEACHER = "laerer", _("Teacher")
    SFO_PAEDAGOG = "sfo_paedagog", _("After-school pedagogue")
    LEADER = "leder", _("Leader")
    HEALTH_VISITOR = "sundhedsplejerske", _("Health visitor")
    PPR_PSYCHOLOGIST = "ppr_psykolog", _("PPR psychologist")
    RESOURCE_PAEDAGOG = "ressourcepaedagog", _("Resource pedagogue (AKT)")
    SPEECH_CONSULTANT = "tale_hoerekonsulent", _("Speech and hearing consultant")
    SOCIAL_WORKER = "socialraadgiver", _("Social worker")
    TEAM_LEADER = "teamleder", _("Team leader (social work)")
    SSP_CONSULTANT = "ssp_konsulent", _("SSP consultant")
    UU_COUNSELLOR = "uu_vejleder", _("Youth guidance counsellor")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Municipal management (e.g. a fagchef): every unit's figures, aggregated only; no child.
    MANAGEMENT = "fagchef", _("Head of service (figures only)")
    # The municipality's data-protection officer (databeskyttelsesrådgiver, GDPR art. 37–39):
    # the data-protection pages (trivsel.audit.selectors.may_see_data_protection); no child.
    DATA_PROTECTION_OFFICER = "databeskyttelsesraadgiver", _("Data protection officer")


# Roles that belong to the social-work authority side (statutory basis, DOMAIN.md §5.4).
SOCIAL_WORK_ROLES = frozenset({Role.SOCIAL_WORKER, Role.TEAM_LEADER})
LEADER_ROLES = frozenset({Role.LEADER, Role.TEAM_LEADER})


class User(AbstractUser):
    """Everyone who logs in: staff (with a StaffProfile) and guardians."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def staff_profile_or_none(self):
        try:
            return self.staff_profile
        except StaffProfile.DoesNotExist:
            return None


class StaffProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    roles = ArrayField(
        models.CharField(max_length=30, choices=Role.choices),
        verbose_name=_("roles"),
        help_text=_("One or more roles."),
    )
    units = models.ManyToManyField(Unit, related_name="staff", blank=True, verbose_name=_("units"))
    groups = models.ManyToManyField(
        Group, related_name="staff", blank=True, verbose_name=_("groups")
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(roles__len__gt=0), name="staff_has_at_least_one_role"
            )
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.username

    def has_role(self, *roles):
        return any(role in self.roles for role in roles)

    @property
    def sees_figures(self):
        """Leaders, team leaders and municipal management see the figures of /tal/."""
        return self.has_role(Role.LEADER, Role.TEAM_LEADER, Role.MANAGEMENT)

    @property
    def sees_data_protection(self):
        """The data-protection pages (the access log, the log review of the whole municipality,
        the alerts, retention's reports): its data-protection officer and administrators."""
        return self.has_role(Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR)

    @property
    def role_labels(self):
        return [Role(role).label for role in self.roles]


class ProvisioningToken(models.Model):
    """A municipality's identity provider's key to the SCIM endpoint (trivsel.organisation.scim):
    only its hash is stored; the token is shown once, by `manage.py scim_token`."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="provisioning_tokens",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("provisioning token (SCIM)")
        verbose_name_plural = _("provisioning tokens (SCIM)")

    def __str__(self):
        return f"{self.municipality} · {self.name}"
