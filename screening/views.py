from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import DataKind
from cases.selectors import child_get_for
from trivsel.audit.models import Topic
from trivsel.organisation.selectors import staff_choices
from trivsel.web import service_errors

from . import selectors, services
from .figures import JOINT_ASSESSMENT_CADENCE
from .forms import JointAssessmentForm, RoundForm, RoundPlanForm
from .models import Position


@login_required
def round_list(request):
    rounds = selectors.round_list_visible_to(request.user).select_related("group__unit")
    return render(
        request,
        "screening/round_list.html",
        {
            "rounds": rounds,
            "can_open": bool(selectors.leader_groups(request.user)),
        },
    )


def _round_form_page(request, form_class, *, save, done, heading=None):
    """Opening one round and planning the year's: a leader's groups, the service's rules shown on
    the form, then `done(result)`."""
    groups = selectors.leader_groups(request.user)
    if not groups:
        raise Http404
    form = form_class(
        request.POST or None, groups=groups, templates=selectors.templates_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form=form) as outcome:
            result = save(actor=request.user, **form.cleaned_data)
        if outcome.ok:
            return done(result)
    return render(request, "screening/round_form.html", {"form": form, "heading": heading})


@login_required
def round_create(request):
    def done(round_):
        messages.success(request, _("The round is open. The group's staff can now rate."))
        return redirect("screening:round_rate", pk=round_.pk)

    return _round_form_page(request, RoundForm, save=services.round_open, done=done)


@login_required
def round_rate(request, pk):
    """The rating page: the whole group on one screen, saved per click."""
    round_ = selectors.round_get_for(request.user, pk)
    rows, rated = selectors.rating_page(request.user, round_)
    return render(
        request,
        "screening/round_rate.html",
        {
            "round": round_,
            "rows": rows,
            "rated": rated,
            "total": len(rows),
            "positions": [("groen", _("Green")), ("gul", _("Yellow")), ("roed", _("Red"))],
            "is_leader": selectors.is_round_leader(request.user, round_),
        },
    )


@login_required
@require_POST
def rating_save(request, pk):
    round_ = selectors.round_get_for(request.user, pk)
    child = child_get_for(
        request.user,
        request.POST.get("child"),
        kind=DataKind.SCREENING,
        purpose=_("Screening: individual mark"),
        topic=Topic.DAILY_CARE,
    )
    try:
        services.rating_save(
            rater=request.user,
            round_=round_,
            child=child,
            position=request.POST.get("position", ""),
            context_position=request.POST.get("context_position", ""),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        message = " ".join(error.messages)
        if request.htmx:
            return HttpResponse(message, status=422)
        messages.error(request, message)
        return redirect("screening:round_rate", pk=round_.pk)
    if not request.htmx:
        return redirect("screening:round_rate", pk=round_.pk)
    rated, total = selectors.rating_progress(request.user, round_)
    return render(
        request, "screening/rating_saved.html", {"child": child, "rated": rated, "total": total}
    )


@login_required
def round_overview(request, pk):
    """The overview matrix and the joint assessment, run by the leader."""
    round_ = selectors.round_get_for(request.user, pk)
    matrix = selectors.overview_matrix(request.user, round_)
    return render(
        request,
        "screening/round_overview.html",
        {
            "round": round_,
            **matrix,
            "is_leader": selectors.is_round_leader(request.user, round_),
            # Once, not once per child: the form's address without the child's id.
            "save_url_prefix": reverse(
                "screening:joint_assessment_save", args=[round_.pk, 0]
            ).removesuffix("0/"),
            # Rendered once, not once per child: the unit's staff as options for "who".
            "owner_options": format_html_join(
                "",
                '<option value="{}">{}</option>',
                (
                    (person.pk, person.get_full_name())
                    for person in staff_choices(request.user, unit_id=round_.group.unit_id)
                ),
            ),
            "positions": Position.choices,
        },
    )


@login_required
@require_POST
def round_start_joint(request, pk):
    round_ = selectors.round_get_for(request.user, pk)
    with service_errors(request=request):
        services.round_start_joint(actor=request.user, round_=round_)
    return redirect("screening:round_overview", pk=round_.pk)


@login_required
@require_POST
def joint_assessment_save(request, pk, child_pk):
    round_ = selectors.round_get_for(request.user, pk)
    child = child_get_for(
        request.user,
        child_pk,
        kind=DataKind.SCREENING,
        purpose=_("Screening: joint assessment"),
        topic=Topic.DAILY_CARE,
    )
    form = JointAssessmentForm(
        request.POST, people=staff_choices(request.user, unit_id=round_.group.unit_id)
    )
    if not form.is_valid():
        # Nothing typed is lost for long: the message says what to fix; the row keeps what
        # was saved before.
        problems = " ".join(e for errors in form.errors.values() for e in errors)
        messages.error(
            request, _("%(name)s: %(problems)s") % {"name": child.first_name, "problems": problems}
        )
        return redirect("screening:round_overview", pk=round_.pk)
    with service_errors(request=request) as outcome:
        services.joint_assessment_save(
            actor=request.user, round_=round_, child=child, **form.cleaned_data
        )
    if outcome.ok:
        messages.success(
            request, _("The joint assessment of %(name)s is saved.") % {"name": child.first_name}
        )
    return redirect(reverse("screening:round_overview", args=[round_.pk]) + f"#barn-{child.pk}")


@login_required
def child_history(request, child_pk):
    """The child's agreed positions over time. Guardians read only the written summaries meant
    for them, in plain words and without colours, when the municipality allows it."""
    child = child_get_for(
        request.user,
        child_pk,
        kind=DataKind.SCREENING,
        purpose=_("Screening: history"),
        topic=Topic.DAILY_CARE,
    )
    # The family's view — a guardian's, or the young person's own: the summaries written for them.
    for_guardian = child.can.is_family
    if for_guardian and not selectors.parents_may_read_assessments(child):
        raise Http404
    assessments = selectors.position_history(request.user, child)
    return render(
        request,
        "screening/child_history.html",
        {
            "child": child,
            "assessments": [a for a in assessments if a.full],
            "summaries": [a for a in assessments if not a.full],
            "for_guardian": for_guardian,
        },
    )


@login_required
def children_without_assessment(request, group_pk):
    """The leader's own list behind the figure "children without a joint assessment in the last
    6 months" on /tal/: the names, each one click from the child's page."""
    group, children = selectors.children_without_joint_assessment(
        request.user, group_pk, since=timezone.localdate() - JOINT_ASSESSMENT_CADENCE
    )
    return render(
        request,
        "screening/children_without_assessment.html",
        {"group": group, "children": children, "months": 6},
    )


@login_required
def round_plan(request):
    """Plan the year: rounds for several groups and deadlines at once."""

    def done(rounds):
        messages.success(request, _("%(count)s rounds are planned.") % {"count": len(rounds)})
        return redirect("screening:round_list")

    return _round_form_page(
        request,
        RoundPlanForm,
        save=services.round_plan,
        done=done,
        heading=_("Plan the year's rounds"),
    )
