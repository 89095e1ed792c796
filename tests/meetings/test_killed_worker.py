"""A worker killed in the middle of its work (issue #14 point 9): the minutes PDF it was rendering
is picked up again by beat's sweep (meetings.jobs_resend), the invitations it was sending by the
next drain of the notifications outbox, and both finish once — one PDF, one invitation per
participant."""

import os
import signal
import socketserver
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import PdfJob, PdfJobStatus
from meetings.tasks import render_pdf_job
from tests import factories as f
from tests.meetings.test_pdf import minutes  # noqa: F401 (a fixture)
from tests.notifications.test_reminder_worker import celery, wait_for  # noqa: F401 (a fixture)
from trivsel.notifications.models import Notification, OutgoingEmail
from trivsel.notifications.tasks import email_outbox_drain_task

pytestmark = pytest.mark.worker


class SmtpServer(socketserver.ThreadingTCPServer):
    """A small real SMTP server that keeps every message it accepts. With `stall_at` = n it
    never answers the n-th message's data: the sender hangs there, as on a slow mail server."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, stall_at=None):
        super().__init__(("127.0.0.1", 0), SmtpSession)
        self.messages, self.stall_at, self.stalled = [], stall_at, threading.Event()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.server_address[1]}"

    def recipients(self):
        return sorted(to for recipients, _ in self.messages for to in recipients)


class SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        server, recipients = self.server, []
        self.reply("220 test ESMTP")
        while line := self.rfile.readline().decode().strip():
            command = line[:4].upper()
            if command in {"EHLO", "HELO"}:
                self.reply("250 test")
            elif command == "RCPT":
                recipients.append(line.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 go ahead")
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                if len(server.messages) + 1 == server.stall_at:
                    server.stalled.set()
                    threading.Event().wait()  # never answers: the message is not accepted
                server.messages.append((recipients, body))
                recipients = []
                self.reply("250 accepted")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


def kill(process):
    os.killpg(process.pid, signal.SIGKILL)  # no warm shutdown: the work stops where it is
    process.wait()


def test_invitations_a_killed_worker_was_sending_are_sent_again_once_each(world, celery):  # noqa: F811
    smtp = SmtpServer(stall_at=2)
    meeting = services.network_meeting_create(
        actor=world.leader,
        child=world.child,
        purpose="Fælles aftaler om sprog",
        starts_at=timezone.now() + timedelta(days=3),
        place="Børnehaven Mejsen",
        tovholder=world.paedagog,
    )
    staff = [
        f.StaffFactory(
            user=f.UserFactory(municipality=world.solby), units=[world.kindergarten]
        ).user
        for _ in range(2)
    ]
    for user in staff:
        services.participant_add(actor=world.leader, meeting=meeting, kind="staff", user=user)
    guardian = world.child.guardians.get()
    guardian.email = "maria@example.invalid"
    guardian.save()
    services.participant_add(actor=world.leader, meeting=meeting, kind="parent", guardian=guardian)
    services.network_consent_record(
        actor=world.leader, meeting=meeting, guardian=guardian, paper_date=timezone.localdate()
    )
    expected = sorted(meeting.participants.exclude(email="").values_list("email", flat=True))
    assert len(expected) >= 3

    # Only the invitations in the outbox: the notifications' own e-mails are not counted here.
    Notification.objects.update(email_state="")
    # A short lease, so the e-mails the killed worker had claimed are soon anyone's again.
    worker = celery("worker", EMAIL_URL=smtp.url, REMINDER_EMAIL_LEASE_SECONDS="3")
    services.meeting_invite(actor=world.leader, meeting=meeting)
    assert wait_for(smtp.stalled.is_set, processes=[worker]), "the invitations were not sent"
    kill(worker)  # one invitation sent, the second half-way, the rest not started
    assert len(smtp.messages) == 1

    smtp.stall_at = None
    celery("worker", EMAIL_URL=smtp.url)
    time.sleep(4)  # the killed worker's lease runs out
    email_outbox_drain_task.delay()  # beat's next drain of the outbox
    unsent = OutgoingEmail.objects.filter(sent_at__isnull=True)
    assert wait_for(lambda: not unsent.exists()), "the invitations were not sent again"
    assert smtp.recipients() == expected  # each participant exactly once


def test_a_minutes_pdf_a_killed_worker_was_rendering_is_rendered_again_once(minutes, celery):  # noqa: F811
    # Long minutes, so the worker is surely still laying out the pages when it is killed.
    tovholder = minutes.meeting.tovholder
    minutes = services.minutes_new_version(actor=tovholder, minutes=minutes, reason="Flere punkter")
    for i in range(120):
        services.decision_add(
            actor=tovholder, minutes=minutes, text=f"Beslutning {i}", reason="Fordi"
        )
    job = PdfJob.objects.create(
        minutes=minutes, variant="staff", requested_by=minutes.meeting.tovholder
    )
    worker = celery("worker")
    render_pdf_job.delay(job.pk)
    rendering = PdfJob.objects.filter(
        pk=job.pk, status__in=[PdfJobStatus.LAYOUT, PdfJobStatus.WRITING]
    )
    assert wait_for(rendering.exists, processes=[worker], timeout=60), "the worker did not start"
    kill(worker)
    job.refresh_from_db()
    assert job.status in {PdfJobStatus.LAYOUT, PdfJobStatus.WRITING} and job.pdf is None

    celery("worker")
    # Beat's sweep once the job's lease has run out: back in line, and rendered by a worker.
    assert services.jobs_resend(now=timezone.now() + timedelta(minutes=11)) == 1
    done = PdfJob.objects.filter(pk=job.pk, status=PdfJobStatus.DONE)
    assert wait_for(done.exists, timeout=90), "the PDF was not rendered again"
    job.refresh_from_db()
    assert bytes(job.pdf).startswith(b"%PDF") and job.pages >= 1
    assert PdfJob.objects.count() == 1
