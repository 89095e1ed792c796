"""Screening at the scale of one large municipality (DESIGN.md §8: 1,000,000 individual marks):
the save latency of one mark (the htmx POST behind each click on the rating page) and the server
time of the overview matrix of a joint session, both for a school class of 28 children.

The baseline is a minimal Django page through the same middleware stack in the same run."""

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from bench.timing import measure, report
from cases.selectors import current_enrolments
from screening.management.commands.seed_scale_marks import benchmark_rounds
from screening.models import JointAssessment, Position, Rating, Round
from trivsel.organisation.models import Role, StaffProfile

REPEAT = 200
WARMUP = 20
BACKEND = "trivsel.organisation.backends.StaffModelBackend"


def run():
    call_command("seed_scale")
    call_command("seed_scale_marks")
    open_round, joint_round = benchmark_rounds()
    assert open_round and joint_round, "seed_scale_marks made no benchmark rounds"
    group = open_round.group
    children = list(
        current_enrolments()
        .filter(group=group)
        .order_by("child_id")
        .values_list("child_id", flat=True)
    )
    # The class's first own staff member: the rater the seed left without marks in the open
    # round (a later run finds the marks of the previous one and updates them).
    rater = (
        StaffProfile.objects.filter(groups=group)
        .exclude(roles__contains=[Role.LEADER])
        .order_by("user_id")
        .first()
    )
    leader = (
        StaffProfile.objects.filter(units=group.unit, roles__contains=[Role.LEADER])
        .order_by("user_id")
        .first()
    )
    assert rater and leader, "no rater or no leader for the benchmark class"
    joint_raters = Rating.objects.filter(round=joint_round).values("rater").distinct().count()
    print(
        f"database: {Rating.objects.count()} individual marks (Rating rows), "
        f"{JointAssessment.objects.count()} joint assessments, {Round.objects.count()} rounds"
    )
    print(
        f"class: {group} ({len(children)} children); open round #{open_round.pk}, "
        f"joint round #{joint_round.pk} ({joint_raters} raters)"
    )
    print(f"rater: {rater.user.username}; leader: {leader.user.username}")

    rater_client, leader_client = Client(), Client()
    rater_client.force_login(rater.user, backend=BACKEND)
    leader_client.force_login(leader.user, backend=BACKEND)
    save_url = reverse("screening:rating_save", args=[open_round.pk])
    rate_url = reverse("screening:round_rate", args=[open_round.pk])
    overview_url = reverse("screening:round_overview", args=[joint_round.pk])

    # Each POST flips one child's mark between green and yellow, child after child, so every
    # request really changes a row.
    state = {"i": 0}
    last = {}

    def save_one():
        child_id = children[state["i"] % len(children)]
        state["i"] += 1
        position = Position.YELLOW if last.get(child_id) == Position.GREEN else Position.GREEN
        last[child_id] = position
        response = rater_client.post(
            save_url,
            {"child": child_id, "position": position, "comment": ""},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200, (response.status_code, response.content[:300])

    def overview():
        response = leader_client.get(overview_url)
        assert response.status_code == 200, response.status_code

    with override_settings(ROOT_URLCONF="bench.urls"):
        base_median, base_p95 = measure(
            lambda: rater_client.get("/bench-minimal/"), repeat=REPEAT, warmup=WARMUP
        )
        report("minimal Django page (baseline)", base_median, base_p95)

        print(f"-- save one mark: htmx POST {save_url}")
        save_one()
        median, p95 = measure(save_one, repeat=REPEAT, warmup=WARMUP)
        report("save one mark (rater)", median, p95, base_median)
        _queries("  queries per save", save_one)
        mine = Rating.objects.filter(round=open_round, rater=rater.user).count()
        print(f"{'  the rater now has marks for':<45} {mine} of {len(children)} children")

        print(f"-- rating page GET {rate_url}")
        median, p95 = measure(lambda: rater_client.get(rate_url), repeat=REPEAT, warmup=WARMUP)
        report("rating page (rater)", median, p95, base_median)
        _queries("  queries", lambda: rater_client.get(rate_url))

        print(f"-- overview matrix of the joint round GET {overview_url}")
        overview()
        median, p95 = measure(overview, repeat=REPEAT, warmup=WARMUP)
        report("overview matrix (leader)", median, p95, base_median)
        _queries("  queries", overview)
    print(f"database now: {Rating.objects.count()} Rating rows")


def _queries(label, function):
    with CaptureQueriesContext(connection) as queries:
        function()
    database = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(f"{label:<45} {len(queries)} ({database:.1f} ms of them in the database)")
