"""Demo municipalities, units, groups and staff (seed_demo). Idempotent: existing rows are kept
as they are, so what demo users changed survives a second run."""

from django.contrib.auth.models import Permission

from .backends import DEMO_PASSWORD
from .models import Group, GroupKind, Municipality, Role, StaffProfile, Unit, UnitType, User

DEMO_UNITS = [
    # (name, type, district, groups as (name, kind))
    ("Sundhedsplejen", UnitType.HEALTH_VISITING, "", []),
    (
        "Dagplejen Nord",
        UnitType.CHILDMINDING,
        "Nord",
        [("Dagplejegruppe Birken", GroupKind.CHILDMINDER)],
    ),
    ("Vuggestuen Mælkebøtten", UnitType.NURSERY, "Nord", [("Myrestuen", GroupKind.ROOM)]),
    (
        "Børnehuset Solsikken",
        UnitType.KINDERGARTEN,
        "Nord",
        [("Solstuen", GroupKind.ROOM), ("Månestuen", GroupKind.ROOM)],
    ),
    (
        "Integreret institution Kastanjen",
        UnitType.INTEGRATED,
        "Syd",
        [("Egernstuen", GroupKind.ROOM)],
    ),
    (
        "Bakkeskolen",
        UnitType.SCHOOL,
        "Nord",
        [("0.A", GroupKind.CLASS), ("3.B", GroupKind.CLASS), ("7.A", GroupKind.CLASS)],
    ),
    ("SFO Bakken", UnitType.AFTER_SCHOOL, "Nord", [("SFO 1", GroupKind.ROOM)]),
    ("Klub Vestergade", UnitType.YOUTH_CLUB, "Nord", [("Juniorklub", GroupKind.OTHER)]),
    ("PPR", UnitType.PPR, "", []),
    ("Familieafdelingen", UnitType.SOCIAL_AUTHORITY, "", [("Børneteam Nord", GroupKind.TEAM)]),
    ("Modtagelsen", UnitType.INTAKE, "", []),
    ("SSP", UnitType.SSP, "", []),
    ("UU-vejledningen", UnitType.YOUTH_GUIDANCE, "", []),
    ("Kommunal Sundhedstjeneste", UnitType.HEALTH, "", []),
    ("Børne- og ungdomspsykiatrien (ekstern)", UnitType.EXTERNAL, "", []),
]

# username: (first name, last name, title, roles, units, groups as "Unit/Group")
DEMO_STAFF = {
    "paedagog": (
        "Mette",
        "Kjær",
        "Pædagog",
        [Role.PAEDAGOG],
        ["Børnehuset Solsikken"],
        ["Børnehuset Solsikken/Solstuen"],
    ),
    "leder": ("Lone", "Bach", "Dagtilbudsleder", [Role.LEADER], ["Børnehuset Solsikken"], []),
    "laerer": ("Jonas", "Holm", "Lærer", [Role.TEACHER], ["Bakkeskolen"], ["Bakkeskolen/3.B"]),
    "skoleleder": ("Birgitte", "Lund", "Skoleleder", [Role.LEADER], ["Bakkeskolen"], []),
    "sundhedsplejerske": (
        "Anne",
        "Friis",
        "Sundhedsplejerske",
        [Role.HEALTH_VISITOR],
        ["Sundhedsplejen"],
        [],
    ),
    "socialraadgiver": (
        "Sara",
        "Møller",
        "Socialrådgiver",
        [Role.SOCIAL_WORKER],
        ["Familieafdelingen", "Modtagelsen"],
        ["Familieafdelingen/Børneteam Nord"],
    ),
    "teamleder": (
        "Peter",
        "Dahl",
        "Teamleder",
        [Role.TEAM_LEADER],
        ["Familieafdelingen", "Modtagelsen"],
        [],
    ),
    "ppr": ("Karen", "Skov", "PPR-psykolog", [Role.PPR_PSYCHOLOGIST], ["PPR"], []),
    "admin": ("Henrik", "Berg", "Systemadministrator", [Role.ADMINISTRATOR], [], []),
    # Municipal management: every unit's figures on /tal/, aggregated; no child.
    "fagchef": ("Frede", "Lassen", "Fagchef for Børn og Unge", [Role.MANAGEMENT], [], []),
    # The data-protection officer: the log review and the alerts of the whole municipality.
    "dpo": (
        "Dorthe",
        "Juhl",
        "Databeskyttelsesrådgiver",
        [Role.DATA_PROTECTION_OFFICER],
        [],
        [],
    ),
}


def _user(*, username, municipality, first_name, last_name, is_staff=False):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "municipality": municipality,
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@demo.trivsel.invalid",
            "is_staff": is_staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _staff(*, user, title, roles, units, groups):
    profile, created = StaffProfile.objects.get_or_create(
        user=user, defaults={"title": title, "roles": roles}
    )
    if created:
        profile.units.set(units)
        profile.groups.set(groups)
    return profile


def _units(municipality, specs):
    units, groups = {}, {}
    for name, unit_type, district, group_specs in specs:
        unit, _ = Unit.objects.get_or_create(
            municipality=municipality,
            name=name,
            defaults={"type": unit_type, "district": district},
        )
        units[name] = unit
        for group_name, kind in group_specs:
            group, _ = Group.objects.get_or_create(
                unit=unit, name=group_name, defaults={"kind": kind}
            )
            groups[f"{name}/{group_name}"] = group
    return units, groups


def seed(context):
    demo, _ = Municipality.objects.get_or_create(code="999", defaults={"name": "Demo Kommune"})
    neighbour, _ = Municipality.objects.get_or_create(code="998", defaults={"name": "Nabo Kommune"})
    units, groups = _units(demo, DEMO_UNITS)
    nabo_units, nabo_groups = _units(
        neighbour,
        [("Børnehaven Kilden", UnitType.KINDERGARTEN, "", [("Kildestuen", GroupKind.ROOM)])],
    )

    for username, (first, last, title, roles, unit_names, group_names) in DEMO_STAFF.items():
        user = _user(
            username=username,
            municipality=demo,
            first_name=first,
            last_name=last,
            is_staff=Role.ADMINISTRATOR in roles,
        )
        _staff(
            user=user,
            title=title,
            roles=roles,
            units=[units[n] for n in unit_names],
            groups=[groups[n] for n in group_names],
        )
    admin = User.objects.get(username="admin")
    if not admin.user_permissions.exists():
        admin.user_permissions.set(_administrator_permissions())

    nabo = _user(username="nabo", municipality=neighbour, first_name="Ida", last_name="Vang")
    _staff(
        user=nabo,
        title="Pædagog",
        roles=[Role.PAEDAGOG],
        units=[nabo_units["Børnehaven Kilden"]],
        groups=[nabo_groups["Børnehaven Kilden/Kildestuen"]],
    )

    context.update(
        demo=demo, neighbour=neighbour, units=units, groups=groups, neighbour_groups=nabo_groups
    )
    context["summary"]["units"] = Unit.objects.count()
    context["summary"]["staff"] = StaffProfile.objects.count()


def _administrator_permissions():
    # A municipal administrator sets up the organisation; the admin screens keep it to their own
    # municipality (organisation/admin.py).
    return Permission.objects.filter(
        content_type__app_label="organisation",
        content_type__model__in=[
            "unit",
            "group",
            "staffprofile",
            "user",
            "municipality",
            "closedday",
        ],
    ).exclude(codename__in=["add_municipality", "delete_municipality"])
