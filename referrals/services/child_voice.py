"""The child's voice and the bisidder (Barnets lov §§ 5–6): whether and how the child was heard,
or why not, and whether a bisidder took part — recorded on a notification, on its investigation
and on a dialogue meeting. Internal to social work: logged, never on the child's timeline."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trivsel.audit.models import Action
from trivsel.organisation.selectors import leads_unit

from ..models import ChildHeard, DialogueUnderretning, Underretning
from .common import _check_social_work, _log, _save

# The parts of a notification that hear the child, and the prefix of their fields.
PARTS = {"notification": "", "investigation": "investigation_"}


def _check_dialogue_person(actor, dialogue):
    # The people in the dialogue (selectors.dialogue_get_for): who started it, the unit's
    # leaders, and the invited social worker — she only from the meeting on, as before it she
    # knows nothing but the short type of concern (DOMAIN.md §9).
    in_the_unit = actor.pk == dialogue.started_by_id or leads_unit(actor, dialogue.unit_id)
    social_worker_at_the_meeting = (
        actor.pk == dialogue.social_worker_id and dialogue.underretning_id is not None
    )
    if dialogue.municipality_id != actor.municipality_id or not (
        in_the_unit or social_worker_at_the_meeting
    ):
        raise ValidationError(_("Only the people in the dialogue record the child's perspective."))


def _check_voice(child_heard, child_heard_note):
    if child_heard not in ChildHeard.values:
        raise ValidationError({"child_heard": _("Choose whether the child was heard.")})
    if child_heard == ChildHeard.HEARD and not child_heard_note:
        raise ValidationError({"child_heard_note": _("Write how the child was heard.")})
    if child_heard == ChildHeard.NOT_HEARD and not child_heard_note:
        raise ValidationError(
            {"child_heard_note": _("Write why the child was not heard (Barnets lov § 5).")}
        )


@transaction.atomic
def child_voice_record(
    *, actor, target, part="notification", child_heard, child_heard_note="", bisidder_present=None
):
    """Record whether and how the child was heard and whether a bisidder took part, on an
    Underretning (`part` "notification" or "investigation") or a DialogueUnderretning (its
    meeting). A child heard needs how in the note, a child not heard the reason."""
    child_heard_note = (child_heard_note or "").strip()
    if isinstance(target, Underretning):
        _check_social_work(actor)
        if target.municipality_id != actor.municipality_id:
            raise ValidationError(_("Only the social-work side handles notifications."))
        if part not in PARTS:
            raise ValidationError(_("Choose what the child was heard in."))
        if part == "investigation" and not target.runs_investigation:
            raise ValidationError(_("No investigation has been started."))
    elif isinstance(target, DialogueUnderretning):
        _check_dialogue_person(actor, target)
        part = "notification"
    else:
        raise TypeError(target)
    _check_voice(child_heard, child_heard_note)
    prefix = PARTS[part]
    values = {
        "child_heard": child_heard,
        "child_heard_note": child_heard_note,
        "bisidder_present": bisidder_present,
    }
    for field, value in values.items():
        setattr(target, prefix + field, value)
    fields = [prefix + field for field in values]
    if isinstance(target, Underretning):
        _save(target, *fields)
    else:
        target.save(update_fields=fields)
    _log(
        actor, Action.CHANGE, target, child_id=target.child_id, purpose=_("The child's perspective")
    )
    return target
