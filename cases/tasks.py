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


@shared_task(name="cases.tasks.imports_expire")
def imports_expire():
    # An import preview never confirmed: its file (CPR numbers) is deleted.
    from .imports.services import imports_expire as expire

    expire()


@shared_task(name="cases.tasks.imports_drop_folder")
def imports_drop_folder():
    """The nightly enrolment sync from the drop folder (settings.IMPORT_DROP_DIR)."""
    from django.conf import settings

    from .imports.services import import_drop_folder_sync

    if settings.IMPORT_DROP_DIR:
        import_drop_folder_sync(folder=settings.IMPORT_DROP_DIR)
