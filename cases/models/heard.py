"""Whether and how the child was heard (Barnets lov § 5): recorded on every form that asks for
the child's view — a forløb's plan, a handover, a network meeting, a notification."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChildHeard(models.TextChoices):
    CONVERSATION = "conversation", _("Heard in a conversation")
    WRITING = "writing", _("Heard in writing")
    REPRESENTATIVE = "representative", _("Heard through a representative")
    NOT_HEARD = "not_heard", _("Not heard")


class ChildHeardFields(models.Model):
    """The two fields: the choice, and how (or, when not heard, why not). Required on the forms
    from the age the child's municipality sets (Municipality.child_heard_from_age)."""

    child_heard = models.CharField(
        _("was the child heard?"), max_length=20, choices=ChildHeard.choices, blank=True
    )
    child_heard_note = models.TextField(_("how the child was heard, or why not"), blank=True)

    class Meta:
        abstract = True


def child_heard_required(child, day):
    """Must a form about `child` on `day` record whether the child was heard?"""
    return child.age_on(day) >= child.municipality.child_heard_from_age
