"""Referrals (henvisninger) to PPR, a family service or the social-work side, made with the
parents' consent."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import DataKind
from cases.selectors import child_bases_for, child_capabilities, child_list_visible_to
from cases.services import consent_record
from screening.selectors import red_team_pending
from trivsel.audit.models import Action, Basis
from trivsel.audit.services import access_log_record
from trivsel.locking import row_lock
from trivsel.organisation.models import UnitType
from trivsel.organisation.selectors import own_unit_ids

from ..models import Proposal, Referral, ReferralStatus
from ..selectors import referral_topic

# A referral's consent lets the receiving unit read the child's basic data (who the child is)
# and whatever more the parents chose; suggested for half a year.
REFERRAL_CONSENT_DAYS = 182


def referral_purpose(from_unit, to_unit, proposal):
    # The consent's purpose names the referral, not its reason: the consent is shown on the
    # child's page to everyone who may see it there.
    return _("Referral from %(from)s to %(to)s (proposed: %(proposal)s)") % {
        "from": from_unit.name,
        "to": to_unit.name,
        "proposal": str(Proposal(proposal).label).lower(),
    }


@transaction.atomic
def referral_create(
    *,
    actor,
    child,
    from_unit,
    to_unit,
    reason,
    proposal,
    guardian,
    kinds,
    valid_until,
    paper=True,
    paper_date=None,
    proposed_when="",
):
    """A henvisning, made with the parents: their consent is recorded with it (cases'
    consent_record: the kinds they chose, the receiving unit as recipient, a purpose naming the
    referral, within the maximum period; on paper with the paper's date, or sent to the
    guardian's login to confirm). Through that consent, and only while it is in force, the
    receiving unit's staff see the child (cases.access)."""
    if from_unit.pk not in own_unit_ids(actor):
        raise ValidationError({"from_unit": _("Choose one of your own units.")})
    if to_unit.municipality_id != actor.municipality_id:
        raise ValidationError({"to_unit": _("Choose a unit of your municipality.")})
    if to_unit.pk == from_unit.pk:
        raise ValidationError({"to_unit": _("A referral goes to another unit than your own.")})
    if (
        child.municipality_id != actor.municipality_id
        or not child_capabilities(actor, child.pk).refer
    ):
        raise ValidationError({"child": _("Choose one of the children you work with.")})
    if DataKind.BASIC not in kinds:
        raise ValidationError(
            {
                "kinds": _(
                    "The receiving unit must know who the child is: the consent covers at least "
                    "the basic data."
                )
            }
        )
    if to_unit.type == UnitType.PPR and red_team_pending(child, unit=from_unit):
        raise ValidationError(
            _(
                "The child's agreed position must first be discussed in the cross-disciplinary"
                " team: the task for that is still open."
            )
        )
    topic = referral_topic(to_unit)
    consent = consent_record(
        actor=actor,
        child=child,
        guardian=guardian,
        kinds=kinds,
        units=[to_unit],
        purpose=referral_purpose(from_unit, to_unit, proposal),
        valid_from=timezone.localdate(),
        valid_until=valid_until,
        paper=paper,
        paper_date=paper_date,
    )
    referral = Referral.objects.create(
        municipality_id=actor.municipality_id,
        child=child,
        from_unit=from_unit,
        to_unit=to_unit,
        reason=reason.strip(),
        proposal=proposal,
        proposed_when=proposed_when.strip(),
        consent=consent,
        sent_by=actor,
    )
    access_log_record(
        actor=actor,
        action=Action.CREATE,
        basis=child_bases_for(actor, [child.pk]).get(child.pk, Basis.OWN_RECORD),
        obj=referral,
        child_id=child.pk,
        purpose=_("Referral"),
        topic=topic,
    )
    return referral


@transaction.atomic
def referral_answer(*, actor, referral, accept, reason):
    """The receiving unit accepts or declines, with a reason: only while the parents' consent
    lets it read the referral."""
    if referral.to_unit_id not in own_unit_ids(actor):
        raise ValidationError(_("Only the receiving unit answers the referral."))
    row_lock(referral)  # two answers at once: the first stands, the second is told so
    if (
        referral.consent_id is None
        or not child_list_visible_to(actor, consent_id=referral.consent_id)
        .filter(pk=referral.child_id)
        .exists()
    ):
        raise ValidationError(
            _("The parents' consent to this referral is not in force: it cannot be answered.")
        )
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(_("The referral has already been answered."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Write the reason for the answer.")})
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.answer_reason = reason.strip()
    referral.answered_by, referral.answered_at = actor, timezone.now()
    referral.save(update_fields=["status", "answer_reason", "answered_by", "answered_at"])
    access_log_record(
        actor=actor,
        action=Action.CHANGE,
        basis=Basis.CONSENT,
        obj=referral,
        child_id=referral.child_id,
        purpose=_("Answer a referral"),
        topic=referral_topic(referral.to_unit),
    )
    return referral
