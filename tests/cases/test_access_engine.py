"""The access engine through the selectors every later app uses: who sees which child, on which
basis, for how long."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from cases import services
from cases.access import grants_delete_expired
from cases.models import ChildUserObjectPermission, Consent, DataKind
from cases.selectors import (
    child_bases_for,
    child_capabilities,
    child_get_for,
    child_list_visible_to,
)
from tests.factories import ended, noon
from trivsel.audit.models import AccessLogEntry, Basis
from trivsel.organisation.models import Role

TODAY = timezone.localdate


def visible(user, child, kind=DataKind.BASIC):
    return child_list_visible_to(user, kind=kind).filter(pk=child.pk).exists()


def consent_to_school(world, **overrides):
    arguments = {
        "actor": world.paedagog,
        "child": world.child,
        "guardian": world.child.guardians.get(),
        "kinds": [DataKind.BASIC, DataKind.HANDOVER],
        "units": [world.school],
        "purpose": "Overlevering til skolestart",
        "valid_from": TODAY(),
        "valid_until": TODAY() + timedelta(days=30),
        "paper_date": TODAY(),
    }
    arguments.update(overrides)
    return services.consent_record(**arguments)


def test_enrolment_lets_the_group_and_unit_staff_see_the_child(world):
    assert visible(world.paedagog, world.child)
    assert visible(world.leader, world.child)
    assert visible(world.paedagog, world.child, DataKind.SCREENING)
    assert not visible(world.paedagog, world.child, DataKind.NOTIFICATIONS)
    for stranger in (world.teacher, world.social_worker, world.administrator, world.outsider):
        assert not visible(stranger, world.child)


def test_a_consent_opens_exactly_the_named_kinds_for_the_named_unit(world):
    consent_to_school(world)
    assert visible(world.teacher, world.child)
    assert visible(world.teacher, world.child, DataKind.HANDOVER)
    assert not visible(world.teacher, world.child, DataKind.SCREENING)
    assert child_get_for(world.teacher, world.child.pk).access_basis == Basis.CONSENT
    assert not visible(world.social_worker, world.child)


def test_withdrawal_takes_effect_at_once(world):
    consent = consent_to_school(world)
    assert visible(world.teacher, world.child)
    services.consent_withdraw(actor=world.guardian, consent=consent)
    assert not visible(world.teacher, world.child)
    with pytest.raises(Http404):
        child_get_for(world.teacher, world.child.pk)


def test_a_consent_ends_with_its_period_without_waiting_for_a_job(world):
    consent_to_school(world, valid_until=TODAY() + timedelta(days=2))
    assert visible(world.teacher, world.child)
    with time_machine.travel(noon(3)):
        assert not visible(world.teacher, world.child)
        # The periodic job only tidies up what the queries already ignore.
        assert grants_delete_expired() > 0
    assert not ChildUserObjectPermission.objects.filter(basis=Basis.CONSENT).exists()


def test_a_consent_starting_later_opens_nothing_before_its_first_day(world):
    consent_to_school(
        world, valid_from=TODAY() + timedelta(days=5), valid_until=TODAY() + timedelta(days=30)
    )
    assert not visible(world.teacher, world.child)
    with time_machine.travel(noon(6)):
        assert visible(world.teacher, world.child)


def test_a_consent_awaiting_the_guardian_opens_nothing_until_confirmed(world):
    consent = consent_to_school(world, paper=False)
    assert not visible(world.teacher, world.child)
    services.consent_answer(actor=world.guardian, consent=consent, accept=True)
    assert visible(world.teacher, world.child)
    assert Consent.objects.get(pk=consent.pk).evidence == "login"


def test_a_refusal_is_recorded_and_opens_nothing(world):
    consent = consent_to_school(world, refused=True)
    assert consent.status == "refused"
    assert not visible(world.teacher, world.child)


@pytest.mark.parametrize(
    "missing, field",
    [("kinds", "kinds"), ("units", "recipient_units"), ("purpose", "purpose")],
)
def test_a_consent_without_scope_cannot_be_saved(world, missing, field):
    empty = {"kinds": [], "units": [], "purpose": "  "}[missing]
    with pytest.raises(ValidationError) as error:
        consent_to_school(world, **{missing: empty})
    assert field in error.value.error_dict
    assert not Consent.objects.exists()


def test_the_database_refuses_a_consent_without_kinds(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            child=world.child,
            guardian=world.child.guardians.get(),
            kinds=[],
            purpose="x",
            valid_from=TODAY(),
            valid_until=TODAY(),
            status="given",
        )


def test_roles_narrow_the_recipient_units(world):
    from tests.factories import StaffFactory, UserFactory

    school_leader = StaffFactory(
        user=UserFactory(username="skole-leder", municipality=world.solby),
        roles=[Role.LEADER],
        units=[world.school],
    ).user
    consent_to_school(world, roles=[Role.LEADER])
    assert visible(school_leader, world.child)
    assert not visible(world.teacher, world.child)


def test_a_young_person_below_the_municipal_age_cannot_consent_alone(world):
    with pytest.raises(ValidationError) as error:
        consent_to_school(world, guardian=None, given_by_child=True)
    assert "given_by_child" in error.value.error_dict


def test_the_one_meeting_exchange_is_used_up_after_its_meeting(world):
    services.exchange_grant_create(
        actor=world.leader,
        child=world.child,
        purpose="Drøftelse i tværfagligt team",
        participants=[world.teacher],
        meeting_date=TODAY() + timedelta(days=2),
    )
    assert not visible(world.teacher, world.child)  # not before the meeting day
    with time_machine.travel(noon(2)):
        child = child_get_for(world.teacher, world.child.pk)
        assert child.access_basis == Basis.MEETING_EXCHANGE
    # The meeting day and the minutes follow-up (EXCHANGE_FOLLOW_UP_DAYS = 14), then nothing.
    with time_machine.travel(noon(16)):
        assert visible(world.teacher, world.child)
    with time_machine.travel(noon(17)):
        assert not visible(world.teacher, world.child)


def test_the_exchange_may_cover_one_follow_up_meeting(world):
    services.exchange_grant_create(
        actor=world.leader,
        child=world.child,
        purpose="Opfølgning",
        participants=[world.teacher],
        meeting_date=TODAY(),
        follow_up_date=TODAY() + timedelta(days=30),
    )
    # Each meeting day with its minutes follow-up; nothing in between.
    for days, seen in ((10, True), (15, False), (29, False), (30, True), (44, True), (45, False)):
        with time_machine.travel(noon(days)):
            assert visible(world.teacher, world.child) is seen, days


def test_statutory_authority_comes_with_the_social_workers_involvement_and_ends_with_it(world):
    involvement = services.statutory_involvement_add(
        actor=world.social_worker,
        child=world.child,
        person=world.social_worker,
        role="Socialrådgiver",
        purpose="Underretning",
        start=TODAY(),
    )
    child = child_get_for(world.social_worker, world.child.pk, kind=DataKind.NOTIFICATIONS)
    assert child.access_basis == Basis.STATUTORY
    ended(involvement, TODAY())
    with time_machine.travel(noon(1)):
        assert not visible(world.social_worker, world.child)


def test_a_guardian_never_gets_the_notifications_kind(world):
    assert visible(world.guardian, world.child)
    assert not visible(world.guardian, world.child, DataKind.NOTIFICATIONS)


def test_an_ended_enrolment_ends_the_access(world):
    enrolment = world.child.enrolments.get()
    ended(enrolment, TODAY())
    assert visible(world.paedagog, world.child)
    with time_machine.travel(noon(1)):
        assert not visible(world.paedagog, world.child)


def test_a_new_member_of_the_group_sees_its_children_at_once(world):
    from tests.factories import StaffFactory, UserFactory

    newcomer = StaffFactory(user=UserFactory(username="ny", municipality=world.solby)).user
    assert not visible(newcomer, world.child)
    newcomer.staff_profile.groups.add(world.room)
    assert visible(newcomer, world.child)
    newcomer.staff_profile.groups.remove(world.room)
    assert not visible(newcomer, world.child)


def test_another_municipality_never_sees_the_child_whatever_is_granted(world):
    with pytest.raises(ValidationError):
        consent_to_school(world, units=[world.nabo_unit])
    # Even a grant row written by mistake is cut off by tenancy.
    from django.contrib.auth.models import Permission

    ChildUserObjectPermission.objects.create(
        user=world.outsider,
        content_object=world.child,
        basis="consent",
        source_type="x",
        source_id=1,
        permission=Permission.objects.get(codename="view_child_basic"),
    )
    assert not visible(world.outsider, world.child)


def test_a_forged_id_gives_404_and_is_logged_as_denied(world):
    for pk in (world.child.pk, 999999, "1705214123"):
        with pytest.raises(Http404):
            child_get_for(world.teacher, pk, purpose="test")
    denied = AccessLogEntry.objects.filter(actor=world.teacher, basis=Basis.DENIED)
    assert denied.count() == 3
    assert all("1705214123" not in e.detail for e in denied)


def test_the_list_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(child_list_visible_to(world.paedagog))


def test_a_child_seen_on_several_bases_is_listed_once(world, django_assert_num_queries):
    # The pædagog sees the child through her room and her kindergarten, and now by consent too.
    consent_to_school(world, units=[], people=[world.paedagog], actor=world.leader)
    bases = child_capabilities(world.paedagog, world.child.pk).bases(DataKind.BASIC)
    assert bases == {Basis.ENROLMENT, Basis.CONSENT}
    with django_assert_num_queries(1):
        listed = list(child_list_visible_to(world.paedagog).values_list("pk", flat=True))
    assert listed == [world.child.pk]
    assert child_list_visible_to(world.paedagog).count() == 1


def test_one_childs_access_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        can = child_capabilities(world.paedagog, world.child.pk)
    assert can.basis(DataKind.BASIC) == Basis.ENROLMENT
    with django_assert_num_queries(1):
        bases = child_bases_for(world.paedagog, [world.child.pk])
    assert bases == {world.child.pk: Basis.ENROLMENT}


def test_a_forlob_has_exactly_one_tovholder_and_a_different_backup(world):
    forlob = services.forlob_open(
        actor=world.leader,
        child=world.child,
        title="Sprog",
        tovholder=world.paedagog,
        review_date=TODAY() + timedelta(days=90),
    )
    with pytest.raises(ValidationError):
        services.forlob_hand_over(
            actor=world.leader, forlob=forlob, tovholder=world.leader, backup=world.leader
        )
    with pytest.raises(ValidationError):
        services.forlob_open(
            actor=world.leader,
            child=world.child,
            title="Endnu et",
            tovholder=world.leader,
            review_date=date(2030, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        type(forlob).objects.filter(pk=forlob.pk).update(backup=world.paedagog)
    services.forlob_hand_over(
        actor=world.leader, forlob=forlob, tovholder=world.leader, backup=world.paedagog
    )
    forlob.refresh_from_db()
    assert (forlob.tovholder, forlob.backup) == (world.leader, world.paedagog)
    assert world.child.timeline.filter(kind="tovholder").exists()


def test_two_people_editing_one_plan_cannot_overwrite_each_other(world):
    forlob = services.forlob_open(
        actor=world.leader,
        child=world.child,
        title="Sprog",
        tovholder=world.paedagog,
        review_date=TODAY() + timedelta(days=90),
    )
    version = forlob.version
    services.forlob_plan_update(
        actor=world.paedagog, forlob=forlob, version=version, goal="Første mål"
    )
    with pytest.raises(services.EditConflict):
        services.forlob_plan_update(
            actor=world.leader, forlob=forlob, version=version, goal="Andet mål"
        )
    forlob.refresh_from_db()
    assert forlob.goal == "Første mål"


def test_housekeeping_gives_a_role_consent_to_someone_who_got_the_role_later(world):
    from cases.tasks import grants_housekeeping
    from tests.factories import StaffFactory, UserFactory

    consent_to_school(world, roles=[Role.LEADER])
    newcomer = StaffFactory(
        user=UserFactory(username="ny-leder", municipality=world.solby),
        roles=[Role.TEACHER],
        units=[world.school],
    ).user
    assert not visible(newcomer, world.child)
    newcomer.staff_profile.roles = [Role.LEADER]
    newcomer.staff_profile.save()
    grants_housekeeping()
    assert visible(newcomer, world.child)


def test_losing_the_social_work_role_ends_statutory_access(world):
    services.statutory_involvement_add(
        actor=world.social_worker,
        child=world.child,
        person=world.social_worker,
        role="Socialrådgiver",
        purpose="Underretning",
        start=TODAY(),
    )
    assert visible(world.social_worker, world.child)
    profile = world.social_worker.staff_profile
    profile.roles = [Role.PAEDAGOG]
    profile.save()
    assert not visible(world.social_worker, world.child)


def test_the_exchange_belongs_to_a_planned_meeting(world):
    for meeting in (TODAY() - timedelta(days=1), TODAY() + timedelta(days=200)):
        with pytest.raises(ValidationError):
            services.exchange_grant_create(
                actor=world.leader,
                child=world.child,
                purpose="Møde",
                participants=[world.teacher],
                meeting_date=meeting,
            )
