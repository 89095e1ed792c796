"""The data-protection officer's dry run (/opbevaring/): the municipality's administrators see
it, everyone else gets 404, and every look is in the access log. Guardians read on their child's
page how long each kind of information is kept."""

import time

import pytest

from tests import factories as f
from tests.notifications.test_celery_worker import worker  # noqa: F401 (the real worker)
from tests.retention.conftest import records_about, still_there
from trivsel.audit.models import AccessLogEntry, Basis
from trivsel.organisation.models import Role
from trivsel.retention.models import RetentionRule, RetentionRun
from trivsel.retention.tasks import retention_sweep_task

URL = "/opbevaring/"


def test_the_administrator_sees_the_dry_run_of_her_own_municipality(
    world, login, django_assert_max_num_queries
):
    client = login(world.administrator)
    # One count per kind of record (14), whatever the number of records.
    with django_assert_max_num_queries(27):
        page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Individuelle trivselsvurderinger" in text
    assert "1 år efter runden blev lukket" in text
    assert "anonymiseres" in text
    assert "Poster på barnets tidslinje" in text
    assert "Barnets egne grundoplysninger" in text
    assert AccessLogEntry.objects.filter(
        actor=world.administrator, basis=Basis.ADMINISTRATION, purpose="Opbevaringsrapport"
    ).exists()


def test_the_data_protection_officer_sees_the_dry_run_too(world, login):
    dpo = f.StaffFactory(
        user=f.UserFactory(username="dorthe", municipality=world.solby),
        roles=[Role.DATA_PROTECTION_OFFICER],
    ).user
    page = login(dpo).get(URL)
    assert page.status_code == 200
    assert "Individuelle trivselsvurderinger" in page.content.decode()


@pytest.mark.parametrize(
    "persona", ["paedagog", "teacher", "leader", "social_worker", "guardian", "outsider"]
)
def test_everyone_else_gets_404_and_is_logged(world, login, persona):
    user = getattr(world, persona)
    assert login(user).get(URL).status_code == 404
    assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()


def test_another_municipalitys_administrator_sees_only_her_own(world, login):
    records_about(
        world.child,
        municipality=world.solby,
        unit=world.kindergarten,
        other_unit=world.school,
        group=world.room,
        staff=world.paedagog,
    )
    nabo_admin = f.StaffFactory(
        user=f.UserFactory(username="nadja", municipality=world.nabo_kommune, is_staff=True),
        roles=[Role.ADMINISTRATOR],
    ).user
    solby_page = login(world.administrator).get(URL).content.decode()
    nabo_page = login(nabo_admin).get(URL).content.decode()
    # Solby's records from 2027 are not due now; both pages count none, but only Solby's rows
    # are asked for: its rule shows in Solby's page alone.
    RetentionRule.objects.create(municipality=world.solby, record_type="cases.task", months=7)
    assert "7 måneder" in login(world.administrator).get(URL).content.decode()
    assert "7 måneder" not in login(nabo_admin).get(URL).content.decode()
    assert solby_page.count('class="text-align-right">0<') == nabo_page.count(
        'class="text-align-right">0<'
    )


def test_guardians_see_how_long_each_kind_is_kept_and_staff_do_not(world, login):
    RetentionRule.objects.create(
        municipality=world.solby, record_type="screening.rating", months=18
    )
    page = login(world.guardian).get(f"/boern/{world.child.pk}/").content.decode()
    assert "Hvor længe vi gemmer oplysningerne" in page
    assert "Individuelle trivselsvurderinger: 18 måneder efter runden blev lukket" in page
    assert "Underretninger og behandlingen af dem: 5 år efter underretningen blev lukket" in page
    assert "Poster på barnets tidslinje: 5 år efter at posten blev skrevet" in page
    assert "Barnets egne grundoplysninger" in page
    staff_page = login(world.paedagog).get(f"/boern/{world.child.pk}/").content.decode()
    assert "Hvor længe vi gemmer oplysningerne" not in staff_page


@pytest.mark.worker
def test_the_real_worker_runs_the_nightly_job(worker, world):  # noqa: F811
    """Records whose events are six years old: every default period has passed."""
    from datetime import timedelta

    from django.utils import timezone

    records = records_about(
        world.child,
        municipality=world.solby,
        unit=world.kindergarten,
        other_unit=world.school,
        group=world.room,
        staff=world.paedagog,
        event=timezone.now() - timedelta(days=6 * 366),
    )
    retention_sweep_task.delay()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if RetentionRun.objects.filter(
            municipality=world.solby, finished_at__isnull=False
        ).exists():
            break
        assert worker.poll() is None, "the worker died"
        time.sleep(0.2)
    run = RetentionRun.objects.get(municipality=world.solby)
    assert run.total == len(records)
    assert not any(still_there(records).values())


def test_the_administrator_sets_her_municipalitys_period_in_the_admin(world, login):
    from django.contrib.auth.models import Permission

    world.administrator.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="retention")
    )
    client = login(world.administrator)
    form = client.get("/admin/retention/retentionrule/add/").content.decode()
    assert "Individuelle trivselsvurderinger (standard: 1 år efter runden blev lukket)" in form
    assert world.nabo_kommune.name not in form
    # The report links to the rules for whoever may change them.
    assert "/admin/retention/retentionrule/" in client.get(URL).content.decode()
    response = client.post(
        "/admin/retention/retentionrule/add/",
        {
            "municipality": world.solby.pk,
            "record_type": "audit.access_log",
            "months": 24,
            "reason": "DPO 1.12.2026",
        },
    )
    assert response.status_code == 302
    assert RetentionRule.objects.get(municipality=world.solby).months == 24
    # Nabo is not hers to set.
    response = client.post(
        "/admin/retention/retentionrule/add/",
        {"municipality": world.nabo_kommune.pk, "record_type": "cases.task", "months": 24},
    )
    assert response.status_code == 200
    assert not RetentionRule.objects.filter(municipality=world.nabo_kommune).exists()
