"""The log review's jobs run by a real Celery worker on the real broker: the weekly draw twice
(beat runs it every hour) gives one sample per unit, and the alert sweep tells the DPO."""

import time
from datetime import timedelta

import pytest

from tests.audit.conftest import look, this_monday
from tests.notifications.test_celery_worker import worker  # noqa: F401 (the fixture)
from trivsel.audit.models import Basis, LogAlert, LookupSample, SampledLookup
from trivsel.audit.services import access_log_refused
from trivsel.audit.tasks import log_alerts_raise_task, lookup_samples_draw_task
from trivsel.notifications.models import JobHeartbeat, Notification

pytestmark = pytest.mark.worker


def runs_of(name):
    row = JobHeartbeat.objects.filter(name=name).first()
    return row.runs if row else 0


def wait_until(condition, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        assert process.poll() is None, "the worker died"
        time.sleep(0.2)
    return False


def test_a_real_worker_draws_each_units_sample_once_and_raises_the_alerts(
    review_world,
    worker,  # noqa: F811
):
    w = review_world
    last_week = this_monday(hour=10) - timedelta(days=4)
    for i in range(7):
        look(w.paedagog, w.child, at=last_week + timedelta(hours=i))
    look(w.teacher, w.pupil, at=last_week)
    for pk in range(10):  # the default threshold of refused look-ups, just now
        access_log_refused(actor=w.teacher, what="cases.child", pk=9000 + pk)

    lookup_samples_draw_task.delay()
    lookup_samples_draw_task.delay()
    log_alerts_raise_task.delay()
    log_alerts_raise_task.delay()
    assert wait_until(lambda: runs_of("log-review") == 2 and runs_of("log-alerts") == 2, worker), (
        "the worker did not run the jobs within 60 s"
    )

    assert SampledLookup.objects.filter(sample__unit=w.kindergarten).count() == 5
    assert SampledLookup.objects.filter(sample__unit=w.school).count() == 1
    assert LookupSample.objects.filter(unit=w.kindergarten).count() == 1
    [alert] = LogAlert.objects.all()
    assert (alert.actor, alert.pattern) == (w.teacher, "refusals")
    assert set(
        Notification.objects.filter(kind="audit.log_alert").values_list("recipient", flat=True)
    ) == {w.administrator.pk, w.dpo.pk}
    assert not SampledLookup.objects.filter(entry__basis=Basis.DENIED).exists()
