"""What is kept how long (README "Sletning og opbevaring"). The platform knows no app's tables:
each app registers its kinds of record from its own `retention.py` in AppConfig.ready(), and
the child ids that are on legal hold (trivsel/extension_points.py)."""

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, ProtectedError, RestrictedError
from django.db.models.deletion import PROTECT, RESTRICT
from django.utils import timezone

from trivsel.extension_points import ExtensionPoint
from trivsel.figures.counting import counting_starts

DELETE = "delete"
ANONYMISE = "anonymise"

# RecordType objects, one per kind of record (added by each app's ready()).
retention_record_types = ExtensionPoint("retention record types")
# function(*, municipality_id) -> iterable of child ids whose records nothing may remove now
# (an open investigation, an open notification, a pending insight request, …).
retention_legal_holds = ExtensionPoint("retention legal holds")


@dataclass(frozen=True, eq=False)
class RecordType:
    """One kind of record and its default period.

    `expired(*, municipality_id, before, held)` gives the records of the municipality whose
    named event happened before `before` (an aware datetime), annotated `retention_event` (that
    event), leaving out those about a child in `held` (a list of child ids). With
    `municipality_id=None` it gives the records that belong to no municipality (only asked of
    types with `without_municipality`), or none.

    `action` DELETE deletes the rows; ANONYMISE calls `anonymise(batch, expired=…)`, which strips
    what identifies a person from the rows of `batch` (and may widen it within `expired`, e.g. to
    a whole round) so that /tal/'s counts survive, and returns how many records it changed.
    `delete(batch)`, when given, replaces the plain delete of a DELETE type (a child's record takes
    its guardians and household along) and returns how many records of the type it deleted."""

    key: str
    label: Any  # what the records are, in the guardians' words too ("Individual screening marks")
    event: Any  # the named event the period runs from ("after the round was closed")
    default_months: int
    expired: Any
    action: str = DELETE
    anonymise: Any = None
    order: int = 100
    delete: Any = None
    # Only what happened before the first month /tal/ counts, however short a municipality's
    # rule: the figures job counts every month again from the rows, so removing a row it counts
    # would change a closed month (the child's own record).
    outside_figures_window: bool = False
    # Some rows belong to no municipality (an e-mail to an address): the default period applies.
    without_municipality: bool = False

    @property
    def action_label(self):
        from django.utils.translation import gettext_lazy as _

        return (
            _("is anonymised (the figures are kept)")
            if self.action == ANONYMISE
            else _("is deleted")
        )


def record_types():
    return sorted(retention_record_types, key=lambda t: (t.order, t.key))


def record_type_get(key):
    return next((t for t in retention_record_types if t.key == key), None)


@dataclass(frozen=True)
class Rule:
    record_type: RecordType
    months: int
    is_default: bool

    def before(self, now):
        """Records whose event happened before this moment have passed their period."""
        before = now - relativedelta(months=self.months)
        if self.record_type.outside_figures_window:
            first_counted = counting_starts(timezone.localdate(now))
            before = min(before, timezone.make_aware(datetime.combine(first_counted, time.min)))
        return before

    @property
    def period_text(self):
        """ "5 years after the notification was closed", in the reader's language."""
        from django.utils.translation import ngettext

        if self.months % 12 == 0:
            years = self.months // 12
            period = ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
        else:
            period = ngettext("%(count)s month", "%(count)s months", self.months) % {
                "count": self.months
            }
        return f"{period} {self.record_type.event}"


def rules_for(municipality_id):
    """Every kind of record with the municipality's period (its own rule, or the default)."""
    from .models import RetentionRule

    own = dict(
        RetentionRule.objects.filter(municipality_id=municipality_id).values_list(
            "record_type", "months"
        )
    )
    return [Rule(t, own.get(t.key, t.default_months), t.key not in own) for t in record_types()]


def held_child_ids(municipality_id):
    """The children of the municipality whose records are on legal hold, from every app."""
    held = set()
    for hold in retention_legal_holds:
        held.update(hold(municipality_id=municipality_id))
    return sorted(held)


# --- Helpers for the apps' `expired` functions ---------------------------------------------------


def without_protected_references(queryset):
    """Leave out rows another record still points at with PROTECT or RESTRICT (a consent a
    handover was sent under): they go when that record has gone, never break a batch."""
    model = queryset.model
    for relation in model._meta.related_objects:
        on_delete = getattr(relation, "on_delete", None)
        if on_delete not in (PROTECT, RESTRICT) or relation.many_to_many:
            continue
        referring = relation.related_model._base_manager.filter(
            **{relation.field.name: OuterRef("pk")}
        )
        queryset = queryset.exclude(Exists(referring))
    return queryset


PROTECTION_ERRORS = (ProtectedError, RestrictedError)
