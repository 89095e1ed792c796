"""The nightly retention job: each kind of record goes (deleted, or anonymised where /tal/ counts
it) once its period has passed and not a day before; a legal hold keeps a child's records; a
second run changes nothing; batches; another municipality's records follow its own rules."""

from datetime import timedelta

from django.utils import timezone

from cases.insight.services import insight_request_create
from cases.models import InsightRequest
from referrals.figures import notification_counts
from referrals.models import Underretning
from screening.figures import screening_counts
from screening.models import JointAssessment
from tests.retention.conftest import EVENT, at, records_about, still_there
from trivsel.audit.models import AccessLogEntry, Action, Basis
from trivsel.retention.models import RetentionRule, RetentionRun
from trivsel.retention.registry import record_type_get, record_types
from trivsel.retention.services import record_type_sweep, retention_preview, retention_sweep

ALL_KINDS = {
    "screening.rating",
    "screening.joint_assessment",
    "cases.handover",
    "cases.consent",
    "cases.forlob",
    "cases.task",
    "cases.timeline",
    "meetings.meeting",
    "referrals.underretning",
    "referrals.referral",
    "referrals.consultation",
    "audit.access_log",
    "notifications.email",
}


def _rules(municipality, months):
    for record_type in record_types():
        RetentionRule.objects.create(
            municipality=municipality, record_type=record_type.key, months=months
        )


def test_it_knows_every_kind_of_record_the_issue_names():
    # The child's own record is not in ALL_KINDS: the persona child is still enrolled
    # (tests/retention/test_child_record.py).
    assert {t.key for t in record_types()} == ALL_KINDS | {"cases.child"}


def test_each_kind_goes_after_the_municipalitys_period_and_not_a_day_before(records):
    world = records.world
    _rules(world.solby, 12)
    _rules(world.nabo_kommune, 120)

    with at(-1, months=12):
        retention_sweep()
    assert still_there(records.solby) == dict.fromkeys(ALL_KINDS, True)

    with at(+1, months=12):
        retention_sweep()
    assert still_there(records.solby) == dict.fromkeys(ALL_KINDS, False)
    # Nabo's rules keep its records ten years, whatever Solby decides.
    assert still_there(records.nabo) == dict.fromkeys(ALL_KINDS, True)

    # Anonymised, not gone: what /tal/ counts is still there, nothing that points to Alma.
    assessment = JointAssessment.objects.get(pk=records.solby["screening.joint_assessment"].pk)
    assert (assessment.child_id, assessment.position, assessment.parent_summary) == (
        None,
        "gul",
        "",
    )
    notification = Underretning.objects.get(pk=records.solby["referrals.underretning"].pk)
    assert notification.child_id is None
    assert notification.notifier_name == notification.notifier_email == notification.text == ""
    assert notification.notifier_kind == "citizen"
    assert notification.closed_at == EVENT
    assert (
        records.solby["screening.rating"]
        .round.__class__.objects.get(pk=records.solby["screening.rating"].round_id)
        .removed_marks_rated
        == 1
    )

    # The access log says what went, by kind and count, never what the records said.
    removals = AccessLogEntry.objects.filter(
        municipality=world.solby, basis=Basis.ADMINISTRATION, actor=None
    )
    assert {(e.object_type, e.action, e.detail) for e in removals} == {
        (key, Action.CHANGE if record_type_get(key).action == "anonymise" else Action.DELETE, "1")
        for key in ALL_KINDS
    }
    assert not [e for e in removals if "Alma" in e.purpose + e.detail]
    run = RetentionRun.objects.filter(municipality=world.solby).order_by("-pk").first()
    assert run.removed == dict.fromkeys(ALL_KINDS, 1)


def test_the_products_defaults_apply_without_a_rule(records):
    with at(+1, months=12):
        retention_sweep()
    kept = still_there(records.solby)
    assert kept["screening.rating"] is False  # 12 months after the round closed
    assert kept["screening.joint_assessment"] is True  # 3 years
    assert kept["audit.access_log"] is True  # 5 years
    assert kept["notifications.email"] is False  # a month


def test_a_second_run_changes_nothing(records):
    _rules(records.world.solby, 12)
    with at(+1, months=12):
        retention_sweep()
        logged = AccessLogEntry.objects.filter(actor=None).count()
        retention_sweep()
    assert AccessLogEntry.objects.filter(actor=None).count() == logged
    assert (
        RetentionRun.objects.filter(municipality=records.world.solby)
        .order_by("-pk")
        .first()
        .removed
        == {}
    )


def test_a_legal_hold_keeps_the_childs_records_whatever_their_age(records):
    world = records.world
    _rules(world.solby, 12)
    with at(+1, months=12):
        Underretning(
            municipality=world.solby,
            route="classic",
            category="neglect",
            child=world.child,
            text="Igen",
            received_at=timezone.now() - timedelta(days=2),
            notifier_kind="anonymous",
        ).save()
        retention_sweep()
    kept = still_there(records.solby)
    # Nothing about the child; what is about no child (the words of an anonymous consultation,
    # an e-mail) goes as usual.
    assert kept == {
        **dict.fromkeys(ALL_KINDS, True),
        "referrals.consultation": False,
        "notifications.email": False,
    }


def test_a_pending_insight_request_holds_the_childs_records_until_it_is_answered(records):
    world = records.world
    _rules(world.solby, 12)
    request = insight_request_create(actor=world.guardian, child=world.child)
    with at(+1, months=12):
        retention_sweep()
    assert still_there(records.solby)["cases.consent"] is True
    InsightRequest.objects.filter(pk=request.pk).update(released_at=timezone.now())
    with at(+1, months=12):
        retention_sweep()
    assert still_there(records.solby)["cases.consent"] is False


def test_the_dry_run_counts_without_removing(records):
    _rules(records.world.solby, 12)
    with at(+1, months=12):
        rows, held = retention_preview(municipality_id=records.world.solby.pk)
    by_key = {row["rule"].record_type.key: row for row in rows}
    assert {key: row["count"] for key, row in by_key.items()} == {
        **dict.fromkeys(ALL_KINDS, 1),
        "cases.child": 0,  # still enrolled
    }
    assert by_key["cases.handover"]["oldest"] == EVENT.date()
    assert by_key["audit.access_log"]["oldest"] == EVENT
    assert held == 0
    assert still_there(records.solby) == dict.fromkeys(ALL_KINDS, True)


def test_it_works_in_batches_each_logged(world):
    with at(0):
        for _ in range(5):
            AccessLogEntry.objects.create(
                municipality=world.solby,
                actor=world.paedagog,
                action=Action.READ,
                basis=Basis.ENROLMENT,
                child_id=world.child.pk,
            )
    seen = []
    with at(+1, months=60):
        removed, batches = record_type_sweep(
            record_type=record_type_get("audit.access_log"),
            municipality_id=world.solby.pk,
            before=timezone.now() - timedelta(days=365 * 5),
            held=[],
            batch_size=2,
            on_batch=lambda record_type, count, seconds: seen.append(count),
        )
    assert (removed, batches, seen) == (5, 3, [2, 2, 1])
    assert sorted(
        AccessLogEntry.objects.filter(object_type="audit.access_log").values_list(
            "detail", flat=True
        )
    ) == ["1", "2", "2"]


def _without_repeats(municipality, today):
    counts = notification_counts(municipality_id=municipality.pk, today=today)
    return sorted(row for row in counts if row.figure != "notifications.repeats")


def test_the_figures_survive_the_anonymising(records):
    world = records.world
    _rules(world.solby, 12)
    with at(+1, months=12):
        today = timezone.localdate()
        screening_before = sorted(screening_counts(municipality_id=world.solby.pk, today=today))
        # Every figure of the notifications but the repeats, which need the child (README: a
        # period shorter than /tal/'s three years thins that one figure out).
        notifications_before = _without_repeats(world.solby, today)
        retention_sweep()
        assert sorted(screening_counts(municipality_id=world.solby.pk, today=today)) == (
            screening_before
        )
        assert _without_repeats(world.solby, today) == notifications_before
    assert any(row.figure == "screening.rated" and row.count for row in screening_before)


def test_a_network_meeting_whose_minutes_are_a_notifications_content_waits_for_it(world):
    """The minutes of a dialogue meeting are the notification's content (PROTECT): the meeting
    is kept until the notification is anonymised, and then goes."""
    records = records_about(
        world.child,
        municipality=world.solby,
        unit=world.kindergarten,
        other_unit=world.school,
        group=world.room,
        staff=world.paedagog,
    )
    notification = records["referrals.underretning"]
    notification.minutes = records["meetings.meeting"].minutes.get()
    notification.save()
    RetentionRule.objects.create(
        municipality=world.solby, record_type="meetings.meeting", months=12
    )
    with at(+1, months=12):
        retention_sweep()
    assert still_there(records)["meetings.meeting"] is True
    RetentionRule.objects.create(
        municipality=world.solby, record_type="referrals.underretning", months=12
    )
    with at(+2, months=12):
        retention_sweep()  # the notification lets go of the minutes …
        retention_sweep()  # … and the next night the meeting goes
    assert still_there(records)["meetings.meeting"] is False


def test_the_marks_leave_each_round_the_count_of_children_rated_by_its_deadline(world):
    from screening.defaults import install_default_templates
    from screening.models import FormTemplate, Rating, Round
    from tests import factories as f

    install_default_templates(FormTemplate)
    template = FormTemplate.objects.get(municipality=None, sector="boernehave", version=1)
    bo = f.ChildFactory(municipality=world.solby, first_name="Bo", last_name="Berg")
    rounds = []
    with at(0):
        for late in (False, True):
            round_ = Round.objects.create(
                group=world.room,
                template=template,
                deadline=EVENT.date() - timedelta(days=3),
                status="closed",
                opened_by=world.leader,
                closed_at=EVENT,
            )
            for child in (world.child, bo):
                for rater in (world.paedagog, world.leader):
                    Rating.objects.create(round=round_, child=child, rater=rater, position="groen")
            if late:  # Bo's marks in the second round came after its deadline
                Rating.objects.filter(round=round_, child=bo).update(updated_at=timezone.now())
            else:
                Rating.objects.filter(round=round_).update(updated_at=EVENT - timedelta(days=5))
            rounds.append(round_)
        Rating.objects.filter(round=rounds[1], child=world.child).update(
            updated_at=EVENT - timedelta(days=5)
        )
    with at(+1, months=12):
        removed, _batches = record_type_sweep(
            record_type=record_type_get("screening.rating"),
            municipality_id=world.solby.pk,
            before=timezone.now() - timedelta(days=365),
            held=[],
            batch_size=3,
        )
    assert removed == 8
    assert [Round.objects.get(pk=r.pk).removed_marks_rated for r in rounds] == [2, 1]
