"""A few notifications in different states for the demo socialrådgiver and teamleder (one sent
by the demo teacher and still new; one assessed late; a repeat about the same child; one
anonymous from the public page; one closed), a referral to PPR and an anonymous consultation.
Made once through the services, like real use (seed_demo)."""

import random
from datetime import timedelta

from django.utils import timezone

from cases.models import DataKind
from cases.selectors import current_enrolments
from trivsel.organisation.models import User

from .models import (
    Category,
    Channel,
    Delivery,
    Notifier,
    Outcome,
    Route,
    Status,
    Triage,
    Underretning,
)
from .selectors import intake_cache_expire
from .services.consultations import consultation_record
from .services.intake import (
    underretning_assess,
    underretning_assign,
    underretning_mark,
    underretning_match_child,
    underretning_record,
    underretning_submit,
)
from .services.public import underretning_submit_public
from .services.receipts import underretning_send_feedback, underretning_send_receipt
from .services.referrals import REFERRAL_CONSENT_DAYS, referral_create


def _received(underretning, delta):
    """Move a demo notification back in time, so its clocks show something to look at."""
    underretning.received_at = timezone.now() - delta
    underretning.save(update_fields=["received_at"])  # the clocks follow (Underretning.save)
    return underretning


def _history(demo, units, caseworkers):
    """A year of handled and closed notifications behind the open ones, so the leaders' figures
    (/tal/) have months to show. They name no demo child: their story is over, and the demo's
    children keep the stories told above."""
    rng = random.Random(137)  # noqa: S311 (fictitious data)
    now = timezone.now()
    senders = [units["Børnehuset Solsikken"], units["Bakkeskolen"], units["Sundhedsplejen"], None]
    history = []
    for number in range(150):  # about three a week
        received = now - timedelta(days=20 + number * 2.3, hours=rng.randint(0, 20))
        unit = rng.choice(senders)
        kind = (
            Notifier.PROFESSIONAL
            if unit
            else rng.choice([Notifier.CITIZEN, Notifier.CITIZEN, Notifier.ANONYMOUS])
        )
        underretning = Underretning(
            municipality=demo,
            route=Route.DIALOGUE if unit and number % 4 == 0 else Route.CLASSIC,
            category=rng.choice(Category.values),
            text="Afsluttet underretning i demoens historik.",
            child_name_given="Barn fra før demoen",
            notifier_kind=kind,
            notifier_unit=unit,
            notifier_name="" if kind == Notifier.ANONYMOUS else "Underretter",
            channel=Channel.FORM if unit else Channel.PHONE,
            received_at=received,
            assigned_to=rng.choice(caseworkers),
            assessed_at=received + timedelta(hours=rng.choice([2, 5, 9, 20, 30])),
            triage=Triage.ADVICE,
            outcome=Outcome.NO_ACTION,
            status=Status.CLOSED,
            closed_at=received + timedelta(days=14),
        )
        if kind != Notifier.ANONYMOUS:
            underretning.receipt_sent_at = received + timedelta(days=rng.choice([2, 4, 5, 9]))
            underretning.receipt_via = Delivery.LETTER
        underretning.clocks_refresh(closed_days=frozenset())
        history.append(underretning)
    Underretning.objects.bulk_create(history)


def seed(context):
    demo = context["demo"]
    if Underretning.objects.filter(municipality=demo).exists():
        return
    users = {u.username: u for u in User.objects.filter(municipality=demo)}
    laerer, paedagog = users["laerer"], users["paedagog"]
    sara, peter = users["socialraadgiver"], users["teamleder"]
    units = context["units"]
    class_children = [
        e.child
        for e in current_enrolments()
        .filter(group=context["groups"]["Bakkeskolen/3.B"])
        .select_related("child")
        .order_by("child_id")[:3]
    ]
    room_children = [
        e.child
        for e in current_enrolments()
        .filter(group=context["groups"]["Børnehuset Solsikken/Solstuen"])
        .select_related("child")
        # Not the first child: that is the `foraelder` login's, whose story is a family the
        # social-work side has no case about (tests/cases/test_demo_personas.py).
        .order_by("child_id")[1:4]
    ]

    def sent_by_paedagog(category, text, child, days_ago):
        underretning = underretning_submit(
            actor=paedagog,
            category=category,
            text=text,
            child=child,
            unit=units["Børnehuset Solsikken"],
        )
        return _received(underretning, timedelta(days=days_ago))

    # The teacher's notification, just sent: new in the queue, the 24-hour clock running.
    underretning_submit(
        actor=laerer,
        category="child_wellbeing",
        text="Eleven kommer ofte sulten i skole og falder i søvn i timerne.",
        child=class_children[0],
        unit=units["Bakkeskolen"],
    )
    # A repeat about the same child, by phone, written down by the social worker two days ago
    # and assessed late (accepted and shown as late).
    phoned = underretning_record(
        actor=sara,
        notifier_kind="citizen",
        channel="phone",
        # The call came in two days ago; the note has its own time of receipt.
        received_at=timezone.now() - timedelta(days=2),
        category="neglect",
        text="En nabo fortæller, at barnet ofte er alene hjemme om aftenen.",
        notifier_name="Nabo (navn oplyst)",
        notifier_phone="12345678",
        child_name_given=class_children[0].full_name,
    )
    underretning_match_child(actor=sara, underretning=phoned, cpr=class_children[0].cpr)
    underretning_assess(
        actor=sara, underretning=phoned, triage="investigation", outcome="", note="Afventer."
    )
    # The pædagog's notification from last week: assessed in time, receipt sent, investigation.
    assessed = sent_by_paedagog(
        "parents_conditions", "Mor virker meget påvirket ved afhentning.", room_children[0], 6
    )
    underretning_assign(actor=peter, underretning=assessed, caseworker=sara)
    underretning_assess(
        actor=sara, underretning=assessed, triage="investigation", outcome="investigation"
    )
    underretning_send_receipt(actor=sara, underretning=assessed, via="in_product")
    # An anonymous notification from the public page, not linked to a child yet.
    _received(
        underretning_submit_public(
            municipality=demo,
            anonymous=True,
            category="violence",
            text="Jeg hører råb og gråd fra lejligheden ved siden af næsten hver aften.",
            child_name="Pige ca. 8 år",
            child_address="Bakkevej 12, 1. th.",
            suspected_violence=True,
        ),
        timedelta(hours=20),
    )
    # A closed one: advice given, no further action.
    closed = sent_by_paedagog(
        "school_absence", "Barnet har haft meget fravær i efteråret.", room_children[1], 40
    )
    underretning_assess(actor=sara, underretning=closed, triage="advice", outcome="advice")
    underretning_send_receipt(actor=sara, underretning=closed, via="in_product")
    underretning_send_feedback(actor=sara, underretning=closed, via="in_product")
    underretning_mark(actor=sara, underretning=closed, step="close")

    referral_create(
        actor=paedagog,
        child=room_children[2],
        from_unit=units["Børnehuset Solsikken"],
        to_unit=units["PPR"],
        reason="Sproglige udfordringer; vi ønsker sparring om støtte i hverdagen.",
        proposal="meeting",
        proposed_when="Tirsdag formiddag",
        # The parents signed the referral's consent on paper at the conversation.
        guardian=room_children[2].guardians.order_by("pk").first(),
        kinds=[DataKind.BASIC, DataKind.SCREENING],
        valid_until=timezone.localdate() + timedelta(days=REFERRAL_CONSENT_DAYS),
        paper_date=timezone.localdate() - timedelta(days=1),
    )
    consultation_record(
        actor=sara,
        unit=units["Bakkeskolen"],
        topic="Hvornår skal skolen underrette ved højt fravær?",
    )
    _history(demo, units, [sara, peter])
    intake_cache_expire(demo.pk)  # the clocks were moved back after the services had run
    context["summary"]["notifications"] = Underretning.objects.filter(municipality=demo).count()
