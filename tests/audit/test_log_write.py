"""How the look at a list is written: one statement on a page, and inside a service's transaction
where there is one. Transactional tests: the difference only shows in autocommit, as on a real
page (a test's own transaction would hide the BEGIN and COMMIT of the write it wraps)."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Involvement, Task
from cases.services import involvement_add, task_create
from trivsel.audit.models import AccessLogEntry, Action, Basis, Topic
from trivsel.audit.services import access_log_record, access_log_record_many

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_list_page_logs_its_children_in_one_statement_of_its_own(world, school, login):
    client = login(world.paedagog)
    assert client.get("/boern/").status_code == 200  # the session's first page writes once
    AccessLogEntry.objects.all().delete()
    with CaptureQueriesContext(connection) as page:
        assert client.get("/boern/").status_code == 200
    statements = [q["sql"] for q in page.captured_queries]
    log_writes = [sql for sql in statements if "audit_accesslogentry" in sql]
    assert len(log_writes) == 1 and log_writes[0].startswith("INSERT")
    # Neither a BEGIN nor a COMMIT: the INSERT is its own transaction.
    assert not {"BEGIN", "COMMIT"} & set(statements)
    entries = AccessLogEntry.objects.order_by("child_id")
    assert [e.child_id for e in entries] == sorted([world.child.pk, world.child2.pk])
    for entry in entries:
        assert entry.listed
        assert entry.actor == world.paedagog and entry.municipality == world.solby
        assert (entry.action, entry.basis) == (Action.READ, Basis.ENROLMENT)
        assert (entry.object_type, entry.object_id) == ("cases.child", str(entry.child_id))
        assert entry.topic == Topic.DAILY_CARE
        assert entry.guardian_visible_from == entry.at  # the guardians see it at once
        assert timezone.now() - entry.at < timedelta(minutes=1)
    assert entries[0].at == entries[1].at


def test_a_services_change_and_its_log_entries_roll_back_together(world, login):
    with pytest.raises(RuntimeError), transaction.atomic():
        involvement_add(
            actor=world.leader,
            child=world.child,
            unit=world.kindergarten,
            role="Støttepædagog",
            purpose="Sprogstøtte",
            start=timezone.localdate(),
        )
        task_create(
            child=world.child,
            title="Ring til Maria",
            owner=world.paedagog,
            due_date=timezone.localdate(),
            created_by=world.leader,
        )
        access_log_record(
            actor=world.leader,
            action=Action.CHANGE,
            basis=Basis.ENROLMENT,
            obj=world.child,
            child_id=world.child.pk,
        )
        access_log_record_many(
            actor=world.leader,
            action=Action.READ,
            looks=[(world.child, world.child.pk, Basis.ENROLMENT)],
            topic=Topic.DAILY_CARE,
        )
        raise RuntimeError("the service fails after writing its log entries")
    assert not Involvement.objects.exists() and not Task.objects.exists()
    assert not AccessLogEntry.objects.exists()
