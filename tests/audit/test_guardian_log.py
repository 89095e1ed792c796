"""The guardians' view of the access log is an allow-list (trivsel.audit.rules): day-to-day
look-ups, consent-based sharing, meetings and handovers — never who looked, never anything
without a topic, and the exchange without consent only once its meeting is over."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cases.models import DataKind
from trivsel.audit.models import AccessLogEntry, Action, Basis, Topic
from trivsel.audit.rules import guardian_visible_from
from trivsel.audit.selectors import access_log_for_guardian
from trivsel.audit.services import access_log_record

pytestmark = pytest.mark.django_db


def guardian_log(world, login):
    client = Client()  # her own browser: no messages left from the staff's requests
    client.force_login(world.guardian)
    page = client.get(f"/boern/{world.child.pk}/adgangslog/")
    assert page.status_code == 200
    return page.content.decode().count("<tr>") - 1, page.content.decode()


def test_the_mother_sees_the_day_to_day_look_ups_and_not_who_looked(world, login):
    login(world.paedagog).get(f"/boern/{world.child.pk}/")
    rows, page = guardian_log(world, login)
    assert rows == 1
    assert "Barnets side" in page and "Indskrivning" in page
    assert "Mette" not in page


def test_a_look_without_a_topic_is_for_the_administrators_only(world):
    access_log_record(
        actor=world.paedagog,
        action=Action.READ,
        basis=Basis.ENROLMENT,
        obj=world.child,
        child_id=world.child.pk,
        purpose="Noget nyt",
    )
    assert AccessLogEntry.objects.filter(purpose="Noget nyt").exists()
    assert not access_log_for_guardian(child_id=world.child.pk).exists()


@pytest.mark.parametrize(
    "topic, basis, shown",
    [
        (Topic.DAILY_CARE, Basis.ENROLMENT, True),
        (Topic.CONSENT, Basis.CONSENT, True),
        (Topic.MEETING, Basis.CONSENT, True),
        (Topic.HANDOVER, Basis.CONSENT, True),
        (Topic.DAILY_CARE, Basis.STATUTORY, False),
        (Topic.SOCIAL_WORK, Basis.ENROLMENT, False),
        (Topic.INTERNAL, Basis.ENROLMENT, False),
        (Topic.DAILY_CARE, Basis.OWN_RECORD, False),
        (Topic.DAILY_CARE, Basis.GUARDIAN, False),
        (Topic.DAILY_CARE, Basis.DENIED, False),
        (Topic.DAILY_CARE, Basis.SSP, False),
    ],
)
def test_the_allow_list(topic, basis, shown):
    at = timezone.now()
    visible = guardian_visible_from(topic=topic, basis=basis, at=at)
    assert (visible == at) if shown else visible is None


def test_an_exchange_without_consent_shows_once_its_meeting_is_over(world):
    meeting_day = timezone.localdate() + timedelta(days=3)
    after_the_meeting = timezone.make_aware(datetime.combine(meeting_day, time.min)) + timedelta(
        days=1
    )
    access_log_record(
        actor=world.leader,
        action=Action.CREATE,
        basis=Basis.ENROLMENT,
        obj=world.child,
        child_id=world.child.pk,
        purpose="Udveksling uden samtykke",
        topic=Topic.EXCHANGE,
        guardian_not_before=after_the_meeting,
    )
    assert not access_log_for_guardian(child_id=world.child.pk).exists()
    with time_machine.travel(after_the_meeting - timedelta(minutes=1)):
        assert not access_log_for_guardian(child_id=world.child.pk).exists()
    with time_machine.travel(after_the_meeting + timedelta(minutes=1)):
        assert access_log_for_guardian(child_id=world.child.pk).count() == 1


def test_a_look_on_the_exchange_basis_shows_from_the_next_day(world):
    access_log_record(
        actor=world.teacher,
        action=Action.READ,
        basis=Basis.MEETING_EXCHANGE,
        obj=world.child,
        child_id=world.child.pk,
        purpose="Barnets side",
        topic=Topic.DAILY_CARE,
    )
    assert not access_log_for_guardian(child_id=world.child.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert access_log_for_guardian(child_id=world.child.pk).count() == 1


def test_a_look_by_the_social_work_side_never_shows_whatever_its_basis(world, login):
    from cases import services

    services.consent_record(
        actor=world.paedagog,
        child=world.child,
        guardian=world.child.guardians.get(),
        kinds=[DataKind.BASIC, DataKind.SCREENING],
        people=[world.social_worker],
        purpose="Sparring med familieafdelingen",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=30),
        paper_date=timezone.localdate(),
    )
    rows_before, _page = guardian_log(world, login)
    assert login(world.social_worker).get(f"/boern/{world.child.pk}/").status_code == 200
    look = AccessLogEntry.objects.filter(actor=world.social_worker).latest("pk")
    assert look.basis == Basis.CONSENT  # an allowed topic and basis, yet:
    assert look.guardian_visible_from is None
    assert guardian_log(world, login)[0] == rows_before


def test_earlier_day_to_day_looks_stay_in_the_guardians_log_and_nothing_else(world):
    """Entries written before the allow-list have no topic; the migration lets through only the
    certain day-to-day, consent and handover looks (and none by the social-work side)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "trivsel.audit.migrations.0004_guardian_visibility_of_earlier_entries"
    )

    def earlier(actor, basis, purpose, object_type="cases.child"):
        return AccessLogEntry.objects.create(
            actor=actor,
            municipality=world.solby,
            action=Action.READ,
            basis=basis,
            object_type=object_type,
            object_id="1",
            child_id=world.child.pk,
            purpose=purpose,
        )

    page = earlier(world.paedagog, Basis.ENROLMENT, "Barnets side")
    consent = earlier(world.paedagog, Basis.ENROLMENT, "Registrér samtykke", "cases.consent")
    notification = earlier(world.teacher, Basis.OWN_RECORD, "Send en underretning")
    social_worker = earlier(world.social_worker, Basis.CONSENT, "Barnets side")
    meeting = earlier(world.paedagog, Basis.CONSENT, "Mødeside")
    notification_object = earlier(
        world.paedagog, Basis.ENROLMENT, "Dialogbaseret underretning", "referrals.notification"
    )
    migration.let_earlier_day_to_day_looks_through(apps, None)

    shown = set(access_log_for_guardian(child_id=world.child.pk).values_list("pk", flat=True))
    assert shown == {page.pk, consent.pk}
    for hidden in (notification, social_worker, meeting, notification_object):
        assert hidden.pk not in shown
