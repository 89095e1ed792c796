"""How long notifications, referrals and anonymous consultations are kept, and which children's
records are on legal hold (trivsel.retention; README "Sletning og opbevaring")."""

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trivsel.retention.registry import (
    ANONYMISE,
    RecordType,
    retention_legal_holds,
    retention_record_types,
)

from .models import AnonymousConsultation, DialogueUnderretning, Referral, Underretning


def children_on_hold(*, municipality_id):
    """A child with a notification still open (its investigation included) or a dialogue-based
    notification on its way: nothing of the child's is removed while the case runs."""
    open_notifications = Underretning.objects.filter(
        Q(closed_at__isnull=True)
        | Q(investigation_started_at__isnull=False, investigation_finished_at__isnull=True),
        municipality_id=municipality_id,
        child__isnull=False,
    ).values_list("child_id", flat=True)
    on_their_way = DialogueUnderretning.objects.filter(
        municipality_id=municipality_id, underretning__isnull=True
    ).values_list("child_id", flat=True)
    return {*open_notifications, *on_their_way}


def expired_notifications(*, municipality_id, before, held):
    return (
        Underretning.objects.filter(
            municipality_id=municipality_id, closed_at__lt=before, anonymised_at__isnull=True
        )
        .exclude(child_id__in=held)
        .annotate(retention_event=F("closed_at"))
    )


def notifications_anonymise(batch, *, expired):
    """What /tal/ counts stays (when, by which route, from which kind of notifier and unit, the
    clocks kept or missed, the outcome); who the child and the notifier are, and every word about
    them, goes. The dialogue-based route's own record (the conversation with the parents) is
    deleted, and the minutes are no longer the notification's content: the meetings rule takes
    them."""
    DialogueUnderretning.objects.filter(underretning__in=batch).delete()
    return batch.update(
        child=None,
        child_name_given="",
        child_cpr_given="",
        child_address_given="",
        text="",
        notifier=None,
        notifier_name="",
        notifier_role="",
        notifier_email="",
        notifier_phone="",
        notifier_workplace="",
        assessment_note="",
        child_heard_note="",
        investigation_child_heard_note="",
        minutes=None,
        anonymised_at=timezone.now(),
    )


def expired_referrals(*, municipality_id, before, held):
    return (
        Referral.objects.filter(municipality_id=municipality_id)
        .annotate(retention_event=Coalesce("answered_at", "sent_at"))
        .filter(retention_event__lt=before)
        .exclude(child_id__in=held)
    )


def expired_consultations(*, municipality_id, before, held):
    # Never about a child, so never on hold; the words go, the count per unit and month stays.
    return (
        AnonymousConsultation.objects.filter(municipality_id=municipality_id, created_at__lt=before)
        .exclude(topic="")
        .annotate(retention_event=F("created_at"))
    )


def consultations_anonymise(batch, *, expired):
    return batch.update(topic="")


RECORD_TYPES = [
    RecordType(
        key="referrals.underretning",
        label=_("Notifications of concern and their handling"),
        event=_("after the notification was closed"),
        default_months=60,
        expired=expired_notifications,
        action=ANONYMISE,
        anonymise=notifications_anonymise,
        order=80,
    ),
    RecordType(
        key="referrals.referral",
        label=_("Referrals"),
        event=_("after the referral was answered"),
        default_months=60,
        expired=expired_referrals,
        order=85,
    ),
    RecordType(
        key="referrals.consultation",
        label=_("Anonymous consultations"),
        event=_("after the consultation"),
        default_months=24,
        expired=expired_consultations,
        action=ANONYMISE,
        anonymise=consultations_anonymise,
        order=90,
    ),
]

for record_type in RECORD_TYPES:
    retention_record_types.add(record_type)
# Another reason to hold a child's records is one more line like this one.
retention_legal_holds.add(children_on_hold)
