"""Writes of insight requests: the guardian's request, the preparer's decisions on the exception
path, the prepared package and its release. Every step is in the access log."""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Topic
from trivsel.audit.services import access_log_record
from trivsel.notifications.services import notification_send
from trivsel.organisation.models import Role, User

from ..models import InsightDecision, InsightDecisionKind, InsightRequest, InsightStatus
from ..reminders import INSIGHT_RELEASED, INSIGHT_REQUESTED
from ..selectors import child_capabilities
from . import package as insight_package
from .selectors import preparer_basis


def insight_due_date(requested_at):
    """Art. 12(3): an answer within one month of the request."""
    return timezone.localdate(requested_at) + relativedelta(months=1)


def _administrators(municipality_id):
    return User.objects.filter(
        municipality_id=municipality_id,
        is_active=True,
        staff_profile__roles__contains=[Role.ADMINISTRATOR],
    ).order_by("pk")


@transaction.atomic
def insight_request_create(*, actor, child):
    """A guardian, or the young person with their own login, asks for insight: one open
    request per person and child, a one-month clock, and the municipality's administrators are
    told in the app (the e-mail says only that a request waits)."""
    capabilities = child_capabilities(actor, child.pk)
    if not capabilities.ask_for_insight:
        raise PermissionDenied
    # Lock the child's row: two clicks at once make one request, not an IntegrityError.
    type(child).objects.select_for_update().filter(pk=child.pk).first()
    open_request = InsightRequest.objects.filter(
        child=child, requested_by=actor, released_at__isnull=True
    ).first()
    if open_request is not None:
        raise ValidationError(
            _("You have already asked for insight. The answer is due by %(date)s.")
            % {"date": open_request.due_date.strftime("%d.%m.%Y")}
        )
    now = timezone.now()
    request = InsightRequest.objects.create(
        municipality_id=child.municipality_id,
        child=child,
        requested_by=actor,
        requested_at=now,
        due_date=insight_due_date(now),
    )
    access_log_record(
        actor=actor,
        action=Action.CREATE,
        basis=capabilities.basis(),
        obj=request,
        child_id=child.pk,
        purpose=_("Request for insight"),
        topic=Topic.INTERNAL,
    )
    link = reverse("cases:insight_detail", args=[request.pk])
    for administrator in _administrators(child.municipality_id):
        notification_send(
            recipient=administrator,
            kind=INSIGHT_REQUESTED,
            key=f"cases.insight:{request.pk}:requested",
            link=link,
        )
    return request


def _require_preparer(actor, request):
    basis = preparer_basis(actor)
    if basis is None or actor.municipality_id != request.municipality_id:
        raise PermissionDenied
    return basis


def _log(actor, basis, request, action, purpose, detail=""):
    access_log_record(
        actor=actor,
        action=action,
        basis=basis,
        obj=request,
        child_id=request.child_id,
        purpose=purpose,
        detail=detail,
        topic=Topic.SOCIAL_WORK,
    )


def _unprepare(request):
    # A decision after the package was made changes the answer: it must be made again.
    if request.status == InsightStatus.PREPARED:
        request.status = InsightStatus.REQUESTED
        request.package = request.pdf = request.pages = None
        request.prepared_at = request.prepared_by = None
        request.save()


@transaction.atomic
def insight_decision_record(*, actor, request, entry_key, decision, reason, sections=None):
    """The preparer withholds (or discloses) one entry on the exception path, with the reason
    (databeskyttelseslovens § 22). Only entries on the exception path are decided here."""
    basis = _require_preparer(actor, request)
    if request.released_at is not None:
        raise ValidationError(_("The answer has been released and can no longer be changed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    sections = sections if sections is not None else insight_package.sections_for(request.child)
    keys = {entry.key for _s, entry in insight_package.exception_entries(sections)}
    if entry_key not in keys:
        raise ValidationError(_("This entry is not on the exception path."))
    InsightDecision.objects.update_or_create(
        request=request,
        entry_key=entry_key,
        defaults={"decision": decision, "reason": reason.strip(), "decided_by": actor},
    )
    _unprepare(request)
    label = InsightDecisionKind(decision).label
    _log(
        actor,
        basis,
        request,
        Action.CHANGE,
        _("Decision on an insight entry"),
        f"{entry_key}: {label}",
    )


@transaction.atomic
def insight_package_prepare(*, actor, request):
    """Build the answer: every app's sections, redacted, the withheld entries left out, as JSON
    and as a tagged PDF. Every entry on the exception path needs a recorded decision first."""
    basis = _require_preparer(actor, request)
    request = InsightRequest.objects.select_for_update().get(pk=request.pk)
    if request.released_at is not None:
        raise ValidationError(_("The answer has been released and can no longer be changed."))
    sections = insight_package.sections_for(request.child)
    decided = set(request.decisions.values_list("entry_key", flat=True))
    undecided = [e for _s, e in insight_package.exception_entries(sections) if e.key not in decided]
    if undecided:
        raise ValidationError(
            _("Decide first whether to withhold each entry on the exception path (%(count)s left).")
            % {"count": len(undecided)}
        )
    package = insight_package.package_build(request, sections=sections)
    pdf, pages = insight_package.package_pdf(package)
    request.package, request.pdf, request.pages = package, pdf, pages
    request.status = InsightStatus.PREPARED
    request.prepared_by, request.prepared_at = actor, timezone.now()
    request.save()
    _log(actor, basis, request, Action.EXPORT, _("Prepare the answer to an insight request"))
    return request


@transaction.atomic
def insight_release(*, actor, request):
    """Release the prepared answer to the guardian who asked: she is told in the app and
    downloads it from her child's page. The clock stops."""
    basis = _require_preparer(actor, request)
    request = InsightRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != InsightStatus.PREPARED:
        raise ValidationError(_("Prepare the answer before releasing it."))
    request.status = InsightStatus.RELEASED
    request.released_by, request.released_at = actor, timezone.now()
    request.save()
    _log(actor, basis, request, Action.CHANGE, _("Release the answer to an insight request"))
    notification_send(
        recipient=request.requested_by,
        kind=INSIGHT_RELEASED,
        key=f"cases.insight:{request.pk}:released",
        link=reverse("cases:child_detail", args=[request.child_id]) + "#indsigt",
    )
    return request
