"""The visible-children list at the scale of one large municipality (DESIGN.md §8: under 20 ms
of database time; the list page under 100 ms of server time with a constant number of queries).

The selector is measured turn about with the alternatives it must beat, in the same run:
django-guardian's own get_objects_for_user on the same direct-FK tables, and the same question
asked of guardian's generic object-permission tables (object_pk as text plus content type), as
guardian builds it and as a hand-written cast. The municipality's live grants of the permission
are copied to the generic tables for the comparison and deleted again afterwards. Targets: at
least as fast as every alternative, under 20 ms of database time, under 5 ms for the social
worker (DESIGN.md §8, issue #17)."""

import json
import statistics

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.models import BigIntegerField
from django.db.models.functions import Cast
from django.test import Client
from django.test.utils import CaptureQueriesContext
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import get_objects_for_user

from bench.timing import measure, measure_turn_about, report
from cases.access import live_grants
from cases.management.skala import SKALA_CODE
from cases.models import Child, ChildGroupObjectPermission, ChildUserObjectPermission
from cases.selectors import child_list_visible_to
from trivsel.audit.models import Basis
from trivsel.organisation.models import Role, StaffProfile, User

REPEAT = 50
WARMUP = 5
EXPLAINS = 15
OURS = "child_list_visible_to"
UNION_SHAPE = "the selector's shape before #17 (IN … UNION)"
# The selector's database time: any user (DESIGN.md §8), the social worker (issue #17).
TARGET_MS = 20.0
CASEWORKER_TARGET_MS = 5.0
BATCH = 5000
CODENAME = "view_child_basic"
PERMISSION = f"cases.{CODENAME}"
BACKEND = "trivsel.organisation.backends.StaffModelBackend"


def run():
    call_command("seed_scale")
    _vacuum(Child, ChildUserObjectPermission, ChildGroupObjectPermission, User.groups.through)
    skala_staff = StaffProfile.objects.filter(user__municipality__code=SKALA_CODE)
    teacher = (
        skala_staff.filter(roles__contains=[Role.TEACHER], groups__isnull=False)
        .order_by("user_id")
        .first()
        .user
    )
    caseworker = (
        skala_staff.filter(
            roles__contains=[Role.SOCIAL_WORKER],
            user__childuserobjectpermission__basis=Basis.STATUTORY,
        )
        .order_by("user_id")
        .first()
        .user
    )
    users = (("teacher", teacher, TARGET_MS), ("socialrådgiver", caseworker, CASEWORKER_TARGET_MS))
    _sizes(teacher, caseworker)

    print("-- children list page /boern/ (target < 100 ms server time, <= 15 queries)")
    for label, user, _target in users:
        _time_page(label, user)

    print(
        "-- child_list_visible_to against django-guardian's queries, turn about "
        f"({REPEAT} rounds; DB = median of {EXPLAINS} EXPLAIN ANALYZE, execution + planning)"
    )
    _guardian_comparison(users)


def _sizes(teacher, caseworker):
    skala = {"content_object__municipality__code": SKALA_CODE}
    print(
        f"Skala Kommune: {Child.objects.filter(municipality__code=SKALA_CODE).count()} children, "
        f"{StaffProfile.objects.filter(user__municipality__code=SKALA_CODE).count()} staff, "
        f"{ChildUserObjectPermission.objects.filter(**skala).count()} user grants, "
        f"{ChildGroupObjectPermission.objects.filter(**skala).count()} group grants"
    )
    for label, user in (("teacher", teacher), ("socialrådgiver", caseworker)):
        groups = ", ".join(user.groups.order_by("name").values_list("name", flat=True))
        print(f"{label}: {user.username} (auth groups: {groups or '-'})")


def _explain(queryset):
    """(planning, execution) time in ms of the queryset's SQL, from EXPLAIN ANALYZE (without
    per-node timing, whose overhead would dwarf a plan of a few milliseconds)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Planning Time"], plan[0]["Execution Time"]


def _sql_only(queryset):
    """Run the queryset's SQL and fetch the rows, without building model instances."""
    sql, params = queryset.query.sql_with_params()

    def execute():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return execute


def _time_turn_about(querysets):
    """{name: figures} for several querysets, each round running every one once so that the
    load of a shared machine falls on all of them alike: median and p95 of list(qs), median of
    the bare SQL (execute + fetchall), and the median database time (EXPLAIN ANALYZE:
    execution + planning)."""
    names = list(querysets)
    listed = measure_turn_about(
        {name: (lambda qs=qs: list(qs.all())) for name, qs in querysets.items()},
        repeat=REPEAT,
        warmup=WARMUP,
    )
    bare = measure_turn_about(
        {name: _sql_only(qs) for name, qs in querysets.items()}, repeat=REPEAT, warmup=WARMUP
    )
    explained = {name: [] for name in names}
    for _ in range(EXPLAINS):
        for name in names:
            explained[name].append(_explain(querysets[name]))
    figures = {}
    for name in names:
        planning = statistics.median(p for p, _e in explained[name])
        execution = statistics.median(e for _p, e in explained[name])
        figures[name] = {
            "list": listed[name][0],
            "list_p95": listed[name][1],
            "sql": bare[name][0],
            "execution": execution,
            "planning": planning,
            "db": execution + planning,
        }
    return figures


def _time_page(label, user):
    client = Client()
    client.force_login(user, backend=BACKEND)
    response = client.get("/boern/")
    assert response.status_code == 200, response.status_code
    median, p95 = measure(lambda: client.get("/boern/"), repeat=REPEAT, warmup=WARMUP)
    report(f"/boern/ as {label}", median, p95)
    with CaptureQueriesContext(connection) as queries:
        client.get("/boern/")
    # The time Django's cursor wrapper records per query: a rough split of the server time.
    database = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(f"{'  queries':<45} {len(queries)} ({database:.1f} ms of them in the database)")


def _guardian_comparison(users):
    content_type = ContentType.objects.get_for_model(Child)
    permission = Permission.objects.get(content_type=content_type, codename=CODENAME)
    user_max = UserObjectPermission.objects.order_by("-pk").values_list("pk", flat=True).first()
    group_max = GroupObjectPermission.objects.order_by("-pk").values_list("pk", flat=True).first()
    try:
        _copy_to_generic(content_type, permission)
        for label, user, target in users:
            _compare(label, user, target, content_type, permission)
    finally:
        deleted_users, _ = UserObjectPermission.objects.filter(
            pk__gt=user_max or 0, content_type=content_type
        ).delete()
        deleted_groups, _ = GroupObjectPermission.objects.filter(
            pk__gt=group_max or 0, content_type=content_type
        ).delete()
        print(f"removed the copied generic rows ({deleted_users} user, {deleted_groups} group)")


def _copy_to_generic(content_type, permission):
    """The municipality's live grants of the permission (so also all of the teacher's own and
    group rows), as rows of guardian's generic tables."""
    common = {"content_object__municipality__code": SKALA_CODE, "permission": permission}
    live = live_grants()
    user_rows = (
        ChildUserObjectPermission.objects.filter(live, **common)
        .values_list("user_id", "content_object_id")
        .distinct()
    )
    group_rows = (
        ChildGroupObjectPermission.objects.filter(live, **common)
        .values_list("group_id", "content_object_id")
        .distinct()
    )
    UserObjectPermission.objects.bulk_create(
        (
            UserObjectPermission(
                user_id=user_id,
                permission=permission,
                content_type=content_type,
                object_pk=str(child_id),
            )
            for user_id, child_id in user_rows.iterator()
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    GroupObjectPermission.objects.bulk_create(
        (
            GroupObjectPermission(
                group_id=group_id,
                permission=permission,
                content_type=content_type,
                object_pk=str(child_id),
            )
            for group_id, child_id in group_rows.iterator()
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    _vacuum(UserObjectPermission, GroupObjectPermission)
    print(
        f"generic tables now hold {UserObjectPermission.objects.count()} user rows and "
        f"{GroupObjectPermission.objects.count()} group rows"
    )


def _vacuum(*models):
    """VACUUM ANALYZE: the state autovacuum keeps a table in (fresh statistics, the visibility
    map that index-only scans need). The development server runs with autovacuum off, and
    seed_scale builds inside a transaction, where it can only ANALYZE."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _generic_by_guardian(user):
    """get_objects_for_user as guardian builds it for a model without direct-FK tables: it
    skips direct models whose `enabled` is false, so both are switched off while it builds."""
    direct = (ChildUserObjectPermission, ChildGroupObjectPermission)
    for model in direct:
        model.enabled = False
    try:
        return get_objects_for_user(user, PERMISSION, klass=Child)
    finally:
        for model in direct:
            del model.enabled


def cast_query(user, content_type, permission):
    """The same question on the generic tables, written by hand: object_pk cast to an integer
    so it meets Child's primary key."""
    generic = {"permission": permission, "content_type": content_type}
    own = UserObjectPermission.objects.filter(user=user, **generic)
    via_groups = GroupObjectPermission.objects.filter(group__user=user, **generic)
    granted = (
        own.annotate(child=Cast("object_pk", BigIntegerField()))
        .values("child")
        .union(via_groups.annotate(child=Cast("object_pk", BigIntegerField())).values("child"))
    )
    return Child.objects.filter(pk__in=granted)


def _union_shape(user, permission):
    """child_list_visible_to as it was written before issue #17, for the record: `id IN (own
    grants UNION group grants)`. The planner cannot size the union, expects hundreds of children
    and hash-joins it against a scan of every child of the database."""
    live = live_grants()
    own = ChildUserObjectPermission.objects.filter(live, user_id=user.pk, permission=permission)
    via_groups = ChildGroupObjectPermission.objects.filter(
        live, group__user__id=user.pk, permission=permission
    )
    granted = own.values("content_object_id").union(via_groups.values("content_object_id"))
    return Child.objects.filter(pk__in=granted, municipality_id=user.municipality_id)


def _compare(label, user, target, content_type, permission):
    direct = get_objects_for_user(user, PERMISSION, klass=Child)
    generic = _generic_by_guardian(user)
    assert "guardian_userobjectpermission" in str(generic.query)
    assert "guardian_userobjectpermission" not in str(direct.query)
    querysets = {
        OURS: child_list_visible_to(user),
        "guardian direct-FK (get_objects_for_user)": direct,
        "guardian generic (get_objects_for_user)": generic,
        "generic tables, object_pk cast to int": cast_query(user, content_type, permission),
        UNION_SHAPE: _union_shape(user, permission),
    }
    ours = set(querysets[OURS].values_list("pk", flat=True))
    for name, queryset in querysets.items():
        if name != OURS:
            same = set(queryset.values_list("pk", flat=True)) == ours
            print(f"{label}: {name} gives the selector's children: {'yes' if same else 'NO'}")
    figures = _time_turn_about(querysets)
    print(f"{label} ({len(ours)} children)")
    print(f"  {'':<46}{'list(qs) median (p95)':>24}{'SQL median':>13}   DB: exec + plan")
    for name, f in figures.items():
        print(
            f"  {name:<46}{f['list']:9.2f} ms ({f['list_p95']:6.2f} ms){f['sql']:10.2f} ms"
            f"{f['db']:9.2f} ms ({f['execution']:.2f} + {f['planning']:.2f})"
        )
    alternatives = {name: f for name, f in figures.items() if name not in (OURS, UNION_SHAPE)}
    mine = figures[OURS]
    for column, title in (("sql", "SQL"), ("db", "DB time"), ("list", "list(qs)")):
        best = min(alternatives, key=lambda name: alternatives[name][column])
        ratio = mine[column] / alternatives[best][column]
        verdict = "faster" if ratio < 1 else "SLOWER"
        print(
            f"  {OURS}/best alternative, {title}: {ratio:.2f}× ({verdict} than {best}, "
            f"{mine[column]:.2f} against {alternatives[best][column]:.2f} ms)"
        )
    met = "met" if mine["db"] < target else "MISSED"
    print(f"  {OURS} database time {mine['db']:.2f} ms: target < {target:g} ms {met}")
    before = figures[UNION_SHAPE]
    print(
        f"  against its shape before #17: SQL {mine['sql'] / before['sql']:.2f}×, "
        f"DB time {mine['db'] / before['db']:.2f}×"
    )
