"""Invitations go once each through the notifications outbox and survive a failed send; changes
to a draft lock its row like the approval does."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import rules, services
from tests.meetings.conftest import write_minutes
from trivsel.notifications.models import Notification, OutgoingEmail
from trivsel.notifications.services import email_outbox_drain


def _invited(world):
    # Only the invitations in the outbox: the notifications' own e-mails are not counted here.
    Notification.objects.update(email_state="")
    world.meeting.participants.filter(kind="parent").update(email="maria@example.invalid")
    services.meeting_invite(actor=world.leader, meeting=world.meeting)
    return list(world.meeting.participants.order_by("pk").values_list("email", flat=True))


def test_a_failed_invitation_is_retried_by_the_outbox_and_does_not_stop_the_others(
    consented, monkeypatch, time_machine
):
    time_machine.move_to(timezone.now())
    emails = _invited(consented)
    assert len(emails) == 3
    failing = emails[0]
    real_send = EmailBackend.send_messages

    def flaky(self, messages):
        if any(failing in message.to for message in messages):
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    assert email_outbox_drain() == {"sent": 2, "failed": 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(emails[1:])
    unsent = OutgoingEmail.objects.filter(sent_at__isnull=True)
    assert list(unsent.values_list("to_address", flat=True)) == [failing]

    # The outbox's retry, after its back-off, sends the one that failed, and nothing twice.
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    time_machine.shift(timedelta(seconds=61))
    assert email_outbox_drain() == {"sent": 1, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(emails)
    assert email_outbox_drain() == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 3


def test_the_same_invitation_queued_twice_is_sent_once(consented):
    emails = _invited(consented)
    # As if the invitations were sent again (a second press, a retried request).
    consented.meeting.participants.update(invited_at=None)
    assert services.meeting_invite(actor=consented.leader, meeting=consented.meeting) == 3
    assert OutgoingEmail.objects.count() == 3
    email_outbox_drain()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(emails)


@pytest.mark.parametrize("change", ["decision_add", "action_item_add", "remove"])
def test_changes_to_a_draft_lock_the_minutes_row(consented, change):
    minutes = write_minutes(consented, consented.meeting, agreements="Legegrupper")
    actor = consented.paedagog
    decision = services.decision_add(actor=actor, minutes=minutes, text="A", reason="B")
    item = services.action_item_add(actor=actor, minutes=minutes, what="Observation")
    with CaptureQueriesContext(connection) as queries:
        if change == "decision_add":
            services.decision_add(actor=actor, minutes=minutes, text="C", reason="D")
        elif change == "action_item_add":
            services.action_item_add(
                actor=actor, minutes=minutes, what="Samtale", due_date=timezone.localdate()
            )
        else:
            services.decision_remove(actor=actor, decision=decision)
            services.action_item_remove(actor=actor, item=item)
    locks = [
        q["sql"] for q in queries if '"meetings_minutes"' in q["sql"] and "FOR UPDATE" in q["sql"]
    ]
    assert locks, [q["sql"] for q in queries]


# --- The consent covers the list as it was when it was recorded ----------------------------------


def test_a_participant_added_after_the_consent_blocks_the_invitations(consented):
    from django.core.exceptions import ValidationError

    services.participant_add(
        actor=consented.leader,
        meeting=consented.meeting,
        kind="external",
        name="Birgit Sørensen",
        role="Logopæd",
    )
    problem = rules.consent_problem(consented.meeting)
    assert problem and "Birgit Sørensen" in problem and "samtykke" in problem
    with pytest.raises(ValidationError):
        services.meeting_invite(actor=consented.leader, meeting=consented.meeting)
    services.network_consent_record(
        actor=consented.leader,
        meeting=consented.meeting,
        guardian=consented.guardian_row,
        paper_date=timezone.localdate(),
    )
    consented.meeting.refresh_from_db()
    assert rules.consent_problem(consented.meeting) is None


# --- The editor ---------------------------------------------------------------------------------


def test_opening_the_editor_writes_nothing_the_start_button_makes_the_draft(consented, login):
    from meetings.models import Minutes

    client = login(consented.paedagog)
    url = f"/moeder/{consented.meeting.pk}/referat/"
    assert client.get(url).status_code == 302
    assert not Minutes.objects.filter(meeting=consented.meeting).exists()
    page = client.get(f"/moeder/{consented.meeting.pk}/").content.decode()
    assert "Start referatet" in page
    assert client.post(url, {"start": "1"}).status_code == 302
    assert client.post(url, {"start": "1"}).status_code == 302  # twice: still one draft
    assert Minutes.objects.filter(meeting=consented.meeting).count() == 1


def test_the_editor_logs_the_look_once(consented, login):
    from trivsel.audit.models import AccessLogEntry, Action

    write_minutes(consented, consented.meeting, agreements="Udkast")
    client = login(consented.paedagog)
    AccessLogEntry.objects.all().delete()
    assert client.get(f"/moeder/{consented.meeting.pk}/referat/").status_code == 200
    reads = AccessLogEntry.objects.filter(
        actor=consented.paedagog, action=Action.READ, child_id=consented.child.pk
    )
    assert reads.count() == 1
