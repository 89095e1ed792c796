"""Reads of insight requests. The preparers (the municipality's administrators and its
social-work side) see the requests of their own municipality; a guardian sees her own requests
on her child's page and downloads a released answer. Everyone else gets 404."""

from django.db.models import Exists

from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import access_log_record, get_or_refuse, refuse
from trivsel.organisation.models import (
    SOCIAL_WORK_ROLES,
    SOCIAL_WORK_UNIT_TYPES,
    Role,
    StaffProfile,
)

from ..models import InsightRequest, InsightStatus
from ..selectors import child_get_for


def _social_work_units_of(user):
    return StaffProfile.units.through.objects.filter(
        staffprofile__user_id=user.pk,
        unit__type__in=list(SOCIAL_WORK_UNIT_TYPES),
        unit__municipality_id=user.municipality_id,
    )


def preparer_basis(user):
    """The basis on which the user prepares insight answers, or None if they may not: an
    administrator of the municipality (administration), or a socialrådgiver or teamleder of its
    social-work side (statutory: that side holds the notifications the answer covers)."""
    profile = user.staff_profile_or_none if user.is_authenticated else None
    if profile is None or user.municipality_id is None:
        return None
    if profile.has_role(Role.ADMINISTRATOR):
        return Basis.ADMINISTRATION
    if (
        profile.has_role(*SOCIAL_WORK_ROLES)
        and profile.units.filter(
            type__in=list(SOCIAL_WORK_UNIT_TYPES), municipality_id=user.municipality_id
        ).exists()
    ):
        return Basis.STATUTORY
    return None


def insight_request_list_visible_to(user):
    """The pending requests of the user's municipality, nearest due date first, for its
    preparers (preparer_basis, asked inside the one query); none for anyone else."""
    profile = user.staff_profile_or_none if user.is_authenticated else None
    if profile is None or user.municipality_id is None:
        return InsightRequest.objects.none()
    requests = InsightRequest.objects.filter(municipality_id=user.municipality_id, released_at=None)
    if not profile.has_role(Role.ADMINISTRATOR):
        if not profile.has_role(*SOCIAL_WORK_ROLES):
            return InsightRequest.objects.none()
        requests = requests.filter(Exists(_social_work_units_of(user)))
    return requests.select_related("child").order_by("due_date", "pk")


def insight_request_get_for(user, pk, *, purpose):
    """One request of the user's municipality for its preparers, logged (the preparer reads
    everything held about the child); anyone else gets a logged 404."""
    basis = preparer_basis(user)
    queryset = InsightRequest.objects.none()
    if basis is not None:
        queryset = InsightRequest.objects.filter(municipality_id=user.municipality_id)
    request = get_or_refuse(
        queryset.select_related("child__municipality", "requested_by", "prepared_by"),
        pk,
        actor=user,
        purpose=purpose,
    )
    request.preparer_basis = basis
    access_log_record(
        actor=user,
        action=Action.READ,
        basis=basis,
        obj=request,
        child_id=request.child_id,
        purpose=purpose,
        # The preparer reads the notifications too: never in the guardians' log.
        topic=Topic.SOCIAL_WORK,
    )
    return request


def insight_requests_of(user, child):
    """The user's own requests about the child, newest first (the child's page; the page has
    checked the user's access to the child)."""
    return InsightRequest.objects.filter(child=child, requested_by=user).order_by(
        "-requested_at", "-pk"
    )


def insight_answer_get_for(user, pk, *, purpose):
    """A released answer, for the person who asked, while they may still ask about the child
    (cases.capabilities.may_ask_for_insight); the download is logged. Anyone else: 404."""
    request = get_or_refuse(
        InsightRequest.objects.filter(requested_by_id=user.pk, status=InsightStatus.RELEASED),
        pk,
        actor=user,
        purpose=purpose,
    )
    child = child_get_for(user, request.child_id, purpose=purpose, need="ask_for_insight")
    if child.municipality_id != request.municipality_id:
        refuse(actor=user, what="cases.insightrequest", pk=pk, purpose=purpose)
    access_log_record(
        actor=user,
        action=Action.EXPORT,
        basis=child.access_basis,
        obj=request,
        child_id=child.pk,
        purpose=purpose,
        topic=Topic.INTERNAL,
    )
    return request


def insight_pending_child_ids(*, municipality_id=None):
    """The ids of the children with an insight request not yet answered, as a queryset (for a
    subquery): their records must be kept until the answer is released (a legal hold)."""
    pending = InsightRequest.objects.filter(released_at__isnull=True)
    if municipality_id is not None:
        pending = pending.filter(municipality_id=municipality_id)
    return pending.values_list("child_id", flat=True).distinct()
