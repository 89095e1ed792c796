from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from trivsel.organisation.models import StaffProfile

from .access import grants_rebuild
from .models import ExchangeGrant, Involvement


# Statutory access follows the person's social-work role, and the exchange without consent the
# roles of the fields the law names: when roles change, the children they are involved with or
# take part in an exchange about get their grants rebuilt at once (role-based consents follow in
# the sweep).
@receiver(post_save, sender=StaffProfile)
def rebuild_grants_after_role_change(sender, instance, created, **kwargs):
    if created:
        return
    child_ids = set(
        Involvement.objects.filter(person_id=instance.user_id).values_list("child_id", flat=True)
    )
    since = timezone.localdate() - timedelta(days=settings.EXCHANGE_FOLLOW_UP_DAYS)
    child_ids |= set(
        ExchangeGrant.objects.filter(participants=instance.user_id)
        .filter(Q(meeting_date__gte=since) | Q(follow_up_date__gte=since))
        .values_list("child_id", flat=True)
    )
    grants_rebuild(child_ids=child_ids)
