"""Two people pressing the same button at once double nothing (issue #14, point 6)."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import DataKind
from meetings.models import Meeting
from referrals import services
from referrals.models import DialogueUnderretning, Referral, ReferralStatus, Underretning
from tests.race import race
from trivsel.audit.models import AccessLogEntry, Action
from trivsel.notifications.services import email_outbox_drain

pytestmark = pytest.mark.django_db(transaction=True)


def refused(results, text):
    return [r for r in results if isinstance(r, ValidationError) and text in " ".join(r.messages)]


def test_two_receipts_at_once_send_one_email(intake, mailoutbox):
    n = services.underretning_submit(
        actor=intake.teacher,
        category="child_wellbeing",
        text="Alma er ofte sulten og træt om morgenen.",
        child=intake.child,
        unit=intake.school,
    )
    mailoutbox.clear()

    results = race(
        Underretning,
        lambda i: services.underretning_send_receipt(
            actor=intake.social_worker, underretning=Underretning.objects.get(pk=n.pk), via="email"
        ),
    )

    email_outbox_drain()
    assert [m.to for m in mailoutbox] == [[intake.teacher.email]]
    # The second press is told, in Danish, that the receipt went: no error page.
    assert len(refused(results, "Kvitteringen er allerede sendt.")) == 1


def test_two_answers_to_a_referral_at_once_keep_the_first(ppr):
    referral = services.referral_create(
        actor=ppr.paedagog,
        child=ppr.child,
        from_unit=ppr.kindergarten,
        to_unit=ppr.ppr,
        reason="Sproglige udfordringer",
        proposal="conversation",
        guardian=ppr.child.guardians.get(),
        kinds=[DataKind.BASIC],
        valid_until=timezone.localdate() + timedelta(days=90),
        paper_date=timezone.localdate(),
    )
    answers = [(True, "Vi ringer i morgen."), (False, "Det hører til familieafdelingen.")]

    results = race(
        Referral,
        lambda i: services.referral_answer(
            actor=ppr.psychologist,
            referral=Referral.objects.get(pk=referral.pk),
            accept=answers[i][0],
            reason=answers[i][1],
        ),
    )

    (answered,) = [r for r in results if isinstance(r, Referral)]
    assert len(refused(results, "allerede besvaret")) == 1
    referral.refresh_from_db()
    # What the one told "saved" chose is what is stored, and the log has one answer.
    assert (referral.status, referral.answer_reason) == (answered.status, answered.answer_reason)
    assert referral.status != ReferralStatus.SENT
    assert (
        AccessLogEntry.objects.filter(
            object_type="referrals.referral", object_id=str(referral.pk), action=Action.CHANGE
        ).count()
        == 1
    )


def test_two_invitations_to_a_dialogue_meeting_at_once_plan_one_meeting(intake):
    dialogue = services.dialogue_start(
        actor=intake.paedagog,
        child=intake.child,
        unit=intake.kindergarten,
        category="child_wellbeing",
        parents_conversation="Vi talte med mor om Almas søvn.",
        parents_agreed=True,
        suspected_violence=False,
    )
    day = timezone.localdate() + timedelta(days=3)

    results = race(
        Meeting,
        lambda i: services.dialogue_invite(
            actor=intake.leader,
            dialogue=DialogueUnderretning.objects.get(pk=dialogue.pk),
            social_worker=intake.social_worker,
            starts_at=timezone.make_aware(datetime.combine(day, time(9 + i, 0))),
            place="Mejsen",
        ),
    )

    assert Meeting.objects.filter(child=intake.child).count() == 1
    assert len(refused(results, "allerede planlagt")) == 1
    dialogue.refresh_from_db()
    assert dialogue.meeting == Meeting.objects.get(child=intake.child)
