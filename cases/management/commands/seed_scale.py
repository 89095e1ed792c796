"""seed_scale: one large municipality, "Skala Kommune" (code 997), for the benchmarks
(DESIGN.md §8).

    python manage.py seed_scale [--children 100000] [--staff 5000]

Only in demo/test mode, like seed_demo. Everything is built set-based (bulk_create in batches, one
precomputed password hash, memberships and auth-group rows written as rows of the through tables)
inside one transaction, then the grants are built by the access engine in chunks. A second run
finds the children and does nothing.

Each child has one current enrolment that fits its age: health visiting in the first year,
childminding/nursery/integrated daycare at 1–2, kindergarten/integrated at 3–5, a school class
from 0. to 9. klasse, a youth club after that. After-school care (SFO) has staff and groups but no
enrolled children, as that would be a second enrolment."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from math import ceil

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError

from cases.access import grants_rebuild
from cases.demo import fictitious_cpr
from cases.management.scale_builder import ScaleBuilder, step_log
from cases.management.skala import (
    BATCH,
    BOYS,
    DAYCARE_TYPES,
    DAYCARE_WORDS,
    DISTRICTS,
    GIRLS,
    GRANT_CHUNK,
    LAST_NAMES,
    LEADER_TITLES,
    PLACE_WORDS,
    SKALA_CODE,
    SKALA_NAME,
    TITLES,
    _chunks,
    _numbered,
)
from cases.management.skala_casework import CaseworkSteps
from cases.models import (
    Child,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    Consent,
    Enrolment,
    Guardian,
    Guardianship,
    Involvement,
)
from trivsel.organisation.access_groups import (
    access_groups_by_name,
    group_access_group_name,
    unit_access_group_name,
)
from trivsel.organisation.backends import DEMO_PASSWORD
from trivsel.organisation.models import (
    Group,
    GroupKind,
    Municipality,
    Role,
    StaffProfile,
    Unit,
    UnitType,
    User,
)


class Command(BaseCommand):
    help = (
        "Builds one large municipality (Skala Kommune: 100,000 children, 5,000 staff) for the "
        "benchmarks. Demo/test mode only; does nothing when it exists already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=100_000)
        parser.add_argument("--staff", type=int, default=5_000)

    def handle(self, *args, children, staff, **options):
        if not settings.DEMO_PASSWORD_ALLOWED:
            raise CommandError("seed_scale only runs with TRIVSEL_MODE=demo or test.")
        if children < 1 or staff < 1:
            raise CommandError("--children and --staff must be positive.")
        existing = Municipality.objects.filter(code=SKALA_CODE).first()
        if existing:
            count = Child.objects.filter(municipality=existing).count()
            if count:
                self.stdout.write(f"{existing.name} has {count} children already: nothing to do.")
                return
        builder = _Builder(children=children, staff=staff, log=step_log(self, options))
        builder.run(self.stdout, f"{SKALA_NAME} ready")


class _Builder(CaseworkSteps, ScaleBuilder):
    seed = 997
    models = (
        Child,
        Guardian,
        Guardianship,
        Enrolment,
        Involvement,
        Consent,
        ChildUserObjectPermission,
        ChildGroupObjectPermission,
        User,
        User.groups.through,
        StaffProfile,
        StaffProfile.units.through,
        StaffProfile.groups.through,
        Unit,
        Group,
    )

    def __init__(self, *, children, staff, log):
        super().__init__(log=log)
        self.n_children = children
        self.n_staff = staff
        self.factor = children / 100_000
        first_august = date(self.today.year, 8, 1)
        self.school_year = (
            first_august
            if self.today >= first_august
            else first_august.replace(year=self.today.year - 1)
        )

    def scaled(self, count):
        return max(1, round(count * self.factor))

    def build(self):
        self.municipality, _ = Municipality.objects.get_or_create(
            code=SKALA_CODE, defaults={"name": SKALA_NAME}
        )
        if Unit.objects.filter(municipality=self.municipality).exists():
            raise CommandError(
                f"{self.municipality.name} has units but no children; remove them first."
            )
        self._units()
        self._children()
        self._enrolments()
        self._staff()
        self._casework()
        self._grants()

    # --- organisation ------------------------------------------------------------------------

    def _units(self):
        m = self.municipality
        specs = []  # (name, type, district)

        def district_units(pattern, unit_type, count):
            for i in range(count):
                district = DISTRICTS[i % len(DISTRICTS)]
                name = pattern.format(district=district, n=i // len(DISTRICTS) + 1)
                specs.append((name, unit_type, district))

        def named_units(names, unit_type):
            for i, name in enumerate(names):
                specs.append((name, unit_type, DISTRICTS[i % len(DISTRICTS)]))

        per_district = min(len(DISTRICTS), self.scaled(5))
        district_units("Sundhedsplejen {district}", UnitType.HEALTH_VISITING, per_district)
        district_units("Dagplejen {district} {n}", UnitType.CHILDMINDING, self.scaled(15))
        named_units(_numbered("Vuggestuen {}", DAYCARE_WORDS, self.scaled(35)), UnitType.NURSERY)
        named_units(
            _numbered("Børnehaven {}", DAYCARE_WORDS, self.scaled(55)), UnitType.KINDERGARTEN
        )
        named_units(_numbered("Børnehuset {}", DAYCARE_WORDS, self.scaled(45)), UnitType.INTEGRATED)
        schools = _numbered("{}skolen", PLACE_WORDS, self.scaled(40))
        named_units(schools, UnitType.SCHOOL)
        named_units([f"SFO {name}" for name in schools], UnitType.AFTER_SCHOOL)
        district_units("Klub {district} {n}", UnitType.YOUTH_CLUB, self.scaled(15))
        district_units("PPR {district}", UnitType.PPR, per_district)
        for name, unit_type in (
            ("Familieafdelingen", UnitType.SOCIAL_AUTHORITY),
            ("Modtagelsen", UnitType.INTAKE),
            ("SSP", UnitType.SSP),
            ("UU-vejledningen", UnitType.YOUTH_GUIDANCE),
            ("Kommunal Sundhedstjeneste", UnitType.HEALTH),
            ("Børne- og ungdomspsykiatrien (ekstern)", UnitType.EXTERNAL),
        ):
            specs.append((name, unit_type, ""))
        units = Unit.objects.bulk_create(
            [Unit(municipality=m, name=n, type=t, district=d) for n, t, d in specs],
            batch_size=BATCH,
        )
        self.units = defaultdict(list)
        for unit in units:
            self.units[unit.type].append(unit)
        self.ppr_by_district = {u.district: u for u in self.units[UnitType.PPR]}
        self.schools_by_district = defaultdict(list)
        for school in self.units[UnitType.SCHOOL]:
            self.schools_by_district[school.district].append(school)
        self.summary["units"] = len(units)
        self.log_step(f"{len(units)} units")

    # --- children and families ----------------------------------------------------------------

    def _children(self):
        rng, m, today = self.rng, self.municipality, self.today
        cprs = set()
        children, guardians, families = [], [], []  # families[i]: guardian indexes of child i
        for i in range(self.n_children):
            birth = today - timedelta(days=rng.randrange(18 * 365))
            cpr = fictitious_cpr(birth, rng)
            while cpr in cprs:
                cpr = fictitious_cpr(birth, rng)
            cprs.add(cpr)
            if i and rng.random() < 0.25:
                # A sibling of the previous child: same parents, same last name.
                family = families[-1]
                last_name = children[-1].last_name
            else:
                last_name = rng.choice(LAST_NAMES)
                family = [len(guardians)]
                guardians.append(
                    Guardian(municipality=m, first_name=rng.choice(GIRLS), last_name=last_name)
                )
                if rng.random() < 0.85:
                    family.append(len(guardians))
                    guardians.append(
                        Guardian(municipality=m, first_name=rng.choice(BOYS), last_name=last_name)
                    )
            families.append(family)
            children.append(
                Child(
                    municipality=m,
                    first_name=rng.choice(GIRLS if rng.random() < 0.5 else BOYS),
                    last_name=last_name,
                    cpr=cpr,
                    birth_date=birth,
                )
            )
        self.log_step(f"{len(children)} children and {len(guardians)} guardians generated")
        Child.objects.bulk_create(children, batch_size=BATCH)
        Guardian.objects.bulk_create(guardians, batch_size=BATCH)
        Guardianship.objects.bulk_create(
            (
                Guardianship(
                    child_id=child.pk,
                    guardian_id=guardians[g].pk,
                    has_custody=rng.random() < 0.97,
                )
                for child, family in zip(children, families, strict=True)
                for g in family
            ),
            batch_size=BATCH,
        )
        self.children = children
        self.first_guardian = [guardians[family[0]].pk for family in families]
        self.summary["children"] = len(children)
        self.summary["guardians"] = len(guardians)
        self.log_step("children, guardians and guardianships saved")

    # --- one current enrolment per child ------------------------------------------------------

    def _enrolments(self):
        rng = self.rng
        units = self.units
        buckets = defaultdict(list)  # (unit, room kind) -> children
        self.placement = {}  # child pk -> unit
        self.grade = {}  # child pk -> school grade (negative before school)
        no_group = []
        for child in self.children:
            grade = self.school_year.year - child.birth_date.year - 6
            self.grade[child.pk] = grade
            age = child.age_on(self.today)
            if 0 <= grade <= 9:
                key = (rng.choice(units[UnitType.SCHOOL]), grade)
            elif grade > 9:
                key = (rng.choice(units[UnitType.YOUTH_CLUB]), "club")
            elif age < 1:
                unit = rng.choice(units[UnitType.HEALTH_VISITING])
                no_group.append((child, unit))
                self.placement[child.pk] = unit
                continue
            elif age < 3:
                unit_type = rng.choices(
                    (UnitType.CHILDMINDING, UnitType.NURSERY, UnitType.INTEGRATED), (20, 45, 35)
                )[0]
                key = (rng.choice(units[unit_type]), "small")
            else:
                unit_type = rng.choices((UnitType.KINDERGARTEN, UnitType.INTEGRATED), (60, 40))[0]
                key = (rng.choice(units[unit_type]), "big")
            buckets[key].append(child)
            self.placement[child.pk] = key[0]

        groups, members = [], []  # members[i]: the children of groups[i]
        for (unit, kind), children in buckets.items():
            if unit.type == UnitType.SCHOOL:
                count = ceil(len(children) / 26)
                letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                names = [f"{kind}.{letters[j] if j < 26 else j + 1}" for j in range(count)]
                group_kind = GroupKind.CLASS
            elif unit.type == UnitType.CHILDMINDING:
                count = ceil(len(children) / 4)
                names = [f"Dagplejegruppe {j + 1}" for j in range(count)]
                group_kind = GroupKind.CHILDMINDER
            elif unit.type == UnitType.YOUTH_CLUB:
                count = ceil(len(children) / 30)
                names = [f"Ungdomsklub {j + 1}" for j in range(count)]
                group_kind = GroupKind.OTHER
            else:
                count = ceil(len(children) / (12 if kind == "small" else 22))
                prefix = "Stue"
                if unit.type == UnitType.INTEGRATED:
                    prefix = "Vuggestuestue" if kind == "small" else "Børnehavestue"
                names = [f"{prefix} {j + 1}" for j in range(count)]
                group_kind = GroupKind.ROOM
            start = len(groups)
            groups.extend(Group(unit=unit, name=name, kind=group_kind) for name in names)
            members.extend([] for _ in names)
            for j, child in enumerate(children):
                members[start + j % count].append(child)
        # Groups without enrolled children: SFO rooms and the family department's teams.
        for sfo in units[UnitType.AFTER_SCHOOL]:
            for grade in range(4):
                groups.append(Group(unit=sfo, name=f"SFO {grade}. klasse", kind=GroupKind.ROOM))
                members.append([])
        family = units[UnitType.SOCIAL_AUTHORITY][0]
        for name in [f"Børneteam {d}" for d in DISTRICTS] + ["Ungeteam", "Handicapteam"]:
            groups.append(Group(unit=family, name=name, kind=GroupKind.TEAM))
            members.append([])
        Group.objects.bulk_create(groups, batch_size=BATCH)
        self.groups_by_unit_type = defaultdict(list)
        self.classes_by_school = defaultdict(list)
        for group in groups:
            self.groups_by_unit_type[group.unit.type].append(group)
            if group.unit.type == UnitType.SCHOOL:
                self.classes_by_school[group.unit_id].append(group)
        self.teams = [g for g in groups if g.kind == GroupKind.TEAM]

        enrolments = [
            Enrolment(
                child_id=child.pk, unit_id=unit.pk, start=max(child.birth_date, self.school_year)
            )
            for child, unit in no_group
        ]
        for group, children in zip(groups, members, strict=True):
            enrolments.extend(
                Enrolment(
                    child_id=child.pk,
                    unit_id=group.unit_id,
                    group_id=group.pk,
                    start=max(child.birth_date, self.school_year),
                )
                for child in children
            )
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        self.summary["groups"] = len(groups)
        self.summary["enrolments"] = len(enrolments)
        self.log_step(f"{len(groups)} groups and classes, {len(enrolments)} enrolments")

    # --- staff ----------------------------------------------------------------------------------

    def _staff(self):
        rng, units = self.rng, self.units
        n_staff = self.n_staff

        def share(fraction):
            return max(1, round(n_staff * fraction))

        specs = []  # (role, title, units, groups)
        family, intake = units[UnitType.SOCIAL_AUTHORITY][0], units[UnitType.INTAKE][0]
        for i in range(share(0.02)):
            on_intake = [intake] if i % 3 == 0 else []
            specs.append(
                (Role.SOCIAL_WORKER, None, [family, *on_intake], [self.teams[i % len(self.teams)]])
            )
        for _ in range(share(0.002)):
            specs.append((Role.TEAM_LEADER, None, [family, intake], []))
        for role, fraction, unit_type in (
            (Role.PPR_PSYCHOLOGIST, 0.008, UnitType.PPR),
            (Role.SPEECH_CONSULTANT, 0.002, UnitType.PPR),
            (Role.HEALTH_VISITOR, 0.006, UnitType.HEALTH_VISITING),
            (Role.SSP_CONSULTANT, 0.001, UnitType.SSP),
            (Role.UU_COUNSELLOR, 0.002, UnitType.YOUTH_GUIDANCE),
            (Role.RESOURCE_PAEDAGOG, 0.004, UnitType.SCHOOL),
        ):
            for i in range(share(fraction)):
                specs.append((role, None, [units[unit_type][i % len(units[unit_type])]], []))
        for unit_type in (
            *DAYCARE_TYPES,
            UnitType.HEALTH_VISITING,
            UnitType.SCHOOL,
            UnitType.AFTER_SCHOOL,
            UnitType.YOUTH_CLUB,
        ):
            title = LEADER_TITLES.get(unit_type, "Dagtilbudsleder")
            specs.extend((Role.LEADER, title, [unit], []) for unit in units[unit_type])
        specs = specs[:n_staff]

        # One childminder per childminder group, then one pedagogue or teacher per room, class,
        # SFO group and club group (in random order, as far as the staff goes). Teachers also
        # teach one or two more classes of their school.
        childminder_groups = self.groups_by_unit_type[UnitType.CHILDMINDING]
        for group in childminder_groups[: max(0, n_staff - len(specs))]:
            specs.append((Role.CHILDMINDER, None, [group.unit], [group]))
        pool = [
            group
            for unit_type in (
                UnitType.NURSERY,
                UnitType.KINDERGARTEN,
                UnitType.INTEGRATED,
                UnitType.SCHOOL,
                UnitType.AFTER_SCHOOL,
                UnitType.YOUTH_CLUB,
            )
            for group in self.groups_by_unit_type[unit_type]
        ]
        rng.shuffle(pool)
        for i in range(max(0, n_staff - len(specs)) if pool else 0):
            group = pool[i % len(pool)]
            unit = group.unit
            if unit.type == UnitType.SCHOOL:
                others = [c for c in self.classes_by_school[unit.pk] if c.pk != group.pk]
                extra = rng.sample(others, min(len(others), rng.randint(1, 2)))
                specs.append((Role.TEACHER, None, [unit], [group, *extra]))
            elif unit.type == UnitType.AFTER_SCHOOL:
                specs.append((Role.SFO_PAEDAGOG, None, [unit], [group]))
            else:
                specs.append((Role.PAEDAGOG, None, [unit], [group]))

        password = make_password(DEMO_PASSWORD)  # hashed once, the same for every account
        counters = Counter()
        users = []
        for role, _, _, _ in specs:
            counters[role] += 1
            username = f"skala-{role.value.replace('_', '-')}-{counters[role]:04d}"
            users.append(
                User(
                    username=username,
                    first_name=rng.choice(GIRLS + BOYS),
                    last_name=rng.choice(LAST_NAMES),
                    email=f"{username}@skala.trivsel.invalid",
                    municipality=self.municipality,
                    password=password,
                )
            )
        User.objects.bulk_create(users, batch_size=BATCH)
        profiles = StaffProfile.objects.bulk_create(
            [
                StaffProfile(user=user, title=title or TITLES[role], roles=[role])
                for user, (role, title, _, _) in zip(users, specs, strict=True)
            ],
            batch_size=BATCH,
        )
        unit_link, group_link = StaffProfile.units.through, StaffProfile.groups.through
        unit_link.objects.bulk_create(
            (
                unit_link(staffprofile_id=profile.pk, unit_id=unit.pk)
                for profile, (_, _, staff_units, _) in zip(profiles, specs, strict=True)
                for unit in staff_units
            ),
            batch_size=BATCH,
        )
        group_link.objects.bulk_create(
            (
                group_link(staffprofile_id=profile.pk, group_id=group.pk)
                for profile, (_, _, _, staff_groups) in zip(profiles, specs, strict=True)
                for group in staff_groups
            ),
            batch_size=BATCH,
        )
        # What staff_access_groups_sync does per person (the m2m signal does not fire for
        # bulk_create), set-based: one auth group per unit and group, and the memberships.
        wanted = [
            {unit_access_group_name(u.pk) for u in staff_units}
            | {group_access_group_name(g.pk) for g in staff_groups}
            for _, _, staff_units, staff_groups in specs
        ]
        auth_groups = access_groups_by_name(set().union(*wanted))
        membership = User.groups.through
        membership.objects.bulk_create(
            (
                membership(user_id=user.pk, group_id=auth_groups[name].pk)
                for user, names in zip(users, wanted, strict=True)
                for name in names
            ),
            batch_size=BATCH,
        )

        self.staff_by_role = defaultdict(list)
        self.staff_by_unit = defaultdict(list)
        for user, (role, _, staff_units, _) in zip(users, specs, strict=True):
            self.staff_by_role[role].append(user)
            for unit in staff_units:
                self.staff_by_unit[unit.pk].append((role, user))
        self.summary["staff"] = len(users)
        self.log_step(
            f"{len(users)} staff: "
            + ", ".join(f"{count} {role.value}" for role, count in counters.most_common())
        )

    # --- grants ----------------------------------------------------------------------------------

    def _grants(self):
        ids = sorted(child.pk for child in self.children)
        chunks = _chunks(ids, GRANT_CHUNK)
        for number, chunk in enumerate(chunks, 1):
            grants_rebuild(child_ids=chunk)
            if number % 10 == 0 or number == len(chunks):
                self.log_step(f"grants built for {min(number * GRANT_CHUNK, len(ids))} children")
        skala = {"content_object__municipality": self.municipality}
        self.summary["user grants"] = ChildUserObjectPermission.objects.filter(**skala).count()
        self.summary["group grants"] = ChildGroupObjectPermission.objects.filter(**skala).count()
