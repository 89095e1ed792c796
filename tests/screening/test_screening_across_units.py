"""Screening stays with the unit that made it (DOMAIN.md §5, §6): the enrolment basis covers the
records of the user's own unit; another unit's screening reaches a new unit only through a
handover the parents consented to, as its written summary. Every route to the records asks
cases.selectors.screening_scope_for."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services as case_services
from cases.access import grants_rebuild
from cases.handovers import services as handover_services
from cases.models import ConsentStatus, DataKind, Task, TimelineEntry, TransitionType
from screening import services
from tests import factories as f
from trivsel.audit.models import AccessLogEntry, Basis, Topic
from trivsel.organisation.models import Role, UnitType

REFLECTION = "Intern refleksion: uro i hjemmet"
SUMMARY = "Alma leger mest alene. Vi vil gerne tale med jer om, hvordan vi støtter hende."
TEAM_TASK = "Take the child to the cross-disciplinary team"


def agree_red(world):
    """The kindergarten agrees a red position for Alma, with an internal reflection, a summary
    for the parents and a decided action."""
    services.round_start_joint(actor=world.leader, round_=world.round)
    return services.joint_assessment_save(
        actor=world.leader,
        round_=world.round,
        child=world.child,
        position="roed",
        reflection=REFLECTION,
        parent_summary=SUMMARY,
        action_title="Samtale med Almas mor om søvn",
        action_owner=world.paedagog,
        action_due=timezone.localdate() + timedelta(days=7),
    )


@pytest.fixture
def moved(school):
    """Alma's red position is agreed in the kindergarten; then she moves to the school, where
    Jonas teaches her class. The kindergarten's enrolment has ended; no handover was consented to.
    """
    world = school
    world.assessment = agree_red(world)
    f.EnrolmentFactory(child=world.child, group=world.school_class, start=timezone.localdate())
    enrolment = world.child.enrolments.get(unit=world.kindergarten)
    f.ended(enrolment, timezone.localdate() - timedelta(days=1))
    return world


def page(login, user, url):
    response = login(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_the_new_unit_does_not_read_the_previous_units_screening(moved, login):
    html = page(login, moved.teacher, f"/trivsel/barn/{moved.child.pk}/")
    assert REFLECTION not in html
    assert "Rød position" not in html
    assert SUMMARY not in html
    # The look is logged, with the enrolment basis and as day-to-day work the parents may see.
    look = AccessLogEntry.objects.filter(actor=moved.teacher, child_id=moved.child.pk).latest("pk")
    assert (look.basis, look.topic) == (Basis.ENROLMENT, Topic.DAILY_CARE)
    assert look.guardian_visible_from is not None


def test_the_new_units_own_screening_shows(moved, login):
    """The school's own round: its staff read it, and still nothing of the kindergarten's."""
    from screening.models import FormTemplate

    teacher_leader = f.StaffFactory(
        user=f.UserFactory(username="soeren", municipality=moved.solby, first_name="Søren"),
        roles=[Role.LEADER],
        units=[moved.school],
    ).user
    school_round = services.round_open(
        actor=teacher_leader,
        group=moved.school_class,
        template=FormTemplate.objects.get(municipality=None, sector="skole_sfo", version=1),
        deadline=timezone.localdate() + timedelta(days=7),
    )
    services.round_start_joint(actor=teacher_leader, round_=school_round)
    services.joint_assessment_save(
        actor=teacher_leader,
        round_=school_round,
        child=moved.child,
        position="gul",
        reflection="Skolens egen refleksion",
    )
    html = page(login, moved.teacher, f"/trivsel/barn/{moved.child.pk}/")
    assert "Skolens egen refleksion" in html
    assert REFLECTION not in html


def test_the_child_page_hides_the_previous_units_screening_tasks_and_timeline(moved, login):
    html = page(login, moved.teacher, f"/boern/{moved.child.pk}/")
    assert "tværfaglige team" not in html
    assert "Samtale med Almas mor" not in html
    assert Task.objects.filter(unit=moved.kindergarten, data_kind=DataKind.SCREENING).count() >= 2
    # The social-work side reads every unit's screening, tasks and timeline included.
    case_services.statutory_involvement_add(
        actor=moved.social_worker,
        child=moved.child,
        person=moved.social_worker,
        role="Rådgiver",
        purpose="Underretning",
        start=timezone.localdate(),
    )
    html = page(login, moved.social_worker, f"/boern/{moved.child.pk}/")
    assert "Samtale med Almas mor" in html


def test_while_the_child_is_in_both_units_each_reads_its_own(school, login):
    """Alma starts school before her time in the kindergarten ends: the kindergarten still reads
    its own screening; the school does not read it."""
    agree_red(school)
    f.EnrolmentFactory(child=school.child, group=school.school_class, start=timezone.localdate())
    grants_rebuild(child_ids=[school.child.pk])
    assert REFLECTION in page(login, school.paedagog, f"/trivsel/barn/{school.child.pk}/")
    assert "Samtale med Almas mor" in page(login, school.paedagog, f"/boern/{school.child.pk}/")
    assert REFLECTION not in page(login, school.teacher, f"/trivsel/barn/{school.child.pk}/")
    assert "Samtale med Almas mor" not in page(login, school.teacher, f"/boern/{school.child.pk}/")


def test_what_each_basis_covers(moved):
    from cases.selectors import screening_scope_for
    from screening.selectors import position_history

    kindergarten = moved.kindergarten.pk
    # Enrolment: the user's own unit only.
    assert not screening_scope_for(moved.teacher, moved.child).reads_summary(kindergarten)
    # Guardian: every unit, the summaries only.
    scope = screening_scope_for(moved.guardian, moved.child)
    assert scope.reads_summary(kindergarten) and not scope.reads_full(kindergarten)
    assert [a.full for a in position_history(moved.guardian, moved.child)] == [False]
    # Nobody else in the municipality, nobody outside it.
    assert screening_scope_for(moved.outsider, moved.child).is_empty
    assert screening_scope_for(moved.paedagog, moved.child).is_empty


def test_a_consent_naming_the_screening_gives_the_summaries_written_for_the_parents(moved, login):
    case_services.consent_record(
        actor=moved.teacher,
        child=moved.child,
        guardian=moved.child.guardians.get(),
        kinds=[DataKind.BASIC, DataKind.SCREENING],
        people=[moved.social_worker],
        purpose="Dialog om trivselsvurderingen",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=30),
        paper_date=timezone.localdate(),
    )
    html = page(login, moved.social_worker, f"/trivsel/barn/{moved.child.pk}/")
    assert SUMMARY in html
    assert REFLECTION not in html and "Rød position" not in html
    assert "Samtale med Almas mor" not in page(
        login, moved.social_worker, f"/boern/{moved.child.pk}/"
    )


@pytest.mark.parametrize("kindergarten_at_the_table", [False, True])
def test_the_exchange_covers_the_units_of_those_at_the_table(
    moved, login, kindergarten_at_the_table
):
    """The one-meeting exchange: with the kindergarten's leader taking part, the summary the
    kindergarten wrote for the parents is on the table for the meeting; without her it is not.
    Never its positions and internal reflections: an exchange is not a way round a refused
    handover. The follow-up meeting gives the same."""
    from cases.selectors import screening_scope_for

    health = f.UnitFactory(
        municipality=moved.solby, name="Sundhedsplejen", type=UnitType.HEALTH_VISITING
    )
    nurse = f.StaffFactory(
        user=f.UserFactory(username="hanne", municipality=moved.solby, first_name="Hanne"),
        roles=[Role.HEALTH_VISITOR],
        units=[health],
    ).user
    participants = [moved.teacher, nurse] + ([moved.leader] if kindergarten_at_the_table else [])
    case_services.exchange_grant_create(
        actor=moved.teacher,
        child=moved.child,
        purpose="Tidlig forebyggende indsats",
        participants=participants,
        meeting_date=timezone.localdate(),
    )
    html = page(login, nurse, f"/trivsel/barn/{moved.child.pk}/")
    assert REFLECTION not in html
    assert (SUMMARY in html) == kindergarten_at_the_table
    units = {moved.school.pk, health.pk} | (
        {moved.kindergarten.pk} if kindergarten_at_the_table else set()
    )
    scope = screening_scope_for(nurse, moved.child)
    assert scope.summary_units == units and not scope.full_units


def test_the_exchanges_follow_up_meeting_puts_the_same_on_the_table(moved, login):
    from cases.selectors import screening_scope_for

    health = f.UnitFactory(
        municipality=moved.solby, name="Sundhedsplejen", type=UnitType.HEALTH_VISITING
    )
    nurse = f.StaffFactory(
        user=f.UserFactory(username="hanne", municipality=moved.solby, first_name="Hanne"),
        roles=[Role.HEALTH_VISITOR],
        units=[health],
    ).user
    follow_up = timezone.localdate() + timedelta(days=40)
    case_services.exchange_grant_create(
        actor=moved.teacher,
        child=moved.child,
        purpose="Tidlig forebyggende indsats",
        participants=[moved.teacher, nurse, moved.leader],
        meeting_date=timezone.localdate(),
        follow_up_date=follow_up,
    )
    with time_machine.travel(follow_up):
        assert screening_scope_for(nurse, moved.child).summary_units == {
            moved.school.pk,
            health.pk,
            moved.kindergarten.pk,
        }
        assert SUMMARY in page(login, nurse, f"/trivsel/barn/{moved.child.pk}/")


def test_a_handover_carries_the_sending_units_own_summary_only(moved):
    """The school hands Alma on to the club with her screening attached: the school has written
    nothing for the parents, so nothing of the kindergarten's is attached either."""
    club = f.UnitFactory(municipality=moved.solby, name="Klubben", type=UnitType.YOUTH_CLUB)
    f.StaffFactory(
        user=f.UserFactory(username="klubleder", municipality=moved.solby),
        roles=[Role.LEADER],
        units=[club],
    )
    handover = handover_services.handover_create(
        actor=moved.teacher,
        child=moved.child,
        transition=TransitionType.SCHOOL_TO_CLUB,
        sending_unit=moved.school,
        sending_group=moved.school_class,
        receiving_unit=club,
        transition_date=timezone.localdate() + timedelta(days=30),
        strengths="Nysgerrig",
        professional_view="Ro ved overgange",
        attach_screening=True,
    )
    handover = handover_services.handover_request_consent(
        actor=moved.teacher,
        handover=handover,
        guardian=moved.child.guardians.get(),
        valid_until=timezone.localdate() + timedelta(days=60),
        paper=True,
        paper_date=timezone.localdate(),
    )
    assert handover.consent.status == ConsentStatus.GIVEN
    handover = handover_services.handover_send(actor=moved.teacher, handover=handover)
    assert handover.screening_summary == ""


def test_a_referral_is_not_held_back_by_another_units_red_position(moved):
    from referrals.services import referral_create

    ppr = f.UnitFactory(municipality=moved.solby, name="PPR", type=UnitType.PPR)
    referral = referral_create(
        actor=moved.teacher,
        child=moved.child,
        from_unit=moved.school,
        to_unit=ppr,
        reason="Sprog",
        proposal="conversation",
        guardian=moved.child.guardians.get(),
        kinds=[DataKind.BASIC],
        valid_until=timezone.localdate() + timedelta(days=60),
        paper_date=timezone.localdate(),
    )
    assert referral.pk
    # The kindergarten's own referral still waits for its team.
    f.EnrolmentFactory(child=moved.child, group=moved.room, start=timezone.localdate())
    grants_rebuild(child_ids=[moved.child.pk])
    with pytest.raises(ValidationError):
        referral_create(
            actor=moved.paedagog,
            child=moved.child,
            from_unit=moved.kindergarten,
            to_unit=ppr,
            reason="Sprog",
            proposal="conversation",
            guardian=moved.child.guardians.get(),
            kinds=[DataKind.BASIC],
            valid_until=timezone.localdate() + timedelta(days=60),
            paper_date=timezone.localdate(),
        )


def test_screening_timeline_entries_name_their_unit(moved):
    entries = TimelineEntry.objects.filter(child=moved.child, data_kind=DataKind.SCREENING)
    assert entries.exists()
    assert set(entries.values_list("unit_id", flat=True)) == {moved.kindergarten.pk}


def test_the_migration_gives_existing_screening_tasks_their_unit(moved):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("screening.migrations.0003_screening_tasks_know_their_unit")
    tasks = Task.objects.filter(source_type__startswith="screening.")
    entries = TimelineEntry.objects.filter(child=moved.child, data_kind=DataKind.SCREENING)
    assert tasks.count() >= 2 and entries.count() == tasks.count()
    # As before the rule: nothing named its unit.
    tasks.update(unit=None)
    entries.update(unit=None)
    migration.backfill(apps, None)
    assert set(tasks.values_list("unit_id", flat=True)) == {moved.kindergarten.pk}
    assert set(entries.values_list("unit_id", flat=True)) == {moved.kindergarten.pk}
