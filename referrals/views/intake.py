"""The intake ("Modtagelse"): the queue, a notification written down by the intake, and a
notification's page with one small view per action on it."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cases.selectors import child_capabilities
from trivsel.web import service_errors

from ..forms import (
    AssessForm,
    AssignForm,
    ChildVoiceForm,
    DeliveryForm,
    MatchChildForm,
    RecordNotificationForm,
    ReviewForm,
)
from ..models import DialogueUnderretning, Underretning
from ..selectors import (
    CASELOAD_MAX,
    CASELOAD_TARGET,
    caseworkers_of,
    intake_dialogues_for,
    intake_figures_html_for,
    queue_page_for,
    underretning_get_for,
)
from ..services import child_voice, intake, receipts
from .common import form_submit, social_work_only


@login_required
def underretning_list(request):
    queue = queue_page_for(
        request.user,
        filter_name=request.GET.get("filter", "open"),
        page=request.GET.get("side"),
        render=_render_queue,
    )
    if request.htmx and not request.htmx.boosted:
        return HttpResponse(queue["html"]["queue"])
    counts = queue["counts"]
    context = {
        "queue": queue["html"],
        "page_number": queue["page_number"],
        "filter_name": queue["filter_name"],
        "filters": [
            (key, label, counts.get(key))
            for key, label in (
                ("open", _("All open")),
                ("new", _("New")),
                ("assessment", _("Awaiting 24-hour assessment")),
                ("receipt", _("Receipt due")),
                ("investigating", _("Under investigation")),
                ("closed", _("Closed")),
            )
        ],
        "dialogues": intake_dialogues_for(request.user),
        # queue_page_for has checked that the user is on the social-work side.
        "figures_html": intake_figures_html_for(request.user, render=_render_figures),
    }
    return render(request, "referrals/dashboard.html", context)


def _render_figures(figures):
    """The intake figures' table (cached by the selector, shared like the queue)."""
    return render_to_string("referrals/intake_figures.html", {"figures": figures})


def _render_queue(context):
    """The shared fragments of the intake page (cached by the selector): nothing in them
    depends on who is looking, so no request is passed."""
    context = {**context, "target": CASELOAD_TARGET, "maximum": CASELOAD_MAX}
    return {
        "queue": render_to_string("referrals/queue.html", context),
        "caseload": render_to_string("referrals/caseload.html", context),
    }


@login_required
@require_http_methods(["GET", "POST"])
def underretning_record(request):
    social_work_only(request.user)
    now = timezone.localtime()
    form = RecordNotificationForm(
        request.POST or None,
        initial={"received_day": now.date(), "received_time": now.strftime("%H:%M")},
    )
    underretning = form_submit(
        request, form, intake.underretning_record, done=_("The notification is written down.")
    )
    if underretning:
        return redirect("referrals:underretning_detail", pk=underretning.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _(
                "Write down a notification received by phone, in person, by letter or by e-mail"
            ),
            "submit": _("Save"),
            "back": reverse("referrals:underretning_list"),
        },
    )


def _underretning_for(request, pk):
    return underretning_get_for(request.user, pk, purpose=_("Handle a notification"))


def _delivery_form_arguments(underretning, step):
    # Two of them on one page: the prefix keeps their fields' ids apart.
    return {"ways": receipts.delivery_choices(underretning, step), "prefix": step}


# The child's voice is recorded for the notification and for its investigation: two forms on one
# page, kept apart by their prefix; the part's fields on the row start with the second name.
VOICE_PARTS = {
    "voice": ("notification", ""),
    "investigation_voice": ("investigation", "investigation_"),
}


def _voice_form(underretning, name, forms):
    part, fields = VOICE_PARTS[name]
    return forms.get(name) or ChildVoiceForm(
        prefix=name, initial=ChildVoiceForm.initial_of(underretning, fields)
    )


def _detail_context(request, underretning, **forms):
    return {
        "n": underretning,
        # The child's page is linked only for those who may open it (a teamleder overseeing the
        # queue is not involved with every child in it).
        "child_can": child_capabilities(request.user, underretning.child_id)
        if underretning.child_id
        else None,
        "clocks": underretning.clocks(),
        "assess_form": forms.get("assess")
        or AssessForm(
            initial={
                "triage": underretning.triage,
                "outcome": underretning.outcome,
                "note": underretning.assessment_note,
            }
        ),
        "assign_form": forms.get("assign")
        or AssignForm(
            initial={"caseworker": underretning.assigned_to_id},
            caseworkers=caseworkers_of(request.user),
        ),
        # A CPR number the citizen gave is offered for the match (never put in a URL or a log).
        "receipt_form": forms.get("receipt")
        or DeliveryForm(**_delivery_form_arguments(underretning, "receipt")),
        "feedback_form": forms.get("feedback")
        or DeliveryForm(**_delivery_form_arguments(underretning, "feedback")),
        "review_form": forms.get("review") or ReviewForm(prefix="review"),
        "match_form": forms.get("match")
        or MatchChildForm(initial={"cpr": underretning.child_cpr_given}),
        "repeats": list(
            Underretning.objects.filter(
                municipality_id=underretning.municipality_id, child_id=underretning.child_id
            )
            .exclude(pk=underretning.pk)
            .order_by("-received_at")
        )
        if underretning.child_id
        else [],
        # The investigation's clock runs on its own, also after the notification is closed.
        "is_investigation": underretning.runs_investigation,
        "voice_form": _voice_form(underretning, "voice", forms),
        "investigation_voice_form": _voice_form(underretning, "investigation_voice", forms)
        if underretning.runs_investigation
        else None,
        # What the dialogue meeting recorded about the child's voice, when it came from one.
        "dialogue": DialogueUnderretning.objects.filter(underretning=underretning).first(),
    }


@login_required
def underretning_detail(request, pk):
    underretning = _underretning_for(request, pk)
    return render(request, "referrals/detail.html", _detail_context(request, underretning))


# The actions on an underretning's page: one view each, all the same shape, so each is made by
# one of the two functions below. A form action shows the page again with the form's errors; a
# button comes back to the page with a message.


def _form_action(name, form_class, service, done, form_arguments=lambda request, n: {}):
    @login_required
    @require_POST
    def view(request, pk):
        underretning = _underretning_for(request, pk)
        form = form_class(request.POST, **form_arguments(request, underretning))
        if form_submit(request, form, service, done=done, underretning=underretning):
            return redirect("referrals:underretning_detail", pk=underretning.pk)
        context = _detail_context(request, underretning, **{name: form})
        return render(request, "referrals/detail.html", context)

    return view


def _button_action(service, done, **arguments):
    @login_required
    @require_POST
    def view(request, pk):
        underretning = _underretning_for(request, pk)
        with service_errors(request=request) as outcome:
            service(actor=request.user, underretning=underretning, **arguments)
        if outcome.ok:
            messages.success(request, done)
        return redirect("referrals:underretning_detail", pk=underretning.pk)

    return view


underretning_assess = _form_action(
    "assess", AssessForm, intake.underretning_assess, gettext_lazy("The assessment is saved.")
)
underretning_assign = _form_action(
    "assign",
    AssignForm,
    intake.underretning_assign,
    gettext_lazy("The notification is assigned."),
    form_arguments=lambda request, n: {"caseworkers": caseworkers_of(request.user)},
)
underretning_match_child = _form_action(
    "match",
    MatchChildForm,
    intake.underretning_match_child,
    gettext_lazy("The notification is linked to the child."),
)
underretning_send_receipt = _form_action(
    "receipt",
    DeliveryForm,
    receipts.underretning_send_receipt,
    gettext_lazy("The receipt is sent."),
    form_arguments=lambda request, n: _delivery_form_arguments(n, "receipt"),
)
underretning_send_feedback = _form_action(
    "feedback",
    DeliveryForm,
    receipts.underretning_send_feedback,
    gettext_lazy("The feedback is sent."),
    form_arguments=lambda request, n: _delivery_form_arguments(n, "feedback"),
)
underretning_review_done = _form_action(
    "review",
    ReviewForm,
    partial(intake.underretning_mark, step="review"),
    gettext_lazy("Saved."),
    form_arguments=lambda request, n: {"prefix": "review"},
)
underretning_investigation_done = _button_action(
    intake.underretning_mark, gettext_lazy("Saved."), step="investigation"
)
underretning_close = _button_action(intake.underretning_mark, gettext_lazy("Saved."), step="close")


def _record_voice(name):
    part = VOICE_PARTS[name][0]

    def record(*, actor, underretning, **data):
        return child_voice.child_voice_record(actor=actor, target=underretning, part=part, **data)

    return _form_action(
        name,
        ChildVoiceForm,
        record,
        gettext_lazy("The child's perspective is saved."),
        form_arguments=lambda request, n: {"prefix": name},
    )


underretning_child_voice = _record_voice("voice")
underretning_investigation_child_voice = _record_voice("investigation_voice")
