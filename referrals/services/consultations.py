"""Anonymous consultations: counted per unit and month, never naming a child."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Child
from trivsel.identifying import identifying_problems

from ..models import AnonymousConsultation
from .common import _check_social_work


@transaction.atomic
def consultation_record(*, actor, unit, topic):
    _check_social_work(actor)
    if unit.municipality_id != actor.municipality_id:
        raise ValidationError({"unit": _("Choose a unit of your municipality.")})
    problems = identifying_problems(
        topic,
        someone_named=lambda words: Child.objects.filter(
            municipality_id=actor.municipality_id, first_name__in=words
        ).exists(),
    )
    if problems:
        raise ValidationError({"topic": problems})
    today = timezone.localdate()
    return AnonymousConsultation.objects.create(
        municipality_id=actor.municipality_id,
        unit=unit,
        month=today.replace(day=1),
        topic=topic.strip(),
        advised_by=actor,
    )
