"""A closing day added (or removed) in the admin later moves the receipt deadlines of the
municipality's notifications whose receipt is not yet sent (issue #16, point 4), and only
those."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from referrals import services
from referrals.models import Notifier, Route, Underretning, end_of_day
from trivsel.organisation.demo import _administrator_permissions
from trivsel.organisation.models import ClosedDay

pytestmark = pytest.mark.django_db

FRIDAY = date(2027, 3, 5)
MONDAY = FRIDAY + timedelta(days=3)
# Six working days after Friday 5 March 2027 (no holiday near): Monday 15 March; with Monday
# the 8th closed, Tuesday 16 March.
DUE = end_of_day(date(2027, 3, 15))
DUE_WITH_MONDAY_CLOSED = end_of_day(date(2027, 3, 16))


def _notify(intake):
    return services.underretning_submit(
        actor=intake.teacher,
        category="neglect",
        text="Alma Hansen er ofte alene.",
        child=intake.child,
        unit=intake.school,
    )


@pytest.fixture
def friday(intake):
    """Three named notifications received on a Friday: one of Solby still owed a receipt, one
    of Solby receipted at once, one of Nabo."""
    with time_machine.travel(timezone.make_aware(datetime.combine(FRIDAY, time(12))), tick=False):
        owed, receipted = _notify(intake), _notify(intake)
        services.underretning_send_receipt(
            actor=intake.social_worker, underretning=receipted, via="letter"
        )
        nabo = Underretning(
            municipality=intake.nabo_kommune,
            route=Route.CLASSIC,
            category="neglect",
            text="Nabo",
            notifier_kind=Notifier.CITIZEN,
            notifier_name="Nabo",
            received_at=timezone.now(),
        )
        nabo.save()
    assert owed.receipt_due_at == receipted.receipt_due_at == nabo.receipt_due_at == DUE
    return owed, receipted, nabo


def _admin(intake, login):
    intake.administrator.user_permissions.set(_administrator_permissions())
    return login(intake.administrator)


def test_a_closing_day_added_in_the_admin_moves_the_receipts_still_owed(intake, login, friday):
    owed, receipted, nabo = friday
    client = _admin(intake, login)
    url = f"/admin/organisation/municipality/{intake.solby.pk}/change/"
    response = client.post(
        url,
        {
            "name": intake.solby.name,
            "code": intake.solby.code,
            "own_consent_age": intake.solby.own_consent_age,
            "child_heard_from_age": intake.solby.child_heard_from_age,
            "exchange_legal_reference": intake.solby.exchange_legal_reference,
            "closed_days-TOTAL_FORMS": "1",
            "closed_days-INITIAL_FORMS": "0",
            "closed_days-MIN_NUM_FORMS": "0",
            "closed_days-MAX_NUM_FORMS": "1000",
            "closed_days-0-day": MONDAY.isoformat(),
            "closed_days-0-name": "Kommunens lukkedag",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ClosedDay.objects.filter(municipality=intake.solby, day=MONDAY).exists()
    for n in friday:
        n.refresh_from_db()
    assert owed.receipt_due_at == DUE_WITH_MONDAY_CLOSED
    assert owed.next_deadline <= owed.receipt_due_at
    assert receipted.receipt_due_at == DUE  # measured against the deadline it had
    assert nabo.receipt_due_at == DUE  # another municipality's closing day is not Nabo's


def test_a_closing_day_removed_moves_them_back(intake, friday):
    owed, receipted, nabo = friday
    closed = ClosedDay.objects.create(municipality=intake.solby, day=MONDAY, name="Lukket")
    owed.refresh_from_db()
    assert owed.receipt_due_at == DUE_WITH_MONDAY_CLOSED
    closed.delete()
    owed.refresh_from_db()
    assert owed.receipt_due_at == DUE
    receipted.refresh_from_db()
    assert receipted.receipt_due_at == DUE


def test_a_closing_day_of_another_municipality_moves_nothing_here(intake, friday):
    owed, receipted, nabo = friday
    ClosedDay.objects.create(municipality=intake.nabo_kommune, day=MONDAY, name="Lukket")
    owed.refresh_from_db()
    nabo.refresh_from_db()
    assert owed.receipt_due_at == DUE
    assert nabo.receipt_due_at == DUE_WITH_MONDAY_CLOSED
