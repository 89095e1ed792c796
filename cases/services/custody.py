"""Custody ends on the 18th birthday (myndighedsalder), and the guardians' access with it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.notifications.clocks import years_before

from ..access import grants_rebuild
from ..models import AGE_OF_MAJORITY, DataKind, Guardianship, TimelineKind
from .timeline import timeline_add


def guardian_access_end_at_18(*, today=None, batch=500):
    """Record the end of custody for every child who has turned 18: the guardianships lose
    custody, the child's grants are rebuilt (the guardians' grant rows had already stopped at
    midnight on the birthday: cases.access), and the child's timeline says so. The young person's
    own access goes on. Safe to run twice, or on two workers: each batch claims its rows under a
    lock that others skip, and a claimed row no longer matches. Returns the number of children."""
    today = today or timezone.localdate()
    # Born on or before this day: 18 today or older (a 29 February birthday counts on 1 March
    # in other years, as Child.age_on does).
    born_by = years_before(today, AGE_OF_MAJORITY)
    ended = 0
    while True:
        with transaction.atomic():
            rows = list(
                Guardianship.objects.select_for_update(skip_locked=True)
                .filter(has_custody=True, child__birth_date__lte=born_by)
                .order_by("child_id", "pk")
                .values_list("pk", "child_id")[:batch]
            )
            if not rows:
                return ended
            Guardianship.objects.filter(pk__in=[pk for pk, _child in rows]).update(
                has_custody=False
            )
            child_ids = sorted({child_id for _pk, child_id in rows})
            for guardianship in (
                Guardianship.objects.filter(child_id__in=child_ids)
                .select_related("child")
                .distinct("child_id")
                .order_by("child_id")
            ):
                timeline_add(
                    child=guardianship.child,
                    kind=TimelineKind.NOTE,
                    data_kind=DataKind.BASIC,
                    actor=None,
                    text=_(
                        "Turned 18: custody has ended, and with it the guardians' access to the "
                        "record."
                    ),
                )
            grants_rebuild(child_ids=child_ids)
            ended += len(child_ids)
