"""Pages of transition handovers: thin views over cases.handovers.services and .selectors. Every
handover is fetched through handover_get_for (404 for missing and forbidden alike, the look
logged); a service's refusal becomes a 404 or a Danish message, never a 500."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trivsel.audit.models import Basis, Topic
from trivsel.organisation.selectors import own_units, unit_list_visible_to
from trivsel.pdf import html_to_pdf
from trivsel.web import service_errors, staff_only

from .. import selectors as case_selectors
from ..forms import OwnViewForm
from . import selectors, services
from .capabilities import may_evaluate_handover_seasons
from .forms import (
    HandoverConsentForm,
    HandoverEnrolForm,
    HandoverParentForm,
    SeasonEvaluationForm,
    TransitionHandoverForm,
)


def _handover(request, pk, purpose):
    return selectors.handover_get_for(request.user, pk, purpose=purpose)


@login_required
def handover_create(request, pk):
    child = case_selectors.child_get_for(
        request.user,
        pk,
        purpose=_("Prepare a handover"),
        topic=Topic.HANDOVER,
        bases=[Basis.ENROLMENT],
        need="prepare_handover",
    )
    enrolment = (
        case_selectors.current_enrolments()
        .filter(child=child, unit__in=own_units(request.user))
        .select_related("unit", "group")
        .first()
    )
    if enrolment is None:
        raise Http404
    form = TransitionHandoverForm(
        request.POST or None,
        child=child,
        units=unit_list_visible_to(request.user).exclude(pk=enrolment.unit_id).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with service_errors(form=form) as outcome:
                handover = services.handover_create(
                    actor=request.user,
                    child=child,
                    sending_unit=enrolment.unit,
                    sending_group=enrolment.group,
                    **form.cleaned_data,
                )
        except services.HandoverAlreadyOpen as already:
            messages.info(
                request,
                _("There is already an open handover of the child to that unit. Here it is."),
            )
            return redirect("cases:handover_detail", pk=already.handover.pk)
        if outcome.ok:
            messages.success(request, _("The handover is saved. Next: ask the parents."))
            return redirect("cases:handover_detail", pk=handover.pk)
    return render(
        request,
        "cases/handover_form.html",
        {"child": child, "form": form, "sender": enrolment.unit, "heading": _("New handover")},
    )


@login_required
def handover_detail(request, pk):
    handover = _handover(request, pk, _("Read a handover"))
    child = handover.child
    context = {
        "handover": handover,
        "child": child,
        "state": handover.state,
        "is_family": child.can.is_family,
        # The receiver reads the attached assessment only if the parents consented to it.
        "show_screening": handover.covers_screening and bool(handover.screening_summary),
    }
    if handover.can.answer:
        context["parent_form"] = HandoverParentForm(
            initial={"parents_view": handover.parents_view, "child_voice": handover.child_voice}
        )
    if handover.can.enrol:
        context["enrol_form"] = HandoverEnrolForm(
            groups=handover.receiving_unit.groups.order_by("name"),
            initial={"start": handover.transition_date},
        )
    return render(request, "cases/handover_detail.html", context)


def _sender_handover(request, pk, purpose, need):
    return selectors.handover_get_for(request.user, pk, purpose=purpose, need=need)


@login_required
def handover_edit(request, pk):
    handover = _sender_handover(request, pk, _("Edit a handover"), "edit")
    form = TransitionHandoverForm(
        request.POST or None,
        child=handover.child,
        editing=True,
        initial={
            "transition_date": handover.transition_date,
            **{
                f: getattr(handover, f)
                for f in (*services.HANDOVER_TEXT_FIELDS, "evaluation_needed")
            },
        },
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form=form) as outcome:
            services.handover_update(actor=request.user, handover=handover, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("The handover is saved."))
            return redirect("cases:handover_detail", pk=handover.pk)
    return render(
        request,
        "cases/handover_form.html",
        {
            "child": handover.child,
            "form": form,
            "sender": handover.sending_unit,
            "heading": _("Edit the handover"),
            "handover": handover,
        },
    )


@login_required
def handover_consent(request, pk):
    handover = _sender_handover(request, pk, _("Ask for consent to a handover"), "ask_consent")
    guardians = [
        g.guardian
        for g in handover.child.guardianship_set.filter(has_custody=True).select_related("guardian")
    ]
    form = HandoverConsentForm(
        request.POST or None,
        guardians=guardians,
        initial={"valid_until": selectors.handover_consent_default_end(handover)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form=form) as outcome:
            services.handover_request_consent(
                actor=request.user,
                handover=handover,
                guardian=data["guardian"],
                valid_until=data["valid_until"],
                paper=data["how"] != "login",
                paper_date=data["paper_date"] if data["how"] == "paper" else None,
                refused=data["how"] == "refused",
            )
        if outcome.ok:
            done = {
                "login": _("The parents have been asked. They answer through their own login."),
                "paper": _("The parents' consent is recorded. The handover can be sent."),
                "refused": _(
                    "The refusal is recorded. Nothing is sent; a task to talk with the "
                    "parents has been created."
                ),
            }
            messages.success(request, done[data["how"]])
            return redirect("cases:handover_detail", pk=handover.pk)
    return render(
        request,
        "cases/handover_consent.html",
        {"handover": handover, "child": handover.child, "form": form},
    )


@login_required
def handover_own_view(request, pk):
    """The young person's own words in the handover, through their own login."""
    handover = selectors.handover_get_for(
        request.user, pk, purpose=_("Own words in the handover"), need="write_own_view"
    )
    form = OwnViewForm(request.POST or None, initial={"text": handover.child_voice})
    del form.fields["version"]  # the handover is locked while it is written (select_for_update)
    if request.method == "POST" and form.is_valid():
        with service_errors(form=form) as outcome:
            services.handover_own_view_write(
                actor=request.user, handover=handover, text=form.cleaned_data["text"]
            )
        if outcome.ok:
            messages.success(request, _("Your own words are saved in the handover."))
            return redirect("cases:handover_detail", pk=handover.pk)
    return render(
        request,
        "cases/own_view_form.html",
        {
            "child": handover.child,
            "form": form,
            "heading": _("Your own words in the handover"),
            "context_line": f"{handover.sending_unit.name} → {handover.receiving_unit.name}",
            "saved_text": None,
            "cancel_url": reverse("cases:handover_detail", args=[handover.pk]),
        },
    )


@login_required
@require_POST
def handover_parent_answer(request, pk):
    handover = _handover(request, pk, _("Answer a handover"))
    if handover.child.access_basis != Basis.GUARDIAN:
        raise Http404
    form = HandoverParentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you consent to the handover."))
        return render(
            request,
            "cases/handover_detail.html",
            {
                "handover": handover,
                "child": handover.child,
                "state": handover.state,
                "is_family": True,
                "parent_form": form,
            },
            status=422,
        )
    with service_errors(request=request) as outcome:
        services.handover_parent_answer(
            guardian_user=request.user,
            handover=handover,
            accept=form.cleaned_data["answer"] == "accept",
            parents_view=form.cleaned_data["parents_view"],
            child_voice=form.cleaned_data["child_voice"],
        )
    if outcome.ok:
        messages.success(
            request,
            _("Thank you. Your answer and your view are saved.")
            if form.cleaned_data["answer"] == "accept"
            else _("Your refusal is recorded. Nothing is sent. The staff will talk with you."),
        )
    return redirect("cases:handover_detail", pk=handover.pk)


def _handover_button(*, purpose, action, done):
    """A button on a handover's page: the service does it (or says in Danish why not) and the
    page shows again. The three buttons below are made by it."""

    @login_required
    @require_POST
    def view(request, pk):
        handover = _handover(request, pk, str(purpose))
        with service_errors(request=request) as outcome:
            action(actor=request.user, handover=handover)
        if outcome.ok:
            messages.success(request, done)
        return redirect("cases:handover_detail", pk=handover.pk)

    return view


handover_send = _handover_button(
    purpose=gettext_lazy("Send a handover"),
    action=services.handover_send,
    done=gettext_lazy("The handover is sent. The receiving leader has a task to acknowledge it."),
)
handover_acknowledge = _handover_button(
    purpose=gettext_lazy("Acknowledge a handover"),
    action=services.handover_acknowledge,
    done=gettext_lazy("The handover is acknowledged. The sender can see it."),
)
handover_cancel = _handover_button(
    purpose=gettext_lazy("Cancel a handover"),
    action=services.handover_cancel,
    done=gettext_lazy("The handover is cancelled."),
)


@login_required
@require_POST
def handover_enrol(request, pk):
    handover = _handover(request, pk, _("Enrol after a handover"))
    form = HandoverEnrolForm(request.POST, groups=handover.receiving_unit.groups.all())
    if form.is_valid():
        with service_errors(request=request) as outcome:
            services.handover_enrol(actor=request.user, handover=handover, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("The child is enrolled."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("cases:handover_detail", pk=handover.pk)


@login_required
def handover_pdf(request, pk):
    handover = _handover(request, pk, _("Print a handover"))
    with translation.override("da"):
        html = render_to_string(
            "cases/handover_pdf.html",
            {
                "handover": handover,
                "child": handover.child,
                "show_screening": handover.covers_screening and bool(handover.screening_summary),
                "printed": timezone.localtime(),
            },
        )
    pdf, _pages = html_to_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    # No names and no CPR numbers in file names.
    response["Content-Disposition"] = f'attachment; filename="overlevering-{handover.pk}.pdf"'
    return response


@login_required
def handover_list(request):
    """Overleveringer: what my units sent and received, and the children approaching a
    transition so no one is missed."""
    staff_only(request.user)
    sent, received = selectors.handover_list_for_units(request.user)
    return render(
        request,
        "cases/handover_list.html",
        {
            "sent": sent,
            "received": received,
            "upcoming": selectors.upcoming_transitions(request.user),
            "today": timezone.localdate(),
            "may_evaluate_seasons": may_evaluate_handover_seasons(request.user),
        },
    )


@login_required
def handover_seasons(request):
    """The leaders' evaluation of a transition season, per kind of transition."""
    if not may_evaluate_handover_seasons(request.user):
        raise Http404
    season = request.GET.get("saeson") or selectors.season_of(timezone.localdate())
    if not re.fullmatch(r"20\d\d-H[12]", season):
        season = selectors.season_of(timezone.localdate())
    form = SeasonEvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form=form) as outcome:
            services.handover_season_evaluation_save(
                actor=request.user, season=season, **form.cleaned_data
            )
        if outcome.ok:
            messages.success(request, _("The evaluation is saved."))
            return redirect(f"{request.path}?saeson={season}")
    year, half = int(season[:4]), season[-1]
    previous = f"{year}-H1" if half == "2" else f"{year - 1}-H2"
    following = f"{year + 1}-H1" if half == "2" else f"{year}-H2"
    return render(
        request,
        "cases/handover_seasons.html",
        {
            "season": season,
            "season_label": (_("Spring %(year)s") if half == "1" else _("Autumn %(year)s"))
            % {"year": year},
            "previous": previous,
            "following": following,
            "rows": selectors.season_overview(request.user, season),
            "form": form,
        },
    )
