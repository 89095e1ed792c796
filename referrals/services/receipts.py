"""The receipt to the notifier and the professional notifier's feedback (§ 137), by e-mail
through the platform's outbox."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action
from trivsel.locking import row_lock
from trivsel.notifications.services import email_to_address_queue

from ..models import Source
from .common import _check_social_work, _log, _save


def _send(actor, underretning, *, sent_at, template, link, purpose):
    """Stamp the time sent, hand the e-mail to the outbox and log it, in the caller's transaction.

    Through the platform's outbox (retries, back-off, one content rule): the e-mail is rendered
    from referrals/email/<template>_*.txt with the day received and a link only, never a name,
    a CPR number or the text of the underretning (DESIGN.md §4)."""
    setattr(underretning, sent_at, timezone.now())
    _save(underretning, sent_at)
    email_to_address_queue(
        to_address=underretning.notifier_email,
        template=f"referrals/email/{template}",
        key=f"referrals.underretning:{underretning.pk}:{template}",
        link=link,
        about_date=timezone.localdate(underretning.received_at),
    )
    _log(actor, Action.CHANGE, underretning, child_id=underretning.child_id, purpose=purpose)
    return underretning


@transaction.atomic
def underretning_send_receipt(*, actor, underretning):
    _check_social_work(actor)
    row_lock(underretning)  # two presses at once send one e-mail
    if underretning.receipt_sent_at:
        raise ValidationError(_("The receipt has already been sent."))
    if not underretning.wants_receipt:
        raise ValidationError(_("An anonymous notifier cannot get a receipt."))
    # The receipt's clock stops when the receipt is handed to the outbox, in this transaction:
    # that is when the municipality sent it. The outbox delivers it (normally within a minute,
    # with retries while the mail server is away); the clock does not wait for the server.
    # A professional follows the status on their own page; a citizen has no login to follow it.
    link = reverse("referrals:underretning_sent_list") if underretning.notifier_id else ""
    return _send(
        actor,
        underretning,
        sent_at="receipt_sent_at",
        template="receipt",
        link=link,
        purpose=_("Receipt"),
    )


@transaction.atomic
def underretning_send_feedback(*, actor, underretning):
    """§ 137: the professional notifier learns whether an investigation or measures followed —
    on their own page; the e-mail only says there is news."""
    _check_social_work(actor)
    row_lock(underretning)  # two presses at once send one e-mail
    if underretning.source != Source.PROFESSIONAL or not underretning.notifier_id:
        raise ValidationError(_("Feedback goes to a professional notifier only."))
    if underretning.feedback_sent_at:
        raise ValidationError(_("The feedback has already been given."))
    if not underretning.outcome:
        raise ValidationError(_("Record the outcome before giving feedback."))
    return _send(
        actor,
        underretning,
        sent_at="feedback_sent_at",
        template="feedback",
        link=reverse("referrals:underretning_sent_list"),
        purpose=_("Feedback"),
    )
