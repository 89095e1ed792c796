from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .access_groups import staff_access_groups_sync
from .models import StaffProfile


# The admin and the services change memberships through these m2m fields; the auth groups that
# carry unit-wide grants must follow at once.
@receiver(m2m_changed, sender=StaffProfile.units.through)
@receiver(m2m_changed, sender=StaffProfile.groups.through)
def sync_access_groups(sender, instance, action, reverse, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        # Changed from the unit/group side: instance is a Unit or Group.
        for profile in instance.staff.select_related("user"):
            staff_access_groups_sync(profile)
    else:
        staff_access_groups_sync(instance)
