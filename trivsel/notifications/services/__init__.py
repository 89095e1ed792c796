"""Writes of the notifications platform, one module per part:

    sweep           the reminder sweep over every registered clock (clocks.py), the job heartbeat
    outbox          outgoing e-mail: one drain with lease, back-off and give-up, e-mails to an
                    address (email_to_address_queue)
    digest          the daily digest
    events          notifications of events, and what a user does with theirs
    password_reset  "Glemt adgangskode", handled by a worker
    common          the drain's hand-over to the workers and the back-off

Code imports from here or from the module; nothing is defined here."""

from .common import (
    EMAIL_DRAIN_TASK,
)
from .digest import (
    digest_window,
    digests_build,
)
from .events import (
    notification_mark_read,
    notification_preference_set,
    notification_send,
    notifications_mark_all_read,
)
from .outbox import (
    DIGEST_OUTBOX,
    NOTIFICATION_OUTBOX,
    email_outbox_drain,
    email_to_address_queue,
)
from .password_reset import (
    PASSWORD_RESET_TASK,
    password_reset_mails_send,
    password_reset_request,
)
from .sweep import (
    job_heartbeat_record,
    reminders_sweep,
)

__all__ = [
    "EMAIL_DRAIN_TASK",
    "job_heartbeat_record",
    "reminders_sweep",
    "NOTIFICATION_OUTBOX",
    "DIGEST_OUTBOX",
    "email_outbox_drain",
    "email_to_address_queue",
    "digest_window",
    "digests_build",
    "notification_send",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notification_preference_set",
    "PASSWORD_RESET_TASK",
    "password_reset_request",
    "password_reset_mails_send",
]
