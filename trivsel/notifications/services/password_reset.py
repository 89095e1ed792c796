"""Password reset: "Glemt adgangskode", handled by a worker."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from trivsel.jobs import enqueue_on_commit

from ..models import (
    PasswordResetRequest,
)
from .common import _backoff

logger = logging.getLogger(__name__)

# --- Password reset ---------------------------------------------------------------------------

PASSWORD_RESET_TASK = "trivsel.notifications.tasks.password_reset_mails_send"  # noqa: S105 (a task name)


def password_reset_request(*, email):
    """ "Glemt adgangskode": the same work for every address, the mail is the worker's."""
    PasswordResetRequest.objects.create(email=email)
    enqueue_on_commit(PASSWORD_RESET_TASK)


def password_reset_mails_send(*, now=None):
    """Handle the waiting requests one by one: a reset link to each active user with a usable
    password whose address it is, nothing for an unknown address. Returns the mails sent.

    Each row is locked while it is handled (SKIP LOCKED: two workers never mail the same
    request twice). A mail server that fails keeps the row for a later try, with the outbox's
    back-off, and gives up after REMINDER_EMAIL_MAX_ATTEMPTS."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            row = (
                PasswordResetRequest.objects.select_for_update(skip_locked=True)
                .filter(next_attempt_at__lte=now)
                .order_by("pk")
                .first()
            )
            if row is None:
                return sent
            try:
                sent += _password_reset_mail(row.email)
            except (smtplib.SMTPException, OSError) as exc:
                row.attempts += 1
                give_up = row.attempts >= settings.REMINDER_EMAIL_MAX_ATTEMPTS
                # The address is not logged: it may be anyone's, typed by anyone.
                (logger.error if give_up else logger.warning)(
                    "password reset mail %d failed (attempt %d%s): %s",
                    row.pk,
                    row.attempts,
                    ", giving up" if give_up else "",
                    type(exc).__name__,
                )
                if give_up:
                    row.delete()
                else:
                    row.next_attempt_at = now + _backoff(row.attempts)
                    row.save(update_fields=["attempts", "next_attempt_at"])
                continue
            row.delete()


def _password_reset_mail(email):
    # Django's form decides who may reset (active, usable password, the address matched
    # without regard to case) and makes the one-time link; the mail is sent here so that a
    # failing mail server raises (the form's own send_mail logs and forgets the mail).
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    users = list(PasswordResetForm().get_users(email))
    if not users:
        return 0
    site = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE), get_connection() as mail:
        for user in users:
            link = site + reverse(
                "password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            context = {"user": user, "link": link}
            subject = render_to_string("registration/password_reset_subject.txt", context)
            EmailMessage(
                subject="".join(subject.splitlines()),
                body=render_to_string("registration/password_reset_email.txt", context),
                to=[user.email],
                connection=mail,
            ).send()
    return len(users)
