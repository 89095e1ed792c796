from django.db.models.signals import post_save
from django.dispatch import receiver

from trivsel.organisation.models import StaffProfile

from .access import grants_rebuild
from .models import Involvement


# Statutory access follows the person's social-work role: when roles change, the children they
# are involved with get their grants rebuilt at once (role-based consents follow in the sweep).
@receiver(post_save, sender=StaffProfile)
def rebuild_grants_after_role_change(sender, instance, created, **kwargs):
    if created:
        return
    child_ids = Involvement.objects.filter(person_id=instance.user_id).values_list(
        "child_id", flat=True
    )
    grants_rebuild(child_ids=child_ids)
