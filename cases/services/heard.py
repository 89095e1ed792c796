"""Whether and how the child was heard (Barnets lov § 5): one check for every form that asks for
the child's view — the forløb's plan, a handover, a network meeting's minutes."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ChildHeard, child_heard_required


def child_heard_check(*, child, child_heard, child_heard_note, on=None):
    """Refuse (with Danish messages on the two fields) an answer that is missing from the age the
    child's municipality sets, a choice that is not one, or a choice without its how or why.

    `child_heard` None: the caller does not ask (seeded data, another app's automation); a form
    always answers, "" when the person left it empty."""
    if child_heard is None:
        return
    on = on or timezone.localdate()
    note = (child_heard_note or "").strip()
    if child_heard and child_heard not in ChildHeard.values:
        raise ValidationError({"child_heard": _("Choose how the child was heard, or that not.")})
    if not child_heard:
        if child_heard_required(child, on):
            raise ValidationError(
                {
                    "child_heard": _(
                        "Record whether the child was heard (Barnets lov § 5): the municipality "
                        "asks for it from the age of %(age)s."
                    )
                    % {"age": child.municipality.child_heard_from_age}
                }
            )
        return
    if not note:
        message = (
            _("Write why the child was not heard.")
            if child_heard == ChildHeard.NOT_HEARD
            else _("Write how the child was heard.")
        )
        raise ValidationError({"child_heard_note": message})
