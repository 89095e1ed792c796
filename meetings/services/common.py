"""What the meetings' services share: their exceptions, the check that people belong to the
meeting's municipality, and the access log entry of a change."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.selectors import child_bases_for
from trivsel.audit.models import Basis
from trivsel.audit.services import access_log_record

from ..selectors import (
    log_topic,
)


class MinutesLocked(Exception):
    """The minutes are approved: only a new version can change them."""


class NeedsConfirmation(Exception):
    """The input is allowed but looks risky; the user must confirm it."""

    def __init__(self, warnings):
        super().__init__(" ".join(warnings))
        self.warnings = warnings


def _same_municipality(municipality_id, *people):
    for person in people:
        if person is not None and person.municipality_id != municipality_id:
            raise ValidationError(_("Only people of the meeting's municipality."))


def _log(actor, action, obj, *, meeting, purpose, item=None):
    """Log a change of a meeting (or of `item` on its agenda) with the child it concerns, the
    actor's basis and the meeting's topic (selectors.log_topic)."""
    child_id = item.child_id if item is not None else meeting.child_id
    basis = Basis.ADMINISTRATION
    if child_id is not None:
        basis = child_bases_for(actor, [child_id]).get(child_id, Basis.ADMINISTRATION)
    topic = log_topic(meeting, item=item, fresh=True)
    access_log_record(
        actor=actor,
        action=action,
        basis=basis,
        obj=obj,
        child_id=child_id,
        purpose=purpose,
        topic=topic.topic,
        guardian_not_before=topic.not_before,
    )


def _day(moment):
    return date_format(timezone.localtime(moment), "d.m.Y H:i")
