"""Unusual patterns in the access log raise an alert to the municipality's administrators and
data-protection officer: exactly one per user, pattern and window, and none for normal work."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.audit.conftest import look
from trivsel.audit.models import AccessLogEntry, Basis, LogAlert, Pattern
from trivsel.audit.patterns import log_alerts_raise
from trivsel.audit.services import access_log_record_many, access_log_refused
from trivsel.notifications.models import Notification

NOW = timezone.make_aware(timezone.datetime(2026, 11, 18, 14, 0))


@pytest.fixture
def watched(review_world, settings):
    settings.AUDIT_ALERT_WINDOW_MINUTES = 60
    settings.AUDIT_ALERT_CHILDREN_OUTSIDE_UNITS = 5
    settings.AUDIT_ALERT_CPR_REVEALS = 4
    settings.AUDIT_ALERT_REFUSALS = 4
    w = review_world
    w.school_children = [f.ChildFactory(municipality=w.solby) for _ in range(6)]
    for child in w.school_children:
        f.EnrolmentFactory(child=child, group=w.school_class)
    return w


def raise_at(at):
    with time_machine.travel(at, tick=False):
        return log_alerts_raise()


def alerts_told(world):
    return set(
        Notification.objects.filter(kind="audit.log_alert").values_list("recipient", flat=True)
    )


def test_many_children_outside_her_units_raise_one_alert_to_the_admins_and_the_dpo(watched):
    w = watched
    for i, child in enumerate(w.school_children):
        look(w.paedagog, child, at=NOW - timedelta(minutes=50 - i), basis=Basis.CONSENT)
    [alert] = raise_at(NOW)
    assert (alert.actor, alert.pattern, alert.count) == (
        w.paedagog,
        Pattern.CHILDREN_OUTSIDE_UNITS,
        6,
    )
    assert alerts_told(w) == {w.administrator.pk, w.dpo.pk}  # not the leader, not Nabo's DPO
    # Run again, or ten minutes later: the same pattern in the same window is not told twice.
    assert raise_at(NOW) == []
    assert raise_at(NOW + timedelta(minutes=10)) == []
    assert LogAlert.objects.count() == 1
    assert Notification.objects.filter(kind="audit.log_alert").count() == 2


def test_many_cpr_reveals_raise_one_alert(watched):
    w = watched
    for i in range(4):
        look(w.paedagog, w.child, at=NOW - timedelta(minutes=i), purpose="Vis CPR-nummer")
    [alert] = raise_at(NOW)
    assert (alert.pattern, alert.count) == (Pattern.CPR_REVEALS, 4)
    assert raise_at(NOW) == []


def test_repeated_refused_lookups_raise_one_alert(watched):
    w = watched
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        for pk in range(4):
            access_log_refused(actor=w.teacher, what="cases.child", pk=9000 + pk)
    [alert] = raise_at(NOW)
    assert (alert.actor, alert.pattern, alert.count) == (w.teacher, Pattern.REFUSALS, 4)
    assert raise_at(NOW + timedelta(minutes=30)) == []


def test_normal_work_raises_nothing(watched):
    """A day's work: her own group's child opened again and again, whole lists of children seen,
    a few CPR numbers shown and a few ids mistyped, and the outside children spread over hours."""
    w = watched
    for i in range(30):
        look(w.paedagog, w.child, at=NOW - timedelta(minutes=i))
    access_log_record_many(
        actor=w.social_worker,
        action="read",
        looks=[(child, child.pk, Basis.STATUTORY) for child in w.school_children],
    )
    AccessLogEntry.objects.filter(listed=True).update(at=NOW - timedelta(minutes=5))
    for i in range(3):
        look(w.paedagog, w.child, at=NOW - timedelta(minutes=i), purpose="Vis CPR-nummer")
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        for pk in range(3):
            access_log_refused(actor=w.teacher, what="cases.child", pk=9000 + pk)
    for i, child in enumerate(w.school_children):
        look(w.teacher, child, at=NOW - timedelta(minutes=i))  # the teacher's own class
        look(w.paedagog, child, at=NOW - timedelta(hours=2 * i + 1), basis=Basis.CONSENT)
    assert raise_at(NOW) == []
    assert not Notification.objects.filter(kind="audit.log_alert").exists()


def test_going_on_after_a_window_raises_a_new_alert(watched):
    w = watched
    for i in range(4):
        look(w.paedagog, w.child, at=NOW - timedelta(minutes=i), purpose="Vis CPR-nummer")
    assert len(raise_at(NOW)) == 1
    later = NOW + timedelta(minutes=70)
    assert raise_at(later) == []  # the first four are out of the window, nothing new
    for i in range(4):
        look(w.paedagog, w.child, at=later - timedelta(minutes=i), purpose="Vis CPR-nummer")
    assert len(raise_at(later)) == 1
    assert LogAlert.objects.filter(actor=w.paedagog).count() == 2


def test_the_alert_links_to_the_page_where_the_dpo_sees_it(watched, login):
    w = watched
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        for pk in range(4):
            access_log_refused(actor=w.teacher, what="cases.child", pk=9000 + pk)
    raise_at(NOW)
    notification = Notification.objects.get(kind="audit.log_alert", recipient=w.dpo)
    assert notification.link == reverse("audit:data_protection") + "#alerts"
    page = login(w.dpo).get(notification.link).content.decode()
    assert "Gentagne afviste opslag" in page and "jonas" in page
    assert "Et usædvanligt mønster i adgangsloggen." in (
        login(w.dpo).get(reverse("notifications:list")).content.decode()
    )
