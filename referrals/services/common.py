"""What the referrals' writes share: the access log's entry, the intake's cache and deadline,
the child's timeline."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import DataKind, TimelineKind
from cases.selectors import child_list_visible_to
from cases.services import timeline_add
from trivsel.audit.models import Basis, Topic
from trivsel.audit.services import access_log_record
from trivsel.organisation.selectors import own_unit_ids

from ..models import Underretning
from ..selectors import intake_cache_expire, is_social_work


def _log(actor, action, obj, *, child_id=None, basis=Basis.STATUTORY, purpose, topic=None):
    # Everything about a notification is the social-work side's: never in the guardians' log,
    # whoever wrote it and on whatever basis (DOMAIN.md §5, exception path).
    access_log_record(
        actor=actor,
        action=action,
        basis=basis,
        obj=obj,
        child_id=child_id,
        purpose=purpose,
        topic=topic or Topic.SOCIAL_WORK,
    )


def _intake_changed(underretning):
    # The intake's counts, caseload and queue pages are cached. Expired now, and again once the
    # change is committed: a page read between the two, from the data before the commit, is
    # then never served again.
    municipality_id = underretning.municipality_id
    intake_cache_expire(municipality_id)
    transaction.on_commit(lambda: intake_cache_expire(municipality_id))


def _save(underretning, *fields):
    # The clocks' deadlines are saved with the fields (Underretning.save).
    underretning.save(update_fields=fields)
    _intake_changed(underretning)
    return underretning


def _check_social_work(actor):
    if not is_social_work(actor):
        raise ValidationError(_("Only the social-work side handles notifications."))


def _timeline(underretning, actor, text):
    # Seen only by those who may see notifications: never the parents (DOMAIN.md §5).
    if underretning.child_id:
        timeline_add(
            child=underretning.child,
            kind=TimelineKind.NOTIFICATION,
            data_kind=DataKind.NOTIFICATIONS,
            actor=actor,
            text=text,
        )


def _create(**fields):
    fields.setdefault("received_at", timezone.now())
    underretning = Underretning(**fields)
    underretning.save()
    _intake_changed(underretning)
    return underretning


def _check_child_seen(actor, child):
    if not child_list_visible_to(actor).filter(pk=child.pk).exists():
        raise ValidationError({"child": _("Choose one of the children you work with.")})


def _check_own_unit(actor, unit):
    if unit.pk not in own_unit_ids(actor):
        raise ValidationError({"unit": _("Choose one of your own units.")})
