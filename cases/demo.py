"""Demo children, guardians and enrolments (seed_demo). Idempotent: a child that exists already
(same municipality and CPR number) is left as it is, with its guardians and enrolments.

The CPR numbers are generated: real birth dates, but sequence digits chosen so that every number
fails the old modulus-11 check — no real person's number has been issued that way in the demo."""

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from faker import Faker

from trivsel.organisation.backends import DEMO_PASSWORD
from trivsel.organisation.models import User

from . import services
from .access import grants_rebuild
from .handovers import services as handover_services
from .handovers.selectors import handover_consent_default_end
from .insight import services as insight_services
from .log_review import log_review_demo_seed
from .models import (
    Child,
    Consent,
    DataKind,
    Enrolment,
    Guardian,
    Guardianship,
    Handover,
    InsightRequest,
    LadderStep,
    Task,
    TransitionType,
)

# group key from organisation/demo.py (or a unit name), number of children, age range in years
DEMO_COHORTS = [
    ("Sundhedsplejen", 25, (0, 1)),
    ("Dagplejen Nord/Dagplejegruppe Birken", 10, (1, 3)),
    ("Vuggestuen Mælkebøtten/Myrestuen", 14, (1, 3)),
    ("Børnehuset Solsikken/Solstuen", 22, (3, 6)),
    ("Børnehuset Solsikken/Månestuen", 22, (3, 6)),
    ("Integreret institution Kastanjen/Egernstuen", 20, (2, 6)),
    ("Bakkeskolen/0.A", 24, (6, 7)),
    ("Bakkeskolen/3.B", 27, (9, 10)),
    ("Bakkeskolen/7.A", 26, (13, 14)),
    ("SFO Bakken/SFO 1", 40, (6, 9)),
    ("Klub Vestergade/Juniorklub", 30, (10, 14)),
    ("Bakkeskolen", 40, (7, 16)),  # pupils of other classes, enrolled in the school only
]
NEIGHBOUR_COHORTS = [("Børnehaven Kilden/Kildestuen", 20, (3, 6))]

MOD11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def fictitious_cpr(birth: date, rng: random.Random) -> str:
    # 7th digit 4-9 gives years 2000-2036 under the CPR century rules.
    while True:
        digits = birth.strftime("%d%m%y") + str(rng.randint(4, 9)) + f"{rng.randint(0, 999):03d}"
        if sum(int(d) * w for d, w in zip(digits, MOD11_WEIGHTS, strict=True)) % 11:
            return digits


def _place(key, context):
    if "/" in key:
        group = context["groups"].get(key) or context["neighbour_groups"][key]
        return group.unit, group
    return context["units"][key], None


def _seed_municipality(municipality, cohorts, context, *, fake, rng, today):
    existing = set(Child.objects.filter(municipality=municipality).values_list("cpr", flat=True))
    created_children = []
    for key, count, (min_age, max_age) in cohorts:
        unit, group = _place(key, context)
        for _ in range(count):
            birth = today - timedelta(days=rng.randint(min_age * 365 + 30, max_age * 365 + 300))
            cpr = fictitious_cpr(birth, rng)
            last_name = fake.last_name()
            first_name = fake.first_name()
            parents = [(fake.first_name_female(), last_name), (fake.first_name_male(), last_name)]
            if cpr in existing:
                continue
            existing.add(cpr)
            child = Child(
                municipality=municipality,
                first_name=first_name,
                last_name=last_name,
                cpr=cpr,
                birth_date=birth,
            )
            created_children.append((child, unit, group, parents))
    Child.objects.bulk_create([c for c, *_ in created_children])
    Enrolment.objects.bulk_create(
        Enrolment(
            child=child,
            unit=unit,
            group=group,
            start=max(child.birth_date, today.replace(month=8, day=1) - timedelta(days=365)),
        )
        for child, unit, group, _ in created_children
    )
    guardians = []
    for child, _, _, parents in created_children:
        for first, last in parents:
            guardians.append(
                (child, Guardian(municipality=municipality, first_name=first, last_name=last))
            )
    Guardian.objects.bulk_create([g for _, g in guardians])
    Guardianship.objects.bulk_create(Guardianship(child=c, guardian=g) for c, g in guardians)
    return created_children


def _link_demo_parent(context):
    """The `foraelder` login is a guardian of the first child in paedagog's group."""
    if Guardian.objects.filter(user__username="foraelder").exists():
        context["grants_built_before"] = True
        return
    demo = context["demo"]
    child = (
        Child.objects.filter(enrolments__group=context["groups"]["Børnehuset Solsikken/Solstuen"])
        .order_by("pk")
        .first()
    )
    guardian = child.guardians.order_by("pk").first()
    user, created = User.objects.get_or_create(
        username="foraelder",
        defaults={
            "municipality": demo,
            "first_name": guardian.first_name,
            "last_name": guardian.last_name,
            "email": "foraelder@demo.trivsel.invalid",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    guardian.user = user
    guardian.email = user.email
    guardian.save(update_fields=["user", "email"])


@transaction.atomic
def seed(context):
    # Fixed seeds: the same children every run, so existing ones are recognised and kept.
    fake = Faker("da_DK")
    fake.seed_instance(2026)
    rng = random.Random(2026)
    today = date(2026, 11, 1)
    _seed_municipality(context["demo"], DEMO_COHORTS, context, fake=fake, rng=rng, today=today)
    _seed_municipality(
        context["neighbour"], NEIGHBOUR_COHORTS, context, fake=fake, rng=rng, today=today
    )
    _link_demo_parent(context)
    # A first run grants everything from scratch; later runs leave existing grants alone.
    if not context.get("grants_built_before"):
        grants_rebuild(child_ids=Child.objects.values_list("pk", flat=True))
    _seed_casework(context)
    _seed_handovers(context)
    _seed_work_lists(context)
    _seed_young_person(context)
    _seed_insight_request(context)
    log_review_demo_seed(context)
    context["summary"]["children"] = Child.objects.count()
    context["summary"]["guardians"] = Guardian.objects.count()


def _seed_casework(context):
    """Consents, involvements, a forløb and tasks around a few children, made once through the
    services (so timeline, audit and grants are as in real use)."""
    demo = context["demo"]
    if Consent.objects.filter(child__municipality=demo).exists():
        return
    users = {u.username: u for u in User.objects.filter(municipality=demo)}
    units = context["units"]
    today = date.today()
    guardian = Guardian.objects.get(user__username="foraelder")
    child = guardian.children.order_by("pk").first()
    paedagog, leder = users["paedagog"], users["leder"]

    services.consent_record(
        actor=paedagog,
        child=child,
        guardian=guardian,
        kinds=[DataKind.BASIC, DataKind.SCREENING],
        units=[units["PPR"]],
        purpose=f"Drøftelse af {child.first_name}s trivsel i det tværfaglige team med PPR",
        valid_from=today,
        valid_until=today + timedelta(days=180),
        paper_date=today - timedelta(days=2),
    )
    services.consent_record(
        actor=paedagog,
        child=child,
        guardian=guardian,
        kinds=[DataKind.HANDOVER],
        units=[units["Bakkeskolen"]],
        purpose="Overlevering til skolestart",
        valid_from=today,
        valid_until=today + timedelta(days=120),
        paper=False,
    )
    services.involvement_add(
        actor=leder,
        child=child,
        person=users["ppr"],
        role="PPR-psykolog",
        purpose="Observation og sparring om sprog og samspil",
        start=today,
    )
    forlob = services.forlob_open(
        actor=leder,
        child=child,
        title="Fælles indsats om sprog og samspil",
        tovholder=paedagog,
        backup=leder,
        review_date=today + timedelta(days=90),
        goal="Barnet deltager i leg med de andre børn og bruger sproget til at sige til og fra.",
        parents_view="Vi oplever, at hun er glad hjemme, men stille blandt andre børn.",
        ladder_step=LadderStep.PREVENTIVE,
    )
    services.forlob_plan_update(
        actor=paedagog,
        forlob=forlob,
        version=forlob.version,
        sub_goals=[
            ("Pædagog", "Dagligt legefællesskab i mindre grupper"),
            ("Forældre", "Legeaftaler med en ven fra stuen"),
            ("PPR", "Observation på stuen inden 4 uger"),
        ],
    )
    services.task_create(
        child=child,
        title="Forberede samtale med forældrene om den fælles plan",
        owner=paedagog,
        due_date=today + timedelta(days=5),
        created_by=leder,
        source_type="cases.forlob",
        source_id=forlob.pk,
    )

    # Around other children of the same group: consents expiring soon, withdrawn, refused.
    others = list(
        Child.objects.filter(enrolments__group=context["groups"]["Børnehuset Solsikken/Solstuen"])
        .exclude(pk=child.pk)
        .order_by("pk")[:3]
    )
    for other, how in zip(others, ("expiring", "withdrawn", "refused"), strict=False):
        parent = other.guardians.order_by("pk").first()
        consent = services.consent_record(
            actor=paedagog,
            child=other,
            guardian=parent,
            kinds=[DataKind.BASIC],
            units=[units["PPR"]],
            purpose="Sparring med PPR om overgang til skole",
            valid_from=today - timedelta(days=170),
            valid_until=today + timedelta(days=3 if how == "expiring" else 60),
            paper_date=today - timedelta(days=172),
            refused=how == "refused",
        )
        if how == "withdrawn":
            services.consent_withdraw(actor=paedagog, consent=consent)

    # The social-work side: a caseworker involved with a pupil of the teacher's class.
    pupil = (
        Child.objects.filter(enrolments__group=context["groups"]["Bakkeskolen/3.B"])
        .order_by("pk")
        .first()
    )
    services.statutory_involvement_add(
        actor=users["teamleder"],
        child=pupil,
        person=users["socialraadgiver"],
        role="Socialrådgiver",
        purpose="Sagsbehandling efter underretning",
        start=today,
    )
    services.task_create(
        child=pupil,
        title="Vurdere underretningen og sende kvittering",
        owner=users["socialraadgiver"],
        due_date=today + timedelta(days=6),
        created_by=users["teamleder"],
        data_kind=DataKind.NOTIFICATIONS,
    )


def _seed_work_lists(context):
    """A task for each persona whose Mit overblik would otherwise hold nothing to do: the
    health visitor's visit, the neighbouring pædagog's talk with the parents, the administrator's
    closing days. Made once (the administrator's task tells whether it was)."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["sundhedsplejerske", "nabo", "admin"])
    }
    if Task.objects.filter(owner=users["admin"]).exists():
        return
    today = date.today()
    infant = (
        Child.objects.filter(enrolments__unit=context["units"]["Sundhedsplejen"])
        .order_by("pk")
        .first()
    )
    services.task_create(
        child=infant,
        title="Aftale besøg om søvn og amning",
        owner=users["sundhedsplejerske"],
        due_date=today + timedelta(days=3),
    )
    neighbour_child = (
        Child.objects.filter(
            enrolments__group=context["neighbour_groups"]["Børnehaven Kilden/Kildestuen"]
        )
        .order_by("pk")
        .first()
    )
    services.task_create(
        child=neighbour_child,
        title="Forberede forældresamtale om trivsel",
        owner=users["nabo"],
        due_date=today + timedelta(days=4),
    )
    services.task_create(
        title="Oprette næste års lukkedage for kommunens kontorer",
        owner=users["admin"],
        due_date=today + timedelta(days=10),
    )


def _seed_insight_request(context):
    """The `foraelder` login has asked for insight about her child (GDPR art. 15): the request
    waits with the administrators (`admin`) and the social-work side, its month running. Made
    once: any request about a demo child means it was."""
    demo = context["demo"]
    if InsightRequest.objects.filter(municipality=demo).exists():
        return
    guardian = Guardian.objects.get(user__username="foraelder")
    child = guardian.children.order_by("pk").first()
    insight_services.insight_request_create(actor=guardian.user, child=child)
    context["summary"]["insight requests"] = 1


def _seed_handovers(context):
    """School start: one handover waiting for the `foraelder` login's answer, one sent to
    Bakkeskolen for `skoleleder` to acknowledge."""
    demo = context["demo"]
    if Handover.objects.filter(child__municipality=demo).exists():
        return
    users = {u.username: u for u in User.objects.filter(municipality=demo)}
    units = context["units"]
    solstuen = context["groups"]["Børnehuset Solsikken/Solstuen"]
    # The coming school start: within a consent's maximum period, so the parents can be asked.
    school_start = date(date.today().year, 8, 1)
    if school_start <= date.today():
        school_start = school_start.replace(year=school_start.year + 1)
    children = list(Child.objects.filter(enrolments__group=solstuen).order_by("pk")[:5])
    common = {
        "actor": users["paedagog"],
        "transition": TransitionType.KINDERGARTEN_TO_SCHOOL,
        "sending_unit": units["Børnehuset Solsikken"],
        "sending_group": solstuen,
        "receiving_unit": units["Bakkeskolen"],
        "transition_date": school_start,
    }
    waiting = handover_services.handover_create(
        child=children[0],
        strengths="Glad for at bygge og tegne; hjælper gerne de yngre børn.",
        professional_view="Trives med faste rutiner og en voksen, der forbereder skift.",
        child_voice="Jeg glæder mig til at få en skoletaske.",
        evaluation_needed=True,
        **common,
    )
    handover_services.handover_request_consent(
        actor=users["paedagog"],
        handover=waiting,
        guardian=Guardian.objects.get(user__username="foraelder"),
        valid_until=handover_consent_default_end(waiting),
    )
    sent = handover_services.handover_create(
        child=children[4],
        strengths="Nysgerrig, sprogligt stærk og god til at fortælle historier.",
        professional_view="Har brug for tid til at falde til i nye grupper.",
        parents_view="Vi vil gerne holde en samtale med klasselæreren inden start.",
        **common,
    )
    handover_services.handover_request_consent(
        actor=users["paedagog"],
        handover=sent,
        guardian=children[4].guardians.order_by("pk").first(),
        valid_until=handover_consent_default_end(sent),
        paper=True,
        paper_date=date.today(),
    )
    handover_services.handover_send(actor=users["paedagog"], handover=sent)
    context["summary"]["handovers"] = Handover.objects.filter(child__municipality=demo).count()


YOUNG_PERSON_USERNAME = "ung"


def _seed_young_person(context):
    """The `ung` login: a pupil of 16 at Bakkeskolen with their own login (a basis of its own),
    a forløb whose plan waits for their own words, a consent waiting for their answer and one
    they gave on paper, and a handover to UU-vejledningen they can write in. Made once, through
    the services."""
    demo = context["demo"]
    if User.objects.filter(username=YOUNG_PERSON_USERNAME).exists():
        return
    users = {u.username: u for u in User.objects.filter(municipality=demo)}
    units = context["units"]
    laerer = users["laerer"]
    today = date.today()
    # 16 years and a few months: old enough for their own login and their own consent, two
    # years from the day their guardians' access ends.
    birth = today - relativedelta(years=16, months=3)
    rng = random.Random(YOUNG_PERSON_USERNAME)
    existing = set(Child.objects.filter(municipality=demo).values_list("cpr", flat=True))
    cpr = fictitious_cpr(birth, rng)
    while cpr in existing:
        cpr = fictitious_cpr(birth, rng)
    user = User.objects.create(
        username=YOUNG_PERSON_USERNAME,
        municipality=demo,
        first_name="Asta",
        last_name="Vinther",
        email="ung@demo.trivsel.invalid",
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    child = Child.objects.create(
        municipality=demo,
        first_name="Asta",
        last_name="Vinther",
        cpr=cpr,
        birth_date=birth,
        user=user,
    )
    Enrolment.objects.create(
        child=child,
        unit=units["Bakkeskolen"],
        start=today.replace(month=8, day=1)
        if today.month >= 8
        else today.replace(year=today.year - 1, month=8, day=1),
    )
    for first in ("Hanne", "Peter"):
        guardian = Guardian.objects.create(municipality=demo, first_name=first, last_name="Vinther")
        Guardianship.objects.create(child=child, guardian=guardian)
    grants_rebuild(child_ids=[child.pk])

    services.forlob_open(
        actor=laerer,
        child=child,
        title="Fravær og lyst til skolen",
        tovholder=laerer,
        review_date=today + timedelta(days=60),
        goal="At Asta kommer i skole hver dag og har en plan for tiden efter 9. klasse.",
        parents_view="Vi vil gerne have en fast aftale om, hvordan vi hører fra skolen.",
        ladder_step=LadderStep.PREVENTIVE,
        child_heard="conversation",
        child_heard_note="Samtale med klasselæreren i skolens stille rum; Asta skriver selv sine "
        "egne ord i planen.",
    )
    services.consent_record(
        actor=laerer,
        child=child,
        given_by_child=True,
        kinds=[DataKind.BASIC],
        units=[units["UU-vejledningen"]],
        purpose="At UU-vejlederen kan tale med mig om valg af ungdomsuddannelse",
        valid_from=today,
        valid_until=today + timedelta(days=180),
        paper=False,
    )
    services.consent_record(
        actor=laerer,
        child=child,
        given_by_child=True,
        kinds=[DataKind.BASIC],
        units=[units["PPR"]],
        purpose="At PPR kan give skolen råd om min skolegang",
        valid_from=today,
        valid_until=today + timedelta(days=120),
        paper_date=today,
    )
    handover = handover_services.handover_create(
        actor=laerer,
        child=child,
        transition=TransitionType.YOUTH_EDUCATION,
        sending_unit=units["Bakkeskolen"],
        receiving_unit=units["UU-vejledningen"],
        transition_date=today + timedelta(days=90),
        strengths="Kreativ, god til at tegne og hjælpsom over for yngre elever.",
        professional_view="Har det bedst med en fast voksen og besked i god tid om ændringer.",
        child_heard="conversation",
        child_heard_note="Talt med Asta om overgangen; hun skriver selv sine egne ord.",
    )
    handover_services.handover_request_consent(
        actor=laerer,
        handover=handover,
        guardian=child.guardians.order_by("pk").first(),
        valid_until=handover_consent_default_end(handover),
        paper=True,
        paper_date=today,
    )
    context["young_person_child"] = child
