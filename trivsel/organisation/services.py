"""Writes to the organisation that come from outside the admin: staff provisioned by the
municipality's staff import (cases.imports) or its identity provider (SCIM, trivsel.organisation
.scim). Every change of a person's roles, units, groups or active state is written to the access
log as the admin's changes are (trivsel.audit.services.privilege_change_record)."""

from django.db import transaction

from trivsel.audit.services import privilege_change_record

from .models import StaffProfile, User
from .selectors import staff_privileges_of

UNCHANGED = object()


@transaction.atomic
def staff_provision(
    *,
    municipality,
    user=None,
    username="",
    email="",
    first_name,
    last_name,
    active=True,
    title=UNCHANGED,
    roles=UNCHANGED,
    units=UNCHANGED,
    groups=UNCHANGED,
    actor=None,
):
    """Create (user=None) or update a staff member of `municipality`. Fields left UNCHANGED keep
    their value. A new person gets no usable password: she logs in through the identity
    provider, or sets a password with "Glemt adgangskode"."""
    before = staff_privileges_of(user.pk) if user is not None else {}
    if user is None:
        user = User(username=username or email, municipality=municipality)
        user.set_unusable_password()
    if user.municipality_id != municipality.pk or user.is_superuser:
        raise ValueError("not a staff member of this municipality")
    user.email = email or user.email
    user.first_name, user.last_name, user.is_active = first_name, last_name, active
    user.save()
    profile = user.staff_profile_or_none
    if roles is not UNCHANGED and roles:
        profile = profile or StaffProfile(user=user)
        profile.roles = list(roles)
    if profile is not None:
        if title is not UNCHANGED:
            profile.title = title
        profile.save()
        if units is not UNCHANGED:
            profile.units.set(units)
        if groups is not UNCHANGED:
            profile.groups.set(groups)
    privilege_change_record(
        actor=actor, user=user, before=before, after=staff_privileges_of(user.pk)
    )
    return user
