from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from trivsel.audit.models import Action, Topic
from trivsel.audit.services import access_log_record_many, refuse
from trivsel.web import service_errors

from .. import selectors as case_selectors
from ..models import InsightStatus
from . import package as insight_package
from . import selectors, services
from .forms import InsightDecisionForm, decision_prefix


@login_required
@require_POST
def insight_request_create(request, pk):
    """The guardian asks for insight from her child's page."""
    child = case_selectors.child_get_for(
        request.user,
        pk,
        purpose=_("Request for insight"),
        topic=Topic.INTERNAL,
        need="ask_for_insight",
    )
    with service_errors(request=request) as outcome:
        insight = services.insight_request_create(actor=request.user, child=child)
    if outcome.ok:
        messages.success(
            request,
            _("Your request for insight is received. You will have the answer by %(date)s.")
            % {"date": insight.due_date.strftime("%d.%m.%Y")},
        )
    return redirect(reverse("cases:child_detail", args=[child.pk]) + "#indsigt")


@login_required
def insight_list(request):
    """The municipality's insight requests not yet answered, nearest due date first."""
    purpose = _("Insight requests")
    basis = selectors.preparer_basis(request.user)
    if basis is None:
        refuse(actor=request.user, what="cases.insightrequest", pk="list", purpose=purpose)
    requests = list(selectors.insight_request_list_visible_to(request.user))
    # The preparers see the children by their task, not by a grant on each child.
    access_log_record_many(
        actor=request.user,
        action=Action.READ,
        looks=[(r, r.child_id, basis) for r in requests],
        purpose=purpose,
        topic=Topic.SOCIAL_WORK,
    )
    return render(
        request,
        "cases/insight_list.html",
        {"requests": requests, "today": timezone.localdate()},
    )


def _request_for(request, pk, purpose):
    return selectors.insight_request_get_for(request.user, pk, purpose=purpose)


@login_required
@require_http_methods(["GET", "POST"])
def insight_detail(request, pk):
    """The preparer's page: the entries on the exception path with their decisions, and the
    answer as the guardian will get it."""
    insight = _request_for(request, pk, _("Prepare the answer to an insight request"))
    sections = insight_package.sections_for(insight.child)
    decisions = {d.entry_key: d for d in insight.decisions.select_related("decided_by")}
    posted_key, failed = None, None
    if request.method == "POST":
        posted_key = request.POST.get("entry", "")[:120]
        failed = InsightDecisionForm(request.POST, prefix=decision_prefix(posted_key))
        if failed.is_valid():
            with service_errors(form=failed) as outcome:
                services.insight_decision_record(
                    actor=request.user,
                    request=insight,
                    sections=sections,
                    entry_key=posted_key,
                    **failed.cleaned_data,
                )
            if outcome.ok:
                messages.success(request, _("The decision is recorded."))
                return redirect("cases:insight_detail", pk=insight.pk)
    exception = []
    for section, entry in insight_package.exception_entries(sections):
        decision = decisions.get(entry.key)
        if failed is not None and posted_key == entry.key:
            form = failed  # what was typed stays, with the errors
        else:
            initial = {"decision": decision.decision, "reason": decision.reason} if decision else {}
            form = InsightDecisionForm(initial=initial, prefix=decision_prefix(entry.key))
        exception.append({"section": section, "entry": entry, "decision": decision, "form": form})
    if failed is not None and posted_key not in {item["entry"].key for item in exception}:
        messages.error(request, _("This entry is not on the exception path."))
    preview = insight.package or insight_package.package_build(insight, sections=sections)
    return render(
        request,
        "cases/insight_detail.html",
        {
            "insight": insight,
            "exception": exception,
            "undecided": sum(1 for item in exception if item["decision"] is None),
            "preview": preview,
        },
    )


@login_required
@require_POST
def insight_prepare(request, pk):
    insight = _request_for(request, pk, _("Prepare the answer to an insight request"))
    with service_errors(request=request) as outcome:
        services.insight_package_prepare(actor=request.user, request=insight)
    if outcome.ok:
        messages.success(request, _("The answer is prepared. Check the PDF, then release it."))
    return redirect("cases:insight_detail", pk=insight.pk)


@login_required
@require_POST
def insight_release(request, pk):
    insight = _request_for(request, pk, _("Release the answer to an insight request"))
    with service_errors(request=request) as outcome:
        services.insight_release(actor=request.user, request=insight)
    if outcome.ok:
        messages.success(request, _("The answer is released to the guardian."))
        return redirect("cases:insight_list")
    return redirect("cases:insight_detail", pk=insight.pk)


def _file_name(insight, extension):
    # No names and no CPR numbers in file names: the day of the answer only.
    day = timezone.localdate(insight.prepared_at or timezone.now()).isoformat()
    return f"indsigt-{day}.{extension}"


def _pdf_response(insight):
    response = HttpResponse(bytes(insight.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(insight, "pdf")}"'
    return response


@login_required
def insight_draft_pdf(request, pk):
    """The prepared PDF, for the preparer to check before releasing it."""
    insight = _request_for(request, pk, _("Check the answer to an insight request"))
    if insight.status == InsightStatus.REQUESTED or not insight.pdf:
        raise Http404
    return _pdf_response(insight)


@login_required
def insight_answer_pdf(request, pk):
    """The released answer, downloaded by the guardian who asked."""
    insight = selectors.insight_answer_get_for(
        request.user, pk, purpose=_("Download the answer to an insight request (PDF)")
    )
    return _pdf_response(insight)


@login_required
def insight_answer_json(request, pk):
    insight = selectors.insight_answer_get_for(
        request.user, pk, purpose=_("Download the answer to an insight request (JSON)")
    )
    response = HttpResponse(
        insight_package.package_json(insight.package),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(insight, "json")}"'
    return response
