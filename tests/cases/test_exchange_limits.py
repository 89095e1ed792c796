"""Issue #13, hole 6: the exchange without consent is one meeting (plus at most one follow-up
meeting) per matter, gives access on the meeting days and a short minutes follow-up only,
between the fields the law names, at most twice a year per child — and the guardians learn of
it on the child's page and in their log once the meeting is over."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.access import grants_rebuild
from cases.models import ExchangeGrant
from cases.selectors import child_list_visible_to
from tests import factories as f
from tests.factories import noon
from trivsel.audit.models import AccessLogEntry, Topic
from trivsel.audit.selectors import access_log_for_guardian
from trivsel.organisation.models import Role, UnitType

TODAY = timezone.localdate


def visible(user, child):
    return child_list_visible_to(user).filter(pk=child.pk).exists()


def exchange(world, **overrides):
    arguments = {
        "actor": world.leader,
        "child": world.child,
        "purpose": "Tidlig forebyggende indsats",
        "participants": [world.teacher],
        "meeting_date": TODAY(),
    }
    arguments.update(overrides)
    return services.exchange_grant_create(**arguments)


@pytest.fixture
def psychologist(world):
    ppr = f.UnitFactory(municipality=world.solby, name="PPR Solby", type=UnitType.PPR)
    return f.StaffFactory(
        user=f.UserFactory(username="pia", municipality=world.solby, first_name="Pia"),
        roles=[Role.PPR_PSYCHOLOGIST],
        units=[ppr],
    ).user


def test_a_third_exchange_about_the_child_within_a_year_is_refused_pointing_to_consent(world):
    exchange(world)
    with time_machine.travel(noon(100)):
        exchange(world, meeting_date=TODAY())
    with time_machine.travel(noon(300)):
        with pytest.raises(ValidationError) as error:
            exchange(world, meeting_date=TODAY())
        assert "samtykke" in " ".join(error.value.messages)
    assert ExchangeGrant.objects.count() == 2
    # A year after the first meeting, one more is possible again.
    with time_machine.travel(noon(366)):
        exchange(world, meeting_date=TODAY())


def test_only_the_fields_the_law_names_take_part(world, psychologist, login):
    with pytest.raises(ValidationError) as error:
        exchange(world, participants=[world.teacher, psychologist])
    assert "Pia" in " ".join(error.value.messages)
    assert not ExchangeGrant.objects.exists()
    # The form does not offer them either.
    page = login(world.leader).get(f"/boern/{world.child.pk}/udveksling/ny/").content.decode()
    assert f'value="{world.teacher.pk}"' in page
    assert f'value="{psychologist.pk}"' not in page


def test_an_old_exchange_gives_nothing_to_a_participant_outside_those_fields(world, psychologist):
    old = ExchangeGrant.objects.create(
        child=world.child, purpose="Gammel", meeting_date=TODAY(), created_by=world.leader
    )
    old.participants.set([psychologist, world.teacher])
    grants_rebuild(child_ids=[world.child.pk])
    assert visible(world.teacher, world.child)
    assert not visible(psychologist, world.child)


def test_a_participant_who_leaves_those_fields_loses_the_access(world):
    exchange(world)
    assert visible(world.teacher, world.child)
    profile = world.teacher.staff_profile
    profile.roles = [Role.SSP_CONSULTANT]
    profile.save()
    assert not visible(world.teacher, world.child)


@pytest.mark.parametrize(
    "meeting, follow_up, field",
    [(31, None, "meeting_date"), (2, 63, "follow_up_date"), (-1, None, "meeting_date")],
)
def test_the_meeting_days_are_near_and_planned(world, meeting, follow_up, field):
    with pytest.raises(ValidationError) as error:
        exchange(
            world,
            meeting_date=TODAY() + timedelta(days=meeting),
            follow_up_date=TODAY() + timedelta(days=follow_up) if follow_up else None,
        )
    assert field in error.value.error_dict


def test_an_old_rolling_exchange_shrinks_to_its_meeting_days(world):
    """Before the fix an exchange could last 270 days: the meeting, 180 days, the follow-up."""
    old = ExchangeGrant.objects.create(
        child=world.child,
        purpose="Gammel",
        meeting_date=TODAY(),
        follow_up_date=TODAY() + timedelta(days=180),
        created_by=world.leader,
    )
    old.participants.set([world.teacher])
    grants_rebuild(child_ids=[world.child.pk])
    for days, seen in ((0, True), (14, True), (15, False), (100, False), (180, True)):
        with time_machine.travel(noon(days)):
            assert visible(world.teacher, world.child) is seen, days


def test_the_guardians_learn_of_the_exchange_once_the_meeting_is_over(world, login):
    login(world.leader).post(
        f"/boern/{world.child.pk}/udveksling/ny/",
        {
            "purpose": "Tværfagligt team om trivsel",
            "participants": [world.teacher.pk],
            "meeting_date": (TODAY() + timedelta(days=3)).strftime("%d.%m.%Y"),
        },
    )
    made = ExchangeGrant.objects.get()
    entry = AccessLogEntry.objects.get(object_type="cases.exchangegrant", object_id=str(made.pk))
    assert entry.topic == Topic.EXCHANGE

    staff_page = login(world.paedagog).get(f"/boern/{world.child.pk}/").content.decode()
    assert "Tværfagligt team om trivsel" in staff_page

    def guardian_sees():
        page = login(world.guardian).get(f"/boern/{world.child.pk}/").content.decode()
        log = list(access_log_for_guardian(child_id=world.child.pk))
        in_log = any(e.purpose == "Udveksling uden samtykke" for e in log)
        return "Tværfagligt team om trivsel" in page, in_log

    assert guardian_sees() == (False, False)
    with time_machine.travel(noon(3)):  # the meeting day
        assert guardian_sees() == (False, False)
    with time_machine.travel(noon(4)):
        assert guardian_sees() == (True, True)
        page = login(world.guardian).get(f"/boern/{world.child.pk}/").content.decode()
        assert "Udveksling uden samtykke" in page
        assert "tidligere servicelovens § 49 a" in page


def test_a_held_exchange_stays_marked_on_the_childs_page(world, login):
    exchange(world, purpose="Drøftelse af fravær")
    with time_machine.travel(noon(60)):
        page = login(world.paedagog).get(f"/boern/{world.child.pk}/").content.decode()
        # In the list of consents and exchanges, not only in the timeline.
        listed = page[page.index('id="samtykker"') :]
        assert 'class="trivsel-exchange"' in listed
        assert "Drøftelse af fravær" in listed
