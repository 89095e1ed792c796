"""The child's own record and its timeline under the retention job: a child no longer enrolled
in the municipality goes with its family, enrolments and timeline 5 years after the last
enrolment ended, once nothing else about it is kept, and not a day before; a legal hold, a
current enrolment or another record about the child keeps it; the figures of /tal/ do not
change; another municipality follows its own rule; a second run changes nothing."""

from datetime import timedelta

import pytest

from cases.models import Child, Consent, Guardian, Household, InsightRequest, TimelineEntry
from tests import factories as f
from tests.retention.conftest import EVENT, at
from trivsel.audit.models import AccessLogEntry, Action, Basis
from trivsel.figures.counting import figures_count
from trivsel.figures.models import FigureCount
from trivsel.organisation.models import User
from trivsel.retention.models import RetentionRule
from trivsel.retention.services import retention_preview, retention_sweep

LEFT = EVENT.date()  # the last enrolment ended, and the last entry was written


def _child_who_left(municipality, group, *, name):
    """A child whose enrolment ended on LEFT, with a guardian and a household of its own and an
    entry on its timeline."""
    household = Household.objects.create(municipality=municipality, name=f"Familien {name}")
    child = f.ChildFactory(municipality=municipality, first_name=name, household=household)
    f.EnrolmentFactory(child=child, group=group, end=LEFT)
    guardian = f.GuardianFactory(
        municipality=municipality,
        first_name=f"Mor til {name}",
        user=f.UserFactory(username=f"mor-{name.lower()}", municipality=municipality),
    )
    f.GuardianshipFactory(child=child, guardian=guardian)
    TimelineEntry.objects.create(
        child=child,
        at=EVENT,
        kind="enrolment",
        data_kind="basic",
        text=f"{name} er udmeldt",
    )
    return child


@pytest.fixture
def left(world):
    return {
        "gone": _child_who_left(world.solby, world.room, name="Bo"),
        "held": _child_who_left(world.solby, world.room, name="Holger"),
        "consent": _child_who_left(world.solby, world.room, name="Carla"),
        "nabo": _child_who_left(world.nabo_kommune, world.nabo_unit.groups.get(), name="Nanna"),
    }


def _exists(child):
    return Child.objects.filter(pk=child.pk).exists()


def test_the_child_goes_with_its_family_and_timeline_after_5_years_and_not_a_day_before(
    world, left
):
    # Nabo keeps its children's records ten years, whatever Solby does.
    RetentionRule.objects.create(
        municipality=world.nabo_kommune, record_type="cases.child", months=120
    )
    # A consent still kept (its own rule: 10 years) keeps Carla's record too.
    RetentionRule.objects.create(municipality=world.solby, record_type="cases.consent", months=120)
    Consent.objects.create(
        child=left["consent"],
        given_by_child=True,
        kinds=["basic"],
        purpose="Samarbejde",
        valid_from=LEFT - timedelta(days=30),
        valid_until=LEFT,
        recorded_by=world.paedagog,
    )
    # A pending insight request holds Holger's record (a legal hold), however old it is.
    InsightRequest.objects.create(
        municipality=world.solby,
        child=left["held"],
        requested_by=world.guardian,
        requested_at=EVENT,
        due_date=LEFT,
    )
    alma_entry = TimelineEntry.objects.create(
        child=world.child, at=EVENT, kind="note", data_kind="basic", text="Alma er glad"
    )
    bo_family = (left["gone"].guardians.get().pk, left["gone"].household_id)
    bo_mothers_login = left["gone"].guardians.get().user_id

    with at(-1, months=60):
        retention_sweep()
    assert all(_exists(child) for child in left.values())
    assert TimelineEntry.objects.filter(pk=alma_entry.pk).exists()

    with at(+1, months=60):
        figures_count(municipality_id=world.solby.pk)
        counted = set(
            FigureCount.objects.filter(municipality=world.solby).values_list(
                "figure", "level", "unit", "group", "month", "key", "count"
            )
        )
        rows, _held = retention_preview(municipality_id=world.solby.pk)
        assert {r["rule"].record_type.key: r["count"] for r in rows}["cases.child"] == 1
        retention_sweep()
        figures_count(municipality_id=world.solby.pk)
        # /tal/ counts every month it shows again from the rows: none of them changed.
        assert (
            set(
                FigureCount.objects.filter(municipality=world.solby).values_list(
                    "figure", "level", "unit", "group", "month", "key", "count"
                )
            )
            == counted
        )

    assert not _exists(left["gone"])
    assert not Guardian.objects.filter(pk=bo_family[0]).exists()
    assert not Household.objects.filter(pk=bo_family[1]).exists()
    # Her login goes with her: nothing else names her.
    assert not User.objects.filter(pk=bo_mothers_login).exists()
    assert _exists(left["held"])  # the insight request holds it
    assert _exists(left["consent"])  # the consent is still kept
    assert _exists(left["nabo"])  # Nabo's own rule
    assert _exists(world.child)  # still enrolled
    # The still-enrolled child's old entry went by the timeline's own rule (5 years).
    assert not TimelineEntry.objects.filter(pk=alma_entry.pk).exists()
    assert TimelineEntry.objects.filter(child=left["held"]).exists()

    # Logged by kind and count, never by name.
    removals = AccessLogEntry.objects.filter(
        municipality=world.solby, basis=Basis.ADMINISTRATION, actor=None
    )
    by_kind = {(e.object_type, e.action, e.detail) for e in removals}
    assert {
        ("cases.child", Action.DELETE, "1"),
        ("cases.guardian", Action.DELETE, "1"),
        ("cases.household", Action.DELETE, "1"),
        ("cases.login", Action.DELETE, "1"),
    } <= by_kind
    assert not [e for e in removals if "Bo" in e.purpose + e.detail + e.object_type]

    # A second run changes nothing.
    logged = AccessLogEntry.objects.filter(actor=None).count()
    with at(+2, months=60):
        retention_sweep()
    assert AccessLogEntry.objects.filter(actor=None).count() == logged
    assert Child.objects.filter(pk__in=[c.pk for c in left.values()]).count() == 3


def test_a_shorter_rule_never_reaches_into_the_months_tal_counts(world, left):
    """A municipality's rule of one year still waits until the child's last enrolment is older
    than the first month /tal/ counts (1 January two years back)."""
    RetentionRule.objects.create(municipality=world.solby, record_type="cases.child", months=12)
    with at(+1, months=13):
        retention_sweep()
    assert _exists(left["gone"])
    # 1 January 2030: /tal/ counts from 1 January 2028, after the enrolment ended.
    with at((EVENT.date().replace(year=2030, month=1, day=1) - LEFT).days):
        retention_sweep()
    assert not _exists(left["gone"])


def test_a_guardian_of_another_child_stays(world, left):
    sibling = f.ChildFactory(municipality=world.solby, first_name="Søster")
    f.EnrolmentFactory(child=sibling, group=world.room)
    mother = left["gone"].guardians.get()
    f.GuardianshipFactory(child=sibling, guardian=mother)
    with at(+1, months=60):
        retention_sweep()
    assert not _exists(left["gone"])
    assert Guardian.objects.filter(pk=mother.pk).exists()


def test_a_login_the_access_log_still_names_is_closed_not_deleted(world, left):
    mother = left["gone"].guardians.get().user
    with at(+1, months=60):
        # She looked at her child's page lately: the access log keeps that for 5 years.
        AccessLogEntry.objects.create(
            municipality=world.solby,
            actor=mother,
            action=Action.READ,
            basis=Basis.GUARDIAN,
            child_id=left["gone"].pk,
            purpose="Barnets side",
        )
        retention_sweep()
    assert not _exists(left["gone"])
    mother = User.objects.get(pk=mother.pk)
    assert not mother.is_active
    assert not mother.has_usable_password()


def test_brothers_and_sisters_in_separate_batches_take_their_shared_guardian_with_the_last(
    world, left
):
    sister = _child_who_left(world.solby, world.room, name="Sara")
    mother = left["gone"].guardians.get()
    f.GuardianshipFactory(child=sister, guardian=mother)
    with at(+1, months=60):
        retention_sweep(batch_size=1)
    assert not _exists(left["gone"]) and not _exists(sister)
    assert not Guardian.objects.filter(pk=mother.pk).exists()
    # One child per batch (Bo, Sara, Holger and Carla), each batch its own line in the log.
    details = AccessLogEntry.objects.filter(
        municipality=world.solby, object_type="cases.child", actor=None
    ).values_list("detail", flat=True)
    assert sorted(details) == ["1"] * 4
