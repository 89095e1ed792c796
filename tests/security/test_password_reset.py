"""Password reset answers alike for a known and an unknown address (issue #14 point 5): the
page only writes the request down, and the worker mails the link, only to a user's own
address and with nothing about any child in it."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import override_settings

from tests.notifications.test_celery_worker import _test_database_url
from trivsel.celery import app
from trivsel.notifications.models import PasswordResetRequest
from trivsel.notifications.services import password_reset_mails_send

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN = "nobody@example.invalid"


def ask(client, email):
    return client.post("/nulstil-adgangskode/", {"email": email})


def test_a_known_and_an_unknown_address_get_the_same_answer_after_the_same_work(world, client):
    known = ask(client, world.paedagog.email)
    unknown = ask(client, UNKNOWN)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/nulstil-adgangskode/sendt/"
    assert known.content == unknown.content
    # Nobody's mail is sent while the page answers; both addresses wait for the worker alike.
    assert mail.outbox == []
    assert sorted(PasswordResetRequest.objects.values_list("email", flat=True)) == sorted(
        [world.paedagog.email, UNKNOWN]
    )


def test_the_mailed_link_sets_a_new_password(world, client):
    ask(client, world.paedagog.email.upper())  # as typed, in capitals
    ask(client, UNKNOWN)
    assert password_reset_mails_send() == 1
    assert PasswordResetRequest.objects.count() == 0
    [message] = mail.outbox
    assert message.to == [world.paedagog.email]
    assert message.subject == "Ny adgangskode til Trivsel+"
    # A link, nothing about any child or case, and not the user's name or username.
    for secret in ("Alma", world.paedagog.username, world.paedagog.first_name):
        assert secret not in message.body
    link = next(line for line in message.body.splitlines() if "/nulstil-adgangskode/" in line)
    assert link.startswith("http://127.0.0.1:8000/nulstil-adgangskode/")  # SITE_URL
    form = client.get(urlsplit(link).path, follow=True)
    assert form.status_code == 200
    new = "en helt ny og lang adgangskode"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert done.status_code == 200
    world.paedagog.refresh_from_db()
    assert world.paedagog.check_password(new)


def test_an_inactive_user_gets_no_link(world, client):
    world.paedagog.is_active = False
    world.paedagog.save()
    ask(client, world.paedagog.email)
    assert password_reset_mails_send() == 0
    assert mail.outbox == []


def test_a_mail_server_that_is_down_keeps_the_request_for_a_later_try(world, client):
    ask(client, world.paedagog.email)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=9,  # discard: nothing listens
        EMAIL_TIMEOUT=5,
    ):
        assert password_reset_mails_send() == 0
    request = PasswordResetRequest.objects.get()
    assert request.attempts == 1
    assert password_reset_mails_send(now=request.next_attempt_at) == 1
    assert [m.to for m in mail.outbox] == [[world.paedagog.email]]


@pytest.mark.worker
def test_a_real_worker_mails_the_link_only_to_the_known_address(transactional_db, tmp_path):
    from tests.factories import StaffFactory, UserFactory

    user = StaffFactory(user=UserFactory(username="mette", email="mette@solby.example")).user
    app.control.purge()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "trivsel", "worker", "--pool", "solo"),
            *("--loglevel", "WARNING", "--without-heartbeat", "--without-gossip"),
            "--without-mingle",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        },
    )
    try:
        from django.test import Client

        client = Client()
        ask(client, UNKNOWN)
        ask(client, user.email)
        deadline = time.monotonic() + 60
        while PasswordResetRequest.objects.exists() and time.monotonic() < deadline:
            assert worker.poll() is None, "the worker died"
            time.sleep(0.2)
        assert not PasswordResetRequest.objects.exists(), "the worker did not handle them"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    mails = "".join(path.read_text() for path in mail_dir.iterdir())
    assert mails.count("\nSubject: ") == 1
    assert f"To: {user.email}" in mails
    assert UNKNOWN not in mails
    assert "/nulstil-adgangskode/" in mails
