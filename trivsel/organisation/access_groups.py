"""Each unit and group has an auth group holding its staff, so a grant to "everyone in this
unit" is one object-permission row, however many people work there."""

from django.contrib.auth.models import Group as AuthGroup

UNIT_PREFIX = "enhed-"
GROUP_PREFIX = "gruppe-"


def unit_access_group_name(unit_id):
    return f"{UNIT_PREFIX}{unit_id}"


def group_access_group_name(group_id):
    return f"{GROUP_PREFIX}{group_id}"


def access_groups_by_name(names):
    """{name: auth group} for the given names, creating the missing ones in one insert."""
    names = set(names)
    existing = {g.name: g for g in AuthGroup.objects.filter(name__in=names)}
    missing = [AuthGroup(name=name) for name in names - existing.keys()]
    if missing:
        AuthGroup.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {g.name: g for g in AuthGroup.objects.filter(name__in=names)}
    return existing


def staff_access_groups_sync(profile):
    """Make the user's auth groups mirror their units and groups."""
    wanted = {unit_access_group_name(pk) for pk in profile.units.values_list("pk", flat=True)}
    wanted |= {group_access_group_name(pk) for pk in profile.groups.values_list("pk", flat=True)}
    user = profile.user
    current = {
        g.name: g
        for g in user.groups.filter(name__regex=rf"^({UNIT_PREFIX}|{GROUP_PREFIX})[0-9]+$")
    }
    stale = [g for name, g in current.items() if name not in wanted]
    if stale:
        user.groups.remove(*stale)
    missing = wanted - current.keys()
    if missing:
        user.groups.add(*access_groups_by_name(missing).values())
