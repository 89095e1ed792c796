"""seed_scale_marks: two years of screening history for Skala Kommune, for the benchmarks
(DESIGN.md §8: 1,000,000 individual marks).

    python manage.py seed_scale_marks [--marks 1000000]

Only in demo/test mode, and only after seed_scale has built Skala Kommune. For every group with
enrolled children: four closed rounds over the last two years on the shipped form of the group's
sector, each with marks by 2–5 raters for every enrolled child and one joint assessment per child.
The raters are the group's own staff first, then colleagues of the same unit. The number of raters
per round is chosen so the marks add up to about --marks.

Then the two rounds the screening benchmark uses, on one school class of 28 children (children
are moved over from the school's other classes when needed): an open round (marks being given)
and a round in its joint session with the marks of five raters.

Everything is built set-based (bulk_create in batches) inside one transaction. A second run finds
the marks and does nothing."""

from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.access import grants_rebuild
from cases.management.scale_builder import ScaleBuilder, step_log
from cases.management.skala import SKALA_CODE
from cases.models import Enrolment
from cases.selectors import current_enrolments
from screening.defaults import install_default_templates
from screening.models import (
    FormTemplate,
    JointAssessment,
    Position,
    Rating,
    Round,
    RoundStatus,
    Sector,
)
from trivsel.organisation.backends import DEMO_PASSWORD
from trivsel.organisation.models import (
    Group,
    GroupKind,
    Municipality,
    Role,
    StaffProfile,
    UnitType,
    User,
)

BATCH = 10_000
ROUNDS_PER_GROUP = 4
ROUND_SPACING_DAYS = 182  # two rounds a year: autumn and spring
MIN_RATERS, MAX_RATERS = 2, 5
BENCH_CHILDREN = 28
BENCH_RATERS = 5

SECTOR_BY_UNIT_TYPE = {
    UnitType.HEALTH_VISITING: Sector.HEALTH_VISITING,
    UnitType.CHILDMINDING: Sector.EARLY_YEARS,
    UnitType.NURSERY: Sector.EARLY_YEARS,
    UnitType.KINDERGARTEN: Sector.KINDERGARTEN,
    UnitType.SCHOOL: Sector.SCHOOL,
    UnitType.AFTER_SCHOOL: Sector.SCHOOL,
    UnitType.YOUTH_CLUB: Sector.CLUB,
}
POSITIONS = (Position.GREEN, Position.YELLOW, Position.RED)
# How a child's position in the group is spread: most thrive, a few cause concern.
BASE_WEIGHTS = (78, 16, 6)
COMMENTS = (
    "Virker mere stille end før.",
    "Har fået nye venner i gruppen.",
    "Svært ved at falde til ro efter frokost.",
    "Deltager med stor lyst.",
    "Ofte træt om morgenen.",
    "Trækker sig fra fælles lege.",
    "God udvikling siden sidst.",
)
REFLECTIONS = {
    Position.YELLOW: "Vi er enige om at holde øje og tale med forældrene ved næste møde.",
    Position.RED: "Vi er bekymrede og tager barnet med i det tværfaglige team.",
}
PARENT_SUMMARY = "Vi vil gerne tale med jer om, hvordan jeres barn har det i hverdagen."


def skala():
    return Municipality.objects.filter(code=SKALA_CODE).first()


def benchmark_rounds():
    """(the open round, the round in its joint session) that seed_scale_marks made for the
    benchmark, or (None, None)."""
    rounds = Round.objects.filter(group__unit__municipality__code=SKALA_CODE).select_related(
        "group__unit"
    )
    return (
        rounds.filter(status=RoundStatus.RATING).order_by("pk").first(),
        rounds.filter(status=RoundStatus.JOINT).order_by("pk").first(),
    )


@contextmanager
def _explicit_timestamps(*fields):
    """Let bulk_create write the dates we give (history in the past) instead of now."""
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = (
        "Builds two years of screening history for Skala Kommune (about 1,000,000 individual "
        "marks) and the rounds of the screening benchmark. Demo/test mode only; run seed_scale "
        "first. Does nothing when Skala Kommune has marks already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--marks", type=int, default=1_000_000)

    def handle(self, *args, marks, **options):
        if not settings.DEMO_PASSWORD_ALLOWED:
            raise CommandError("seed_scale_marks only runs with TRIVSEL_MODE=demo or test.")
        if marks < 1:
            raise CommandError("--marks must be positive.")
        municipality = skala()
        if municipality is None or not municipality.units.exists():
            raise CommandError(
                "Skala Kommune does not exist: run `python manage.py seed_scale` first."
            )
        count = Rating.objects.filter(round__group__unit__municipality=municipality).count()
        if count:
            self.stdout.write(f"{municipality.name} has {count} marks already: nothing to do.")
            return
        builder = _Builder(municipality=municipality, marks=marks, log=step_log(self, options))
        builder.run(self.stdout, f"Screening history for {municipality.name} ready")


class _Builder(ScaleBuilder):
    seed = 998
    models = (Round, Rating, JointAssessment, Enrolment)

    def __init__(self, *, municipality, marks, log):
        super().__init__(log=log)
        self.municipality = municipality
        self.marks = marks

    def at(self, day, hour=12):
        return timezone.make_aware(datetime(day.year, day.month, day.day, hour))

    def build(self):
        install_default_templates(FormTemplate)
        self.templates = {
            t.sector: t for t in FormTemplate.objects.filter(municipality=None, version=1)
        }
        self._load()
        self._bench_class()
        self._history()
        self._bench_rounds()

    # --- what seed_scale built ------------------------------------------------------------------

    def _load(self):
        m = self.municipality
        self.children = defaultdict(list)  # group id -> enrolled child ids
        for group_id, child_id in (
            current_enrolments()
            .filter(group__unit__municipality=m)
            .order_by("group_id", "child_id")
            .values_list("group_id", "child_id")
        ):
            self.children[group_id].append(child_id)
        self.groups = {
            g.pk: g
            for g in Group.objects.filter(pk__in=self.children.keys()).select_related("unit")
        }
        self.group_staff = defaultdict(list)  # group id -> user ids (not leaders)
        self.unit_staff = defaultdict(list)  # unit id -> user ids (not leaders)
        self.leaders = defaultdict(list)  # unit id -> leader user ids
        for group_id, user_id, roles in (
            StaffProfile.groups.through.objects.filter(group__unit__municipality=m)
            .order_by("staffprofile__user_id")
            .values_list("group_id", "staffprofile__user_id", "staffprofile__roles")
        ):
            if Role.LEADER not in roles:
                self.group_staff[group_id].append(user_id)
        for unit_id, user_id, roles in (
            StaffProfile.units.through.objects.filter(unit__municipality=m)
            .order_by("staffprofile__user_id")
            .values_list("unit_id", "staffprofile__user_id", "staffprofile__roles")
        ):
            (self.leaders if Role.LEADER in roles else self.unit_staff)[unit_id].append(user_id)
        self.log_step(
            f"{len(self.groups)} groups with {sum(map(len, self.children.values()))} enrolled "
            "children"
        )

    def template_for(self, group):
        unit_type = group.unit.type
        if unit_type == UnitType.INTEGRATED:
            sector = Sector.EARLY_YEARS if "Vuggestue" in group.name else Sector.KINDERGARTEN
        else:
            sector = SECTOR_BY_UNIT_TYPE.get(unit_type)
        return self.templates.get(sector)

    def raters_pool(self, group):
        """The group's own staff first, then colleagues of the unit, then its leaders."""
        own = self.group_staff[group.pk]
        colleagues = [u for u in self.unit_staff[group.unit_id] if u not in own]
        self.rng.shuffle(colleagues)
        return own + colleagues + self.leaders[group.unit_id]

    def leader_of(self, group):
        leaders = self.leaders[group.unit_id]
        return leaders[0] if leaders else self.raters_pool(group)[0]

    # --- the benchmark's class: exactly 28 children ---------------------------------------------

    def _bench_class(self):
        school_classes = [
            g
            for g in self.groups.values()
            if g.unit.type == UnitType.SCHOOL and g.kind == GroupKind.CLASS
        ]
        if not school_classes:
            raise CommandError("Skala Kommune has no school class with enrolled children.")
        by_school = defaultdict(list)
        for group in school_classes:
            by_school[group.unit_id].append(group)

        def spare(group):  # children the school's other classes can give
            return sum(len(self.children[g.pk]) - 1 for g in by_school[group.unit_id] if g != group)

        candidates = [
            g
            for g in school_classes
            if len(self.children[g.pk]) <= BENCH_CHILDREN
            and len(self.children[g.pk]) + spare(g) >= BENCH_CHILDREN
        ]
        # The class with most of its own staff (the raters of the benchmark), then the fullest.
        group = min(
            candidates or school_classes,
            key=lambda g: (-len(self.group_staff[g.pk]), -len(self.children[g.pk]), g.pk),
        )
        grade = group.name.split(".")[0]
        donors = sorted(
            (g for g in by_school[group.unit_id] if g != group),
            # The same grade first, then the fullest classes.
            key=lambda g: (g.name.split(".")[0] != grade, -len(self.children[g.pk]), g.pk),
        )
        moved = []
        for donor in donors:
            while (
                len(self.children[group.pk]) < BENCH_CHILDREN and len(self.children[donor.pk]) > 1
            ):
                child_id = self.children[donor.pk].pop()
                Enrolment.objects.filter(
                    pk__in=current_enrolments().filter(child_id=child_id, group=donor).values("pk")
                ).update(group=group)
                self.children[group.pk].append(child_id)
                moved.append((child_id, donor.name))
        self.children[group.pk].sort()
        if moved:
            grants_rebuild(child_ids=[child_id for child_id, _ in moved])
        self.bench_group = group
        self.ensure_leader(group)
        self.summary["benchmark class"] = f"{group} ({len(self.children[group.pk])} children)"
        self.log_step(
            f"benchmark class: {group}, {len(self.children[group.pk])} children"
            + (
                f" ({len(moved)} moved from " + ", ".join(sorted({name for _, name in moved})) + ")"
                if moved
                else ""
            )
            + f", {len(self.group_staff[group.pk])} of its own staff"
        )

    def ensure_leader(self, group):
        """The benchmark opens the overview as the unit's leader: make one if there is none."""
        if self.leaders[group.unit_id]:
            return
        username = f"skala-leder-bench-{group.unit_id}"
        user = User.objects.create(
            username=username,
            first_name="Lene",
            last_name="Leder",
            email=f"{username}@skala.trivsel.invalid",
            municipality=self.municipality,
            password=make_password(DEMO_PASSWORD),
        )
        profile = StaffProfile.objects.create(user=user, title="Skoleleder", roles=[Role.LEADER])
        profile.units.add(group.unit)  # the signal adds the unit's access group
        self.leaders[group.unit_id].append(user.pk)
        self.log_step(f"leader {username} made for {group.unit}")

    # --- two years of closed rounds -------------------------------------------------------------

    def _history(self):
        rng = self.rng
        # The rounds to make, and how many raters each has, chosen so the marks add up to about
        # --marks: every round takes its share of what is left.
        plan = []  # (group, deadline, rater ids)
        groups = [
            g for g in sorted(self.groups.values(), key=lambda g: g.pk) if self.template_for(g)
        ]
        existing = Rating.objects.count()
        remaining = self.marks - existing - BENCH_CHILDREN * (2 * BENCH_RATERS - 1)
        child_rounds = ROUNDS_PER_GROUP * sum(len(self.children[g.pk]) for g in groups)
        for group in groups:
            n = len(self.children[group.pk])
            for i in range(ROUNDS_PER_GROUP):
                if remaining <= 0:
                    break
                share = remaining / child_rounds
                count = int(share) + (rng.random() < share - int(share))
                pool = self.raters_pool(group)
                count = max(MIN_RATERS, min(MAX_RATERS, count, len(pool)))
                count = min(count, len(pool))
                deadline = self.today - timedelta(days=45 + ROUND_SPACING_DAYS * i)
                plan.append((group, deadline, pool[:count]))
                remaining -= count * n
                child_rounds -= n
        self.log_step(f"{len(plan)} past rounds planned")

        opened_at = Round._meta.get_field("opened_at")
        updated_at = Rating._meta.get_field("updated_at")
        decided_at = JointAssessment._meta.get_field("decided_at")
        with _explicit_timestamps(opened_at, updated_at, decided_at):
            rounds = Round.objects.bulk_create(
                (
                    Round(
                        group=group,
                        template=self.template_for(group),
                        deadline=deadline,
                        status=RoundStatus.CLOSED,
                        opened_by_id=self.leader_of(group),
                        opened_at=self.at(deadline - timedelta(days=21), 9),
                        joint_started_at=self.at(deadline + timedelta(days=3), 13),
                        closed_at=self.at(deadline + timedelta(days=3), 15),
                    )
                    for group, deadline, _ in plan
                ),
                batch_size=BATCH,
            )
            self.log_step(f"{len(rounds)} rounds saved")
            ratings, assessments = [], []
            n_ratings = n_assessments = 0
            next_report = 100_000
            for round_, (group, _, raters) in zip(rounds, plan, strict=True):
                marked = self.at(round_.deadline - timedelta(days=2), 14)
                decided = round_.joint_started_at
                leader = self.leader_of(group)
                for child_id in self.children[group.pk]:
                    new_ratings, assessment = self.marks_for(
                        round_, child_id, raters, marked, decided, leader
                    )
                    ratings.extend(new_ratings)
                    assessments.append(assessment)
                if len(ratings) >= BATCH:
                    Rating.objects.bulk_create(ratings, batch_size=BATCH)
                    n_ratings += len(ratings)
                    ratings = []
                if len(assessments) >= BATCH:
                    JointAssessment.objects.bulk_create(assessments, batch_size=BATCH)
                    n_assessments += len(assessments)
                    assessments = []
                if n_ratings >= next_report:
                    self.log_step(f"{n_ratings} marks, {n_assessments} joint assessments")
                    next_report += 100_000
            Rating.objects.bulk_create(ratings, batch_size=BATCH)
            JointAssessment.objects.bulk_create(assessments, batch_size=BATCH)
            n_ratings += len(ratings)
            n_assessments += len(assessments)
        self.summary["past rounds"] = len(rounds)
        self.summary["past marks"] = n_ratings
        self.summary["past joint assessments"] = n_assessments
        self.log_step(f"{n_ratings} marks, {n_assessments} joint assessments saved")

    def marks_for(self, round_, child_id, raters, marked, decided, leader, *, agree=True):
        """Each rater's mark for one child (mostly the child's position, now and then one
        step off), and the agreed position: the most common mark, the more worrying on a tie."""
        rng = self.rng
        base = rng.choices(range(3), BASE_WEIGHTS)[0]
        ratings, counts = [], Counter()
        for rater_id in raters:
            step = base
            if rng.random() < 0.2:
                step = min(2, max(0, base + rng.choice((-1, 1))))
            counts[step] += 1
            ratings.append(
                Rating(
                    round_id=round_.pk,
                    child_id=child_id,
                    rater_id=rater_id,
                    position=POSITIONS[step],
                    comment=rng.choice(COMMENTS) if step or rng.random() < 0.05 else "",
                    updated_at=marked,
                )
            )
        if not agree:
            return ratings, None
        agreed = POSITIONS[max(counts, key=lambda s: (counts[s], s))] if counts else POSITIONS[base]
        worried = agreed != Position.GREEN
        return ratings, JointAssessment(
            round_id=round_.pk,
            child_id=child_id,
            position=agreed,
            reflection=REFLECTIONS.get(agreed, ""),
            parent_summary=PARENT_SUMMARY if worried else "",
            involve_parents=worried,
            decided_by_id=leader,
            decided_at=decided,
        )

    # --- the benchmark's open round and joint session -------------------------------------------

    def _bench_rounds(self):
        group = self.bench_group
        leader = self.leader_of(group)
        pool = self.group_staff[group.pk] + [
            u for u in self.unit_staff[group.unit_id] if u not in self.group_staff[group.pk]
        ]
        raters = pool[:BENCH_RATERS]
        if len(raters) < BENCH_RATERS:
            raise CommandError(f"{group.unit} has fewer than {BENCH_RATERS} staff to rate.")
        template = self.template_for(group)
        joint = Round.objects.create(
            group=group,
            template=template,
            deadline=self.today - timedelta(days=2),
            status=RoundStatus.JOINT,
            opened_by_id=leader,
            joint_started_at=timezone.now(),
        )
        open_round = Round.objects.create(
            group=group,
            template=template,
            deadline=self.today + timedelta(days=14),
            status=RoundStatus.RATING,
            opened_by_id=leader,
        )
        now = timezone.now()
        ratings, assessments = [], []
        for child_id in self.children[group.pk]:
            new_ratings, assessment = self.marks_for(joint, child_id, raters, now, now, leader)
            ratings.extend(new_ratings)
            assessments.append(assessment)
            # In the open round the other raters have marked already; the benchmark's rater
            # (the class's first own staff member) has not.
            ratings.extend(
                self.marks_for(open_round, child_id, raters[1:], now, now, leader, agree=False)[0]
            )
        Rating.objects.bulk_create(ratings, batch_size=BATCH)
        JointAssessment.objects.bulk_create(assessments, batch_size=BATCH)
        self.summary["benchmark rounds"] = f"open #{open_round.pk}, joint #{joint.pk}"
        self.log_step(
            f"benchmark rounds: open #{open_round.pk} and joint #{joint.pk} on {group} "
            f"({len(raters)} raters, {len(ratings)} marks)"
        )
