from celery import shared_task

from .access import grants_delete_expired, grants_rebuild_role_consents
from .services.custody import guardian_access_end_at_18 as _guardian_access_end_at_18


@shared_task(name="cases.tasks.grants_housekeeping")
def grants_housekeeping():
    # The queries already ignore expired grants; this keeps the tables small and picks up
    # staff who got a role a role-based consent names.
    grants_delete_expired()
    grants_rebuild_role_consents()


@shared_task(name="cases.tasks.guardian_access_end_at_18")
def guardian_access_end_at_18():
    # Daily, just after midnight: custody ends on the 18th birthday (README, "Den unge").
    return _guardian_access_end_at_18()
