"""Who may import, and the runs an administrator sees: her own municipality's, nobody else's."""

from django.http import Http404
from django.utils.translation import gettext as _

from trivsel.audit.services import get_or_refuse
from trivsel.organisation.models import Role

from ..models import ImportRun


def may_import(user):
    profile = user.staff_profile_or_none if getattr(user, "is_authenticated", False) else None
    return (
        profile is not None
        and profile.has_role(Role.ADMINISTRATOR)
        and user.municipality_id is not None
        and user.is_active
    )


def import_run_list_visible_to(user):
    if not may_import(user):
        raise Http404
    return ImportRun.objects.filter(municipality_id=user.municipality_id).select_related(
        "created_by"
    )


def import_run_get_for(user, pk):
    return get_or_refuse(import_run_list_visible_to(user), pk, actor=user)


def import_preview_for(user, run):
    """What a stored preview lists, as {section: [(row, text), …]}; the look at the names and
    masked CPR numbers in it is logged."""
    from trivsel.audit.models import Action, Basis
    from trivsel.audit.services import access_log_record

    access_log_record(
        actor=user,
        action=Action.READ,
        basis=Basis.ADMINISTRATION,
        obj=run,
        purpose=_("Import preview"),
        detail=run.file_name,
    )
    return {section: [tuple(line) for line in lines] for section, lines in run.preview.items()}


def import_runs_for_operations(user, *, limit=10):
    """The last runs on /drift/: a municipality's administrator sees her own municipality's, a
    platform superuser every municipality's."""
    runs = ImportRun.objects.select_related("municipality", "created_by").defer(
        "content", "preview"
    )
    if not user.is_superuser:
        runs = runs.filter(municipality_id=user.municipality_id)
    return list(runs[:limit])


def imports_operations_section(user):
    """The imports' part of /drift/ (trivsel.notifications.selectors.operations_sections)."""
    if not (user.is_superuser or user.municipality_id):
        return None
    return {
        "heading": _("Imports and nightly syncs"),
        "template": "cases/imports/operations_section.html",
        "runs": import_runs_for_operations(user),
        "show_municipality": user.is_superuser,
        "link_runs": may_import(user),
    }
