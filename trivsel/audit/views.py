from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trivsel.organisation.selectors import leads_units
from trivsel.web import service_errors, staff_only

from .forms import AccessLogFilterForm, LookupAnswerForm, ReviewFilterForm
from .models import Action, Basis
from .selectors import (
    REVIEW_PAGE_SIZE,
    access_log_list_visible_to,
    log_alerts_of_municipality,
    log_review_counts,
    reviewed,
    sample_weeks_of_municipality,
    sampled_lookup_get_for,
    sampled_lookups_for_leader,
    sampled_lookups_of_municipality,
)
from .services import access_log_record, refuse, sampled_lookup_answer


@login_required
def access_log(request):
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = access_log_list_visible_to(request.user, **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _log_review_looked_at(user, purpose):
    access_log_record(actor=user, action=Action.READ, basis=Basis.ADMINISTRATION, purpose=purpose)


@login_required
def lookup_review(request):
    """The leader's samples: the unanswered to answer, the answered below, newest first."""
    user = request.user
    staff_only(user)
    if not leads_units(user).exists():
        refuse(actor=user, what="audit.lookup_review", pk="", purpose=_("Log review"))
    page = Paginator(sampled_lookups_for_leader(user, answered=True), REVIEW_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    lookups = reviewed(
        user,
        [*sampled_lookups_for_leader(user, answered=False), *page.object_list],
        as_leader=True,
    )
    _log_review_looked_at(user, _("Log review"))
    return render(
        request,
        "audit/lookup_review.html",
        {
            "unanswered": [lookup for lookup in lookups if lookup.answered_at is None],
            "answered": [lookup for lookup in lookups if lookup.answered_at is not None],
            "page": page,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sampled_lookup(request, pk):
    """One sampled look-up and its answer (the review page's forms post here)."""
    user = request.user
    staff_only(user)
    lookup = sampled_lookup_get_for(user, pk)
    form = LookupAnswerForm(request.POST or None, prefix=f"l{lookup.pk}")
    if request.method == "POST" and form.is_valid():
        with service_errors(form=form) as outcome:
            sampled_lookup_answer(
                actor=user,
                lookup=lookup,
                part_of_work=form.cleaned_data["part_of_work"] == "yes",
                comment=form.cleaned_data["comment"],
            )
        if outcome.ok:
            messages.success(request, _("Your answer is recorded."))
            return redirect("audit:lookup_review")
    [shown] = reviewed(user, [lookup], as_leader=True)
    _log_review_looked_at(user, _("Log review"))
    return render(
        request,
        "audit/sampled_lookup.html",
        {"lookup": shown, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def data_protection(request):
    """The data-protection officer's view of the log review and the alerts of her municipality."""
    user = request.user
    form = ReviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    lookups = sampled_lookups_of_municipality(
        user, state=filters.get("state", ""), week=filters.get("week")
    )
    page = Paginator(lookups, REVIEW_PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    _log_review_looked_at(user, _("Data protection: log review"))
    return render(
        request,
        "audit/data_protection.html",
        {
            "form": form,
            "page": page,
            "lookups": reviewed(user, page.object_list, as_leader=False),
            "query": query.urlencode(),
            "counts": log_review_counts(user),
            "weeks": sample_weeks_of_municipality(user),
            "alerts": log_alerts_of_municipality(user)[:20],
        },
    )
