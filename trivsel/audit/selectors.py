from django.core.exceptions import PermissionDenied
from django.utils import timezone

from trivsel.organisation.models import Role

from .models import AccessLogEntry, Action, Basis


def can_browse_access_log(user):
    profile = user.staff_profile_or_none if user.is_authenticated else None
    return profile is not None and profile.has_role(Role.ADMINISTRATOR)


def access_log_list_visible_to(user, *, action="", basis="", actor="", since=None, until=None):
    """Access-log entries of the user's own municipality, for its administrators only."""
    if not can_browse_access_log(user):
        raise PermissionDenied
    entries = AccessLogEntry.objects.filter(municipality_id=user.municipality_id).select_related(
        "actor"
    )
    if action:
        entries = entries.filter(action=action)
    if basis:
        entries = entries.filter(basis=basis)
    if actor:
        entries = entries.filter(actor__username__iexact=actor)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries


def access_log_for_guardian(*, child_id):
    """Look-ups on one child as a guardian sees them: when, what and why — not who
    (Datatilsynet's practice), and only what trivsel.audit.rules let them know. The caller has
    checked the guardian's basis."""
    return AccessLogEntry.objects.filter(
        child_id=child_id, guardian_visible_from__lte=timezone.now()
    ).only("at", "action", "basis", "purpose")


def privilege_changes_of(user):
    """The changes of one person's roles and access (trivsel.audit.services
    .privilege_change_record), newest first, for the administrators of their municipality."""
    return AccessLogEntry.objects.filter(
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        action=Action.CHANGE,
        basis=Basis.ADMINISTRATION,
    ).select_related("actor")
