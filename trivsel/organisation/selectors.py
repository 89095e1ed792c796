"""Reads of organisation data, always inside the user's own municipality."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .access_groups import GROUP_PREFIX, UNIT_PREFIX
from .models import LEADER_ROLES, Group, StaffProfile, Unit, User


def _municipality_id(user):
    # A user without a municipality (e.g. a platform superuser) sees no tenant data here.
    return getattr(user, "municipality_id", None)


def leads_unit(user, unit_id):
    """Whether the user is a leader (or team leader) of the unit: the one check behind opening
    rounds, running forums and acknowledging handovers."""
    profile = user.staff_profile_or_none if user.is_authenticated else None
    return (
        profile is not None
        and profile.has_role(*LEADER_ROLES)
        and profile.units.filter(pk=unit_id).exists()
    )


def may_see_data_protection(user):
    """Whether the user may see the data-protection pages of her municipality — the access log,
    the log review and its alerts (trivsel.audit), retention's reports: the one rule for all of
    them (StaffProfile.sees_data_protection, which the menu asks without a query)."""
    profile = user.staff_profile_or_none if user.is_authenticated else None
    return profile is not None and user.municipality_id is not None and profile.sees_data_protection


def leads_units(user):
    """The units the user leads (as leader or team leader), inside her municipality."""
    profile = user.staff_profile_or_none if user.is_authenticated else None
    if profile is None or not profile.has_role(*LEADER_ROLES):
        return Unit.objects.none()
    return own_units(user)


def unit_list_visible_to(user):
    return Unit.objects.filter(municipality_id=_municipality_id(user))


def group_list_visible_to(user):
    return Group.objects.filter(unit__municipality_id=_municipality_id(user)).select_related("unit")


def user_list_visible_to(user):
    if user.is_superuser:
        return User.objects.all()
    return User.objects.filter(municipality_id=_municipality_id(user))


def own_units(user):
    """The units the user works in (her staff profile's), inside her municipality."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    return Unit.objects.filter(staff__user=user, municipality_id=_municipality_id(user))


def own_unit_ids(user):
    return set(own_units(user).values_list("pk", flat=True))


def staff_choices(user, *, unit_id=None):
    """The active staff of the user's municipality (of one unit, with `unit_id`), in name order:
    whom she may choose as tovholder, participant, owner of a task or recipient of a consent."""
    people = User.objects.filter(
        municipality_id=_municipality_id(user), staff_profile__isnull=False, is_active=True
    )
    if unit_id is not None:
        people = people.filter(staff_profile__units=unit_id)
    return people.select_related("staff_profile").order_by("first_name", "last_name", "pk")


def staff_privileges_of(user_id):
    """What a person may do, as the people who administer them read it: their roles, units and
    groups, whether the account is active and reaches the admin, and the platform privileges.
    {label: text}; comparing two of them tells what a change did (the audit of privileges)."""
    user = (
        User.objects.filter(pk=user_id)
        .select_related("municipality")
        .prefetch_related("groups", "user_permissions__content_type")
        .first()
    )
    if user is None:
        return {}
    profile = (
        StaffProfile.objects.filter(user_id=user_id)
        .prefetch_related(
            "units", Prefetch("groups", queryset=Group.objects.select_related("unit"))
        )
        .first()
    )

    def yes_no(value):
        return _("yes") if value else _("no")

    def listed(values):
        return ", ".join(sorted(str(v) for v in values)) or "–"

    # The auth groups named after units and groups only mirror the memberships (access_groups.py).
    permission_groups = [
        g.name for g in user.groups.all() if not g.name.startswith((UNIT_PREFIX, GROUP_PREFIX))
    ]
    return {
        _("Roles"): listed(profile.role_labels) if profile else "–",
        _("Units"): listed(profile.units.all()) if profile else "–",
        _("Groups"): listed(profile.groups.all()) if profile else "–",
        _("Active"): yes_no(user.is_active),
        _("Access to the administration"): yes_no(user.is_staff),
        _("Superuser"): yes_no(user.is_superuser),
        _("Permission groups"): listed(permission_groups),
        _("Permissions"): listed(
            f"{p.content_type.app_label}.{p.codename}" for p in user.user_permissions.all()
        ),
        _("Municipality"): str(user.municipality) if user.municipality_id else "–",
    }
