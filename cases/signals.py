from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils import timezone

from trivsel.organisation.models import StaffProfile

from .access import grants_rebuild
from .models import Consent, ConsentStatus, ExchangeGrant, Involvement


# Statutory access follows the person's social-work role, the exchange without consent the roles
# of the fields the law names, and a consent to a role within a unit the roles of its staff: when
# roles change, the children concerned get their grants rebuilt at once (the sweep in cases.tasks
# catches anything else).
@receiver(post_save, sender=StaffProfile)
def rebuild_grants_after_role_change(sender, instance, created, **kwargs):
    if created:
        return
    today = timezone.localdate()
    child_ids = set(
        Involvement.objects.filter(person_id=instance.user_id).values_list("child_id", flat=True)
    )
    child_ids |= set(
        Consent.objects.filter(
            status=ConsentStatus.GIVEN,
            valid_until__gte=today,
            recipient_units__in=instance.units.values("pk"),
        )
        .exclude(recipient_roles=[])
        .values_list("child_id", flat=True)
    )
    since = today - timedelta(days=settings.EXCHANGE_FOLLOW_UP_DAYS)
    child_ids |= set(
        ExchangeGrant.objects.filter(participants=instance.user_id)
        .filter(Q(meeting_date__gte=since) | Q(follow_up_date__gte=since))
        .values_list("child_id", flat=True)
    )
    grants_rebuild(child_ids=child_ids)


@receiver(m2m_changed, sender=StaffProfile.units.through)
def rebuild_grants_after_unit_change(sender, instance, action, reverse, pk_set, **kwargs):
    """A consent to a role within a unit covers the unit's staff with that role now: someone
    joining or leaving the unit gains or loses it at once, not at the next sweep."""
    if action == "pre_clear":
        # The units are gone by post_clear: remember them.
        instance._units_before_clear = (
            {instance.pk} if reverse else set(instance.units.values_list("pk", flat=True))
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        unit_ids = getattr(instance, "_units_before_clear", set())
    else:
        unit_ids = {instance.pk} if reverse else set(pk_set or ())
    child_ids = set(
        Consent.objects.filter(
            status=ConsentStatus.GIVEN,
            valid_until__gte=timezone.localdate(),
            recipient_units__in=unit_ids,
        )
        .exclude(recipient_roles=[])
        .values_list("child_id", flat=True)
    )
    grants_rebuild(child_ids=child_ids)
