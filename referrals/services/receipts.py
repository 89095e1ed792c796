"""The receipt to a named notifier and the professional notifier's feedback (Barnets lov § 137),
each sent the way the caseworker chooses and records: by e-mail through the platform's outbox,
by letter, or in Trivsel+ (a notifier with a login reads it on her own page)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action
from trivsel.locking import row_lock
from trivsel.notifications.services import email_to_address_queue

from ..models import CLOCK_FIELDS, Delivery, Underretning
from ..selectors import intake_cache_expire
from ..workdays import closed_days_of
from .common import _check_social_work, _log, _save

# Rows read and written per round trip when the receipt deadlines are computed again.
REFRESH_BATCH = 500


def delivery_choices(underretning, step):
    """The ways the receipt (`step` "receipt") or the feedback ("feedback") can reach this
    notifier. A receipt says only that the notification arrived, so an e-mail can carry it; the
    feedback says what followed, which no e-mail may carry: it is read in Trivsel+ by a notifier
    with a login (an e-mail tells her there is news), or sent by letter. A letter is always
    possible: the intake has the address or finds it."""
    choices = []
    if step == "receipt" and underretning.notifier_email:
        choices.append(Delivery.EMAIL)
    if underretning.notifier_id:
        choices.append(Delivery.IN_PRODUCT)
    choices.append(Delivery.LETTER)
    return choices


def _send(actor, underretning, *, step, via, link, purpose):
    """Stamp the time sent and how, hand an e-mail to the outbox when sent by e-mail, and log it,
    in the caller's transaction.

    Through the platform's outbox (retries, back-off, one content rule): the e-mail is rendered
    from referrals/email/<step>_*.txt with the day received and a link only, never a name, a CPR
    number or the text of the underretning (DESIGN.md §4)."""
    if via not in delivery_choices(underretning, step):
        raise ValidationError(
            {
                "via": _("The notifier cannot be reached that way: choose another.")
                if via in Delivery.values
                else _("Choose how it is sent.")
            }
        )
    setattr(underretning, f"{step}_sent_at", timezone.now())
    setattr(underretning, f"{step}_via", via)
    _save(underretning, f"{step}_sent_at", f"{step}_via")
    if via == Delivery.EMAIL or (via == Delivery.IN_PRODUCT and underretning.notifier_email):
        email_to_address_queue(
            to_address=underretning.notifier_email,
            template=f"referrals/email/{step}",
            key=f"referrals.underretning:{underretning.pk}:{step}",
            link=link,
            about_date=timezone.localdate(underretning.received_at),
        )
    _log(actor, Action.CHANGE, underretning, child_id=underretning.child_id, purpose=purpose)
    return underretning


@transaction.atomic
def underretning_send_receipt(*, actor, underretning, via):
    _check_social_work(actor)
    row_lock(underretning)  # two presses at once send one receipt
    if underretning.receipt_sent_at:
        raise ValidationError(_("The receipt has already been sent."))
    if not underretning.wants_receipt:
        raise ValidationError(_("An anonymous notifier cannot get a receipt."))
    # The receipt's clock stops when it is sent: for an e-mail, when it is handed to the outbox
    # in this transaction (the outbox delivers it, normally within a minute, with retries while
    # the mail server is away; the clock does not wait for the server). A professional with a
    # login follows the status on her own page.
    link = reverse("referrals:underretning_sent_list") if underretning.notifier_id else ""
    return _send(actor, underretning, step="receipt", via=via, link=link, purpose=_("Receipt"))


@transaction.atomic
def underretning_send_feedback(*, actor, underretning, via):
    """§ 137: the professional notifier learns whether an investigation or measures followed —
    by letter, or on her own page (the e-mail only says there is news)."""
    _check_social_work(actor)
    row_lock(underretning)  # two presses at once send one feedback
    if not underretning.wants_feedback:
        raise ValidationError(_("Feedback goes to a professional notifier only."))
    if underretning.feedback_sent_at:
        raise ValidationError(_("The feedback has already been given."))
    if not underretning.outcome:
        raise ValidationError(_("Record the outcome before giving feedback."))
    link = reverse("referrals:underretning_sent_list") if underretning.notifier_id else ""
    return _send(actor, underretning, step="feedback", via=via, link=link, purpose=_("Feedback"))


@transaction.atomic
def receipt_deadlines_refresh(municipality_id):
    """The receipt deadlines of the municipality's notifications whose receipt is not yet sent,
    computed again: called when an administrator adds, changes or removes one of the
    municipality's closing days (referrals/apps.py), so a closing day added later moves the
    deadlines still running. A receipt already sent keeps the deadline it was measured against.
    The rows are locked (a receipt sent at the same moment drops out of the query) and written
    back in batches; returns how many deadlines moved."""
    rows = Underretning.objects.filter(
        municipality_id=municipality_id,
        receipt_due_at__isnull=False,
        receipt_sent_at__isnull=True,
    ).order_by("pk")
    first = rows.order_by("received_at").values_list("received_at", flat=True).first()
    if first is None:
        return 0
    closed = closed_days_of(municipality_id, timezone.localdate(first))
    moved = []
    for underretning in rows.select_for_update():
        before = underretning.receipt_due_at
        underretning.clocks_refresh(closed_days=closed)
        if underretning.receipt_due_at != before:
            moved.append(underretning)
    Underretning.objects.bulk_update(moved, CLOCK_FIELDS, batch_size=REFRESH_BATCH)
    if moved:
        intake_cache_expire(municipality_id)
        transaction.on_commit(lambda: intake_cache_expire(municipality_id))
    return len(moved)
