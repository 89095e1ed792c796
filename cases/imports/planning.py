"""What an import file would do, decided without writing: for each kind a planner compares the
rows with the municipality's records and returns a Plan — what would be created, changed and
ended, which rows cannot be taken (row number and a Danish reason) — and the function that
applies it (services.py calls it inside the import's one transaction).

People are matched by CPR number within the municipality, staff by e-mail address, units and
groups by their external id or else by name, always within the municipality: another
municipality's units are never candidates."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.organisation.models import Group, Role, Unit, User
from trivsel.organisation.services import UNCHANGED, staff_provision

from ..access import grants_rebuild
from ..cpr import cpr_birth_date, cpr_mask, cpr_normalise
from ..models import (
    Child,
    DataKind,
    Enrolment,
    Guardian,
    Guardianship,
    ImportKind,
    TimelineEntry,
    TimelineKind,
)
from .reading import FileProblem

# A preview lists at most this many lines of each kind; the counts are always complete.
PREVIEW_LINES = 200
YES = {"ja", "j", "x", "1", "true", "sand", "yes"}
NO = {"nej", "n", "0", "false", "falsk", "no", ""}
DATE_FORMATS = ("%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y")


@dataclass
class Line:
    row: int | None
    text: str


@dataclass
class Plan:
    kind: str
    rows: int = 0
    unchanged: int = 0
    creates: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    ends: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # Called with the actor (None for the nightly sync) inside the import's transaction.
    apply: object = None

    def reject(self, row, text):
        self.errors.append(Line(row, text))

    @property
    def counts(self):
        return {
            "rows": self.rows,
            "created": len(self.creates),
            "changed": len(self.changes),
            "ended": len(self.ends),
            "unchanged": self.unchanged,
            "rejected": len(self.errors),
        }


# Each kind: the columns it needs (a tuple: any one of them), the columns it may have.
COLUMNS = {
    ImportKind.CHILDREN: {
        "required": ["cpr", "fornavn", "efternavn"],
        "optional": ["adresse"],
    },
    ImportKind.GUARDIANS: {
        "required": ["barn_cpr", "cpr", "fornavn", "efternavn", "foraeldremyndighed"],
        "optional": ["email", "telefon"],
    },
    ImportKind.ENROLMENTS: {
        "required": ["cpr", ("enhed", "enhed_id"), "fra"],
        "optional": ["gruppe", "gruppe_id", "til", "fornavn", "efternavn", "adresse"],
    },
    ImportKind.STAFF: {
        "required": ["email", "fornavn", "efternavn", "roller"],
        "optional": ["titel", "enheder", "grupper"],
    },
}
# Other spellings of the same column.
ALIASES = {
    "cpr_nummer": "cpr",
    "cpr_nr": "cpr",
    "barnets_cpr": "barn_cpr",
    "e_mail": "email",
    "mail": "email",
    "telefonnummer": "telefon",
    "enhedsnavn": "enhed",
    "klasse": "gruppe",
    "stue": "gruppe",
    "startdato": "fra",
    "slutdato": "til",
    "rolle": "roller",
}


def columns_check(kind, table):
    """Refuse the file when a column the kind needs is missing; name every missing one."""
    for row in table.rows:
        for alias, name in ALIASES.items():
            if alias in row[1] and name not in row[1]:
                row[1][name] = row[1].pop(alias)
    present = {ALIASES.get(c, c) for c in table.columns}
    missing = []
    for need in COLUMNS[kind]["required"]:
        options = need if isinstance(need, tuple) else (need,)
        if not present & set(options):
            missing.append(" eller ".join(f"»{o}«" for o in options))
    if missing:
        raise FileProblem(
            _("The file lacks the column %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(missing)}
        )
    return present


def plan_build(*, kind, municipality, table, today=None, actor=None):
    today = today or timezone.localdate()
    present = columns_check(kind, table)
    planner = {
        ImportKind.CHILDREN: _plan_children,
        ImportKind.GUARDIANS: _plan_guardians,
        ImportKind.ENROLMENTS: _plan_enrolments,
        ImportKind.STAFF: _plan_staff,
    }[kind]
    plan = Plan(kind=kind, rows=len(table.rows))
    planner(plan, municipality=municipality, table=table, present=present, today=today, actor=actor)
    return plan


# --- reading one value -------------------------------------------------------------------------


class RowProblem(Exception):
    pass


def _cpr(value, column="cpr"):
    digits = value.replace("-", "").replace(" ", "")
    if digits.isdigit() and len(digits) == 9:
        # A spreadsheet that took the number for a number dropped its leading zero.
        digits = "0" + digits
    try:
        return cpr_normalise(digits)
    except ValueError:
        raise RowProblem(
            _(
                "The CPR number in »%(column)s« is not valid: ten digits, the first six a real "
                "date (DDMMYY)."
            )
            % {"column": column}
        ) from None


def _date(value, column):
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise RowProblem(
        _("»%(value)s« in »%(column)s« is not a date (write it as DD.MM.YYYY).")
        % {"value": value[:30], "column": column}
    )


def _text(values, column, *, required=True, max_length=100):
    value = values.get(column, "").strip()
    if required and not value:
        raise RowProblem(_("»%(column)s« is empty.") % {"column": column})
    if len(value) > max_length:
        raise RowProblem(
            _("»%(column)s« is longer than %(max)s characters.")
            % {"column": column, "max": max_length}
        )
    return value


def _name(first, last):
    return f"{first} {last}".strip()


class UnitIndex:
    """The municipality's units and groups by external id and by name (case-insensitive)."""

    def __init__(self, municipality):
        units = list(
            Unit.objects.filter(municipality=municipality).only("pk", "name", "external_id")
        )
        self.units_by_id = {u.pk: u for u in units}
        self.by_name = {u.name.casefold(): u for u in units}
        self.by_external = {u.external_id: u for u in units if u.external_id}
        groups = list(
            Group.objects.filter(unit__municipality=municipality).only(
                "pk", "name", "external_id", "unit_id"
            )
        )
        self.groups_by_id = {g.pk: g for g in groups}
        self.group_by_name = {(g.unit_id, g.name.casefold()): g for g in groups}
        self.group_by_external = {(g.unit_id, g.external_id): g for g in groups if g.external_id}

    def unit(self, *, external_id="", name=""):
        unit = None
        if external_id:
            unit = self.by_external.get(external_id)
        if unit is None and name:
            unit = self.by_name.get(name.casefold())
        if unit is None:
            raise RowProblem(
                _("Unknown unit »%(unit)s«: no unit of the municipality has that id or name.")
                % {"unit": (name or external_id)[:100]}
            )
        return unit

    def group(self, unit, *, external_id="", name=""):
        group = None
        if external_id:
            group = self.group_by_external.get((unit.pk, external_id))
        if group is None and name:
            group = self.group_by_name.get((unit.pk, name.casefold()))
        if group is None:
            raise RowProblem(
                _("Unknown group »%(group)s« in %(unit)s.")
                % {"group": (name or external_id)[:100], "unit": unit.name}
            )
        return group


# --- children ----------------------------------------------------------------------------------


def _plan_children(plan, *, municipality, table, present, today, actor):
    existing = {
        row["cpr"]: row
        for row in Child.objects.filter(municipality=municipality).values(
            "pk", "cpr", "first_name", "last_name", "address"
        )
    }
    with_address = "adresse" in present
    seen = {}
    new, changed = [], []
    for number, values in table.rows:
        try:
            cpr = _cpr(values.get("cpr", ""))
            first = _text(values, "fornavn")
            last = _text(values, "efternavn")
            address = _text(values, "adresse", required=False, max_length=200)
        except RowProblem as problem:
            plan.reject(number, str(problem))
            continue
        if cpr in seen:
            plan.reject(number, _duplicate(seen[cpr]))
            continue
        seen[cpr] = number
        have = existing.get(cpr)
        who = f"{_name(first, last)} ({cpr_mask(cpr)})"
        if have is None:
            plan.creates.append(Line(number, _("New child: %(who)s") % {"who": who}))
            new.append((cpr, first, last, address))
            continue
        wanted = {"first_name": first, "last_name": last}
        if with_address:
            wanted["address"] = address
        differs = {k: v for k, v in wanted.items() if have[k] != v}
        if differs:
            plan.changes.append(Line(number, _("Changed: %(who)s") % {"who": who}))
            changed.append((have["pk"], differs))
        else:
            plan.unchanged += 1

    def apply(actor):
        Child.objects.bulk_create(
            [
                Child(
                    municipality=municipality,
                    cpr=cpr,
                    birth_date=cpr_birth_date(cpr),
                    first_name=first,
                    last_name=last,
                    address=address,
                )
                for cpr, first, last, address in new
            ],
            batch_size=2000,
        )
        _bulk_set(Child, changed)
        return set()  # names and addresses give no access

    plan.apply = apply


def _duplicate(first_row):
    return _("The row repeats row %(row)s.") % {"row": first_row}


def _bulk_set(model, changes):
    """[(pk, {field: value})] → one UPDATE per batch per set of fields."""
    by_fields = {}
    for pk, values in changes:
        by_fields.setdefault(tuple(sorted(values)), []).append((pk, values))
    for fields, items in by_fields.items():
        objects = [model(pk=pk, **values) for pk, values in items]
        model.objects.bulk_update(objects, list(fields), batch_size=1000)


# --- guardians ---------------------------------------------------------------------------------


class NoCustody(RowProblem):
    pass


def _custody(value):
    value = value.strip().casefold()
    if value in YES:
        return True
    if value in NO:
        raise NoCustody(
            _(
                "The guardian has no custody (»foraeldremyndighed« is not »ja«): only holders of "
                "custody are imported."
            )
        )
    raise RowProblem(
        _("»foraeldremyndighed« must be »ja« or »nej«, not »%(value)s«.") % {"value": value[:20]}
    )


def _plan_guardians(plan, *, municipality, table, present, today, actor):
    children = dict(Child.objects.filter(municipality=municipality).values_list("cpr", "pk"))
    guardians = {
        g["cpr"]: g
        for g in Guardian.objects.filter(municipality=municipality)
        .exclude(cpr="")
        .values("pk", "cpr", "first_name", "last_name", "email", "phone")
    }
    custody = {
        (g["child_id"], g["guardian_id"]): g
        for g in Guardianship.objects.filter(child__municipality=municipality).values(
            "pk", "child_id", "guardian_id", "has_custody", "guardian__cpr"
        )
    }
    optional = [c for c in ("email", "telefon") if c in present]
    seen, protected_children, no_longer = {}, set(), set()
    wanted_pairs = set()  # (child id, guardian cpr)
    new_guardians, guardian_changes, new_custody, custody_on = {}, {}, [], []
    for number, values in table.rows:
        try:
            child_cpr = _cpr(values.get("barn_cpr", ""), "barn_cpr")
        except RowProblem as problem:
            plan.reject(number, str(problem))
            continue
        child_id = children.get(child_cpr)
        try:
            if child_id is None:
                raise RowProblem(
                    _("Unknown child %(cpr)s: import the children first.")
                    % {"cpr": cpr_mask(child_cpr)}
                )
            cpr = _cpr(values.get("cpr", ""))
            first = _text(values, "fornavn")
            last = _text(values, "efternavn")
            email = _text(values, "email", required=False, max_length=254)
            phone = _text(values, "telefon", required=False, max_length=20)
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    raise RowProblem(
                        _("»%(value)s« is not an e-mail address.") % {"value": email[:60]}
                    ) from None
            _custody(values.get("foraeldremyndighed", ""))
        except RowProblem as problem:
            if isinstance(problem, NoCustody):
                no_longer.add(child_id)
            elif child_id is not None:
                # Its custody is left as it is rather than ended for a typing error (a guardian
                # the file says has no custody is, like one it leaves out, no longer a holder).
                protected_children.add(child_id)
            plan.reject(number, str(problem))
            continue
        if (child_cpr, cpr) in seen:
            plan.reject(number, _duplicate(seen[(child_cpr, cpr)]))
            continue
        seen[(child_cpr, cpr)] = number
        wanted_pairs.add((child_id, cpr))
        who = f"{_name(first, last)} ({cpr_mask(cpr)})"
        wanted = {"first_name": first, "last_name": last}
        if "email" in optional:
            wanted["email"] = email
        if "telefon" in optional:
            wanted["phone"] = phone
        have = guardians.get(cpr)
        if have is None:
            if cpr not in new_guardians:
                new_guardians[cpr] = wanted
                plan.creates.append(Line(number, _("New guardian: %(who)s") % {"who": who}))
        else:
            differs = {k: v for k, v in wanted.items() if have[k] != v}
            if differs and have["pk"] not in guardian_changes:
                guardian_changes[have["pk"]] = differs
                plan.changes.append(Line(number, _("Changed: %(who)s") % {"who": who}))
        link = custody.get((child_id, have["pk"])) if have else None
        child_text = cpr_mask(child_cpr)
        if link is None:
            new_custody.append((child_id, cpr))
            plan.creates.append(
                Line(
                    number,
                    _("Custody: %(who)s for the child %(child)s")
                    % {"who": who, "child": child_text},
                )
            )
        elif not link["has_custody"]:
            custody_on.append(link["pk"])
            plan.changes.append(
                Line(
                    number,
                    _("Custody again: %(who)s for the child %(child)s")
                    % {"who": who, "child": child_text},
                )
            )
        elif have and have["pk"] not in guardian_changes:
            plan.unchanged += 1
    # Custody of an imported guardian that the file no longer names, for the children it names.
    children_in_file = {child_id for child_id, _cpr_ in wanted_pairs} | no_longer
    children_in_file -= protected_children
    cpr_of_child = {pk: cpr for cpr, pk in children.items() if pk in children_in_file}
    custody_off = []
    for (child_id, _guardian_id), link in custody.items():
        if (
            child_id in children_in_file
            and link["has_custody"]
            and link["guardian__cpr"]
            and (child_id, link["guardian__cpr"]) not in wanted_pairs
        ):
            custody_off.append((link["pk"], child_id))
            plan.ends.append(
                Line(
                    None,
                    _("Custody ends: %(who)s for the child %(child)s")
                    % {
                        "who": cpr_mask(link["guardian__cpr"]),
                        "child": cpr_mask(cpr_of_child[child_id]),
                    },
                )
            )

    def apply(actor):
        created = Guardian.objects.bulk_create(
            [Guardian(municipality=municipality, cpr=cpr, **w) for cpr, w in new_guardians.items()]
        )
        ids = {g["cpr"]: g["pk"] for g in guardians.values()} | {g.cpr: g.pk for g in created}
        _bulk_set(Guardian, list(guardian_changes.items()))
        Guardianship.objects.bulk_create(
            [
                Guardianship(child_id=child_id, guardian_id=ids[cpr], has_custody=True)
                for child_id, cpr in new_custody
            ]
        )
        Guardianship.objects.filter(pk__in=custody_on).update(has_custody=True)
        Guardianship.objects.filter(pk__in=[pk for pk, _c in custody_off]).update(has_custody=False)
        # A guardian's login sees the child through her custody (the engine's guardian grants).
        affected = {child_id for child_id, _cpr_ in new_custody}
        affected |= {child_id for _pk, child_id in custody_off}
        affected |= set(
            Guardianship.objects.filter(pk__in=custody_on).values_list("child_id", flat=True)
        )
        return affected

    plan.apply = apply


# --- enrolments --------------------------------------------------------------------------------


@dataclass
class _Wanted:
    row: int
    cpr: str
    unit: Unit
    group: Group | None
    start: date
    end: date | None


def _plan_enrolments(plan, *, municipality, table, present, today, actor):
    index = UnitIndex(municipality)
    children = {
        cpr: pk
        for cpr, pk in Child.objects.filter(municipality=municipality).values_list("cpr", "pk")
    }
    wanted, new_children = {}, {}
    protected, scope_units = set(), set()
    for number, values in table.rows:
        try:
            cpr = _cpr(values.get("cpr", ""))
        except RowProblem as problem:
            plan.reject(number, str(problem))
            continue
        try:
            unit = index.unit(external_id=values.get("enhed_id", ""), name=values.get("enhed", ""))
            scope_units.add(unit.pk)
            group = None
            if values.get("gruppe") or values.get("gruppe_id"):
                group = index.group(
                    unit, external_id=values.get("gruppe_id", ""), name=values.get("gruppe", "")
                )
            start = _date(_text(values, "fra", max_length=30), "fra")
            end = _date(values["til"], "til") if values.get("til") else None
            if end is not None and end < start:
                raise RowProblem(_("»til« is before »fra«."))
            if cpr not in children and cpr not in new_children:
                if not (values.get("fornavn") and values.get("efternavn")):
                    raise RowProblem(
                        _(
                            "Unknown child %(cpr)s: give »fornavn« and »efternavn«, or import the "
                            "children first."
                        )
                        % {"cpr": cpr_mask(cpr)}
                    )
                new_children[cpr] = (
                    _text(values, "fornavn"),
                    _text(values, "efternavn"),
                    _text(values, "adresse", required=False, max_length=200),
                    number,
                )
        except RowProblem as problem:
            # The child's current enrolments are left as they are rather than ended for a typo.
            protected.add(cpr)
            plan.reject(number, str(problem))
            continue
        key = (cpr, unit.pk, group.pk if group else None)
        if key in wanted:
            plan.reject(number, _duplicate(wanted[key].row))
            continue
        wanted[key] = _Wanted(number, cpr, unit, group, start, end)

    for cpr, (first, last, _address, number) in new_children.items():
        plan.creates.append(
            Line(
                number, _("New child: %(who)s") % {"who": f"{_name(first, last)} ({cpr_mask(cpr)})"}
            )
        )

    # Current enrolments in the units the file covers: what the file no longer lists ends.
    current = (
        Enrolment.objects.filter(unit_id__in=scope_units, child__municipality=municipality)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("pk", "child_id", "child__cpr", "unit_id", "group_id", "start", "end")
        .order_by("pk")
    )
    existing = {}
    for pk, child_id, cpr, unit_id, group_id, start, end in current.iterator(chunk_size=10000):
        existing.setdefault((cpr, unit_id, group_id), (pk, child_id, start, end))

    creates, changes, ends = [], [], []
    for key, want in wanted.items():
        have = existing.get(key)
        place = _place(want.unit, want.group)
        if have is None:
            if want.end is not None and want.end < today:
                plan.unchanged += 1  # over already: nothing to give access to
                continue
            creates.append(want)
            plan.creates.append(
                Line(
                    want.row,
                    _("Enrolment: %(cpr)s in %(place)s from %(start)s")
                    % {"cpr": cpr_mask(want.cpr), "place": place, "start": _d(want.start)},
                )
            )
        elif (have[2], have[3]) != (want.start, want.end):
            changes.append((have[0], have[1], want))
            plan.changes.append(
                Line(
                    want.row,
                    _("Changed: %(cpr)s in %(place)s, %(old)s → %(new)s")
                    % {
                        "cpr": cpr_mask(want.cpr),
                        "place": place,
                        "old": _period(have[2], have[3]),
                        "new": _period(want.start, want.end),
                    },
                )
            )
        else:
            plan.unchanged += 1
    for key, (pk, child_id, start, end) in existing.items():
        if key in wanted or key[0] in protected:
            continue
        # Ends on the import date (the whole day included, as every end date); an enrolment
        # that has not begun yet ends on its first day.
        new_end = max(today, start)
        if end is not None and end <= new_end:
            continue
        ends.append((pk, child_id, key[1], new_end))
        unit = index.units_by_id[key[1]]
        group = index.groups_by_id.get(key[2])
        plan.ends.append(
            Line(
                None,
                _("Ends: %(cpr)s in %(place)s on %(end)s")
                % {"cpr": cpr_mask(key[0]), "place": _place(unit, group), "end": _d(new_end)},
            )
        )

    def apply(actor):
        made = Child.objects.bulk_create(
            [
                Child(
                    municipality=municipality,
                    cpr=cpr,
                    birth_date=cpr_birth_date(cpr),
                    first_name=first,
                    last_name=last,
                    address=address,
                )
                for cpr, (first, last, address, _number) in new_children.items()
            ],
            batch_size=2000,
        )
        child_ids = children | {c.cpr: c.pk for c in made}
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    child_id=child_ids[w.cpr],
                    unit=w.unit,
                    group=w.group,
                    start=w.start,
                    end=w.end,
                )
                for w in creates
            ],
            batch_size=2000,
        )
        _bulk_set(Enrolment, [(pk, {"start": w.start, "end": w.end}) for pk, _c, w in changes])
        _bulk_set(Enrolment, [(pk, {"end": new_end}) for pk, _c, _u, new_end in ends])
        now = timezone.now()
        entries = [
            TimelineEntry(
                child_id=child_ids[w.cpr],
                kind=TimelineKind.ENROLMENT,
                data_kind=DataKind.BASIC,
                actor=actor,
                at=now,
                text=_("Enrolled in %(unit)s from %(date)s")
                % {"unit": _place(w.unit, w.group), "date": _d(w.start)},
            )
            for w in creates
        ]
        entries += [
            TimelineEntry(
                child_id=child_id,
                kind=TimelineKind.ENROLMENT,
                data_kind=DataKind.BASIC,
                actor=actor,
                at=now,
                text=_("Enrolment in %(unit)s ends on %(date)s")
                % {"unit": index.units_by_id[unit_id].name, "date": _d(new_end)},
            )
            for _pk, child_id, unit_id, new_end in ends
        ]
        TimelineEntry.objects.bulk_create(entries, batch_size=2000)
        affected = {child_ids[w.cpr] for w in creates}
        affected |= {child_id for _pk, child_id, _w in changes}
        affected |= {child_id for _pk, child_id, _u, _e in ends}
        return affected

    plan.apply = apply


def _d(day):
    return day.strftime("%d.%m.%Y")


def _period(start, end):
    return f"{_d(start)}–{_d(end) if end else ''}"


def _place(unit, group):
    return f"{unit.name} · {group.name}" if group else unit.name


# --- staff -------------------------------------------------------------------------------------


def _roles(value):
    by_word = {}
    for role in Role:
        by_word[role.value] = role
        by_word[str(role.label).casefold()] = role
    roles, unknown = [], []
    for word in _split(value):
        role = by_word.get(word.casefold())
        if role is None:
            unknown.append(word)
        elif role not in roles:
            roles.append(role)
    if unknown:
        raise RowProblem(
            _("Unknown role »%(role)s«. The roles are: %(roles)s.")
            % {"role": unknown[0][:40], "roles": ", ".join(r.value for r in Role)}
        )
    if not roles:
        raise RowProblem(_("»roller« is empty: name at least one role."))
    return roles


def _split(value):
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def _plan_staff(plan, *, municipality, table, present, today, actor):
    index = UnitIndex(municipality)
    people = list(
        User.objects.filter(municipality=municipality)
        .select_related("staff_profile")
        .prefetch_related("staff_profile__units", "staff_profile__groups")
    )
    # By e-mail address, and by user name (the name an earlier import gave).
    users = {u.username.casefold(): u for u in people}
    users |= {u.email.casefold(): u for u in people if u.email}
    emails = {values.get("email", "").strip().casefold() for _number, values in table.rows}
    taken_elsewhere = set(
        User.objects.exclude(municipality=municipality)
        .annotate(name=Lower("username"))
        .filter(name__in=emails)
        .values_list("name", flat=True)
    )
    seen, work = {}, []
    for number, values in table.rows:
        try:
            email = _text(values, "email", max_length=150).casefold()
            try:
                validate_email(email)
            except ValidationError:
                raise RowProblem(
                    _("»%(value)s« is not an e-mail address.") % {"value": email[:60]}
                ) from None
            first = _text(values, "fornavn", max_length=150)
            last = _text(values, "efternavn", max_length=150)
            title = _text(values, "titel", required=False)
            roles = _roles(values.get("roller", ""))
            units = [index.unit(name=n, external_id=n) for n in _split(values.get("enheder", ""))]
            groups = []
            for spec in _split(values.get("grupper", "")):
                unit_name, _slash, group_name = spec.rpartition("/")
                if not unit_name:
                    raise RowProblem(
                        _("Write a group as »Unit/Group«, not »%(value)s«.") % {"value": spec[:60]}
                    )
                unit = index.unit(name=unit_name, external_id=unit_name)
                groups.append(index.group(unit, name=group_name, external_id=group_name))
            user = users.get(email)
            if user is None and email in taken_elsewhere:
                raise RowProblem(_("The e-mail address belongs to a user of another municipality."))
            if user is not None and (user.is_superuser or user == actor):
                raise RowProblem(
                    _("Your own roles and a platform administrator's are not changed by an import.")
                )
        except RowProblem as problem:
            plan.reject(number, str(problem))
            continue
        if email in seen:
            plan.reject(number, _duplicate(seen[email]))
            continue
        seen[email] = number
        who = f"{_name(first, last)} ({email})"
        profile = user.staff_profile_or_none if user else None
        if user is None:
            plan.creates.append(Line(number, _("New staff member: %(who)s") % {"who": who}))
        else:
            same = (
                (user.first_name, user.last_name) == (first, last)
                and profile is not None
                and profile.title == (title if "titel" in present else profile.title)
                and list(profile.roles) == roles
                and {u.pk for u in profile.units.all()} == {u.pk for u in units}
                and {g.pk for g in profile.groups.all()} == {g.pk for g in groups}
                and user.is_active
            )
            if same:
                plan.unchanged += 1
                continue
            plan.changes.append(Line(number, _("Changed: %(who)s") % {"who": who}))
        work.append(
            (email, first, last, title if "titel" in present else None, roles, units, groups)
        )

    def apply(actor):
        for email, first, last, title, roles, units, groups in work:
            staff_provision(
                municipality=municipality,
                user=users.get(email),
                email=email,
                first_name=first,
                last_name=last,
                title=UNCHANGED if title is None else title,
                roles=roles,
                units=units,
                groups=groups,
                actor=actor,
            )
        # Staff see children through their units' and groups' auth groups, kept in step by the
        # organisation's signals: no child's grants change here.
        return set()

    plan.apply = apply


def grants_follow(child_ids):
    """Every child whose sources changed, rebuilt in one go (a handful of queries, however many)."""
    grants_rebuild(child_ids=child_ids)
