"""The minutes editor: autosave, decisions, actions, approval and corrections."""

import contextlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trivsel.organisation.selectors import staff_choices
from trivsel.web import service_errors

from .. import rules, selectors, services
from ..forms import (
    ActionItemForm,
    DecisionForm,
    MinutesForm,
    NewVersionForm,
)
from ..models import (
    MINUTES_SECTIONS,
    ActionItem,
    Decision,
)
from .common import _back_to_editor, _draft_for, _form_page, _meeting_for, _post_form, draft_errors

# --- Minutes ------------------------------------------------------------------------------------


@login_required
def minutes_edit(request, pk):
    """The minutes editor: each field autosaves (htmx); the whole form also saves without JS."""
    meeting = _meeting_for(request, pk, _("Write minutes"), "write_minutes")
    if request.method == "POST" and "start" in request.POST:
        # The draft is made by the "Start the minutes" button, never by opening the page.
        with contextlib.suppress(services.MinutesLocked):  # approved: the editor says so
            services.minutes_start(actor=request.user, meeting=meeting)
        return redirect("meetings:minutes_edit", pk=meeting.pk)
    minutes = selectors.draft_for_editor(request.user, meeting, purpose=_("Write minutes"))
    if minutes is None:
        if meeting.minutes.exists():
            messages.info(
                request, _("The minutes are approved. Start a new version to correct them.")
            )
        return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#referat")
    conflict = False
    overview = (
        selectors.confirmations_overview(request.user, minutes)
        if meeting.minutes_need_confirmation
        else {}
    )
    form = MinutesForm(
        request.POST or None,
        about_a_child=meeting.child_id is not None,
        initial={
            "lock": minutes.lock,
            "next_meeting": minutes.next_meeting,
            **{s: getattr(minutes, s) for s in MINUTES_SECTIONS},
        },
    )
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.minutes_update(
                    actor=request.user, minutes=minutes, lock=data.pop("lock"), **data
                )
            except services.EditConflict:
                conflict = True
                minutes.refresh_from_db()
            except services.MinutesLocked:
                if request.htmx:
                    return _autosave_reply(request, minutes, locked=True)
                messages.error(
                    request,
                    _("The minutes are approved and locked. Start a new version to correct them."),
                )
                return redirect("meetings:meeting_detail", pk=meeting.pk)
            else:
                if request.htmx:
                    return _autosave_reply(request, minutes)
                messages.success(request, _("The minutes are saved."))
                return redirect("meetings:minutes_edit", pk=meeting.pk)
        if request.htmx:
            if conflict:
                return _autosave_reply(request, minutes, conflict=True)
            problems = " ".join(e for errors in form.errors.values() for e in errors)
            return HttpResponse(problems, status=422)
    return render(
        request,
        "meetings/minutes_edit.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "form": form,
            "conflict": conflict,
            "decision_form": DecisionForm(),
            "action_form": ActionItemForm(people=staff_choices(request.user)),
            "problems": rules.approval_problems(
                minutes, participants=overview["participants"] if overview else None
            ),
            "lead_minutes": meeting.can.lead_minutes,
            "needs_confirmation": bool(overview),
            **overview,
        },
    )


def _autosave_reply(request, minutes, *, conflict=False, locked=False):
    if locked:
        message = _("Not saved: the minutes have been approved and are locked.")
    elif conflict:
        message = _(
            "Not saved: someone else saved the minutes while you were writing. Reload "
            "the page to see their version; copy your text first."
        )
    else:
        message = _("Saved at %(time)s") % {
            "time": time_format(timezone.localtime(minutes.updated_at), "H:i:s")
        }
    # 200 even when nothing was saved: htmx swaps only successful answers, and the warning must
    # show. The lock is not renewed then, so the next autosave cannot overwrite the other save.
    response = render(
        request,
        "meetings/minutes_saved.html",
        {"minutes": minutes, "message": message, "problem": conflict or locked},
    )
    response["HX-Trigger"] = json.dumps({"announce": message})
    return response


def _remove_from_draft(request, minutes_pk, model, pk, remove, anchor):
    """A decision or an action item taken off the draft; back to the editor."""
    minutes = _draft_for(request, minutes_pk, _("Write minutes"))
    row = get_object_or_404(model, pk=pk, minutes=minutes)
    with draft_errors(request=request):
        remove(row)
    return _back_to_editor(minutes, anchor)


def _mark_on_minutes(request, minutes_pk, model, pk, mark, *, purpose, done, anchor=""):
    """A decision or an action item of minutes the user may read, marked (parents informed,
    done); back to the meeting's page."""
    minutes = selectors.minutes_get_for(request.user, minutes_pk, purpose=purpose)
    row = get_object_or_404(model, pk=pk, minutes=minutes)
    row.minutes = minutes
    with service_errors(request=request) as outcome:
        mark(row)
    if outcome.ok:
        messages.success(request, done)
    return redirect(reverse("meetings:meeting_detail", args=[minutes.meeting.pk]) + anchor)


@login_required
@require_POST
def decision_add(request, minutes_pk):
    minutes = _draft_for(request, minutes_pk, _("Write minutes"))
    _post_form(
        request,
        DecisionForm(request.POST),
        lambda **data: services.decision_add(actor=request.user, minutes=minutes, **data),
        done=_("The decision is added."),
        invalid=_("A decision needs both the decision and its reason."),
        errors=draft_errors,
    )
    return _back_to_editor(minutes, "#beslutninger")


@login_required
@require_POST
def decision_remove(request, minutes_pk, decision_pk):
    def remove(decision):
        services.decision_remove(actor=request.user, decision=decision)

    return _remove_from_draft(request, minutes_pk, Decision, decision_pk, remove, "#beslutninger")


@login_required
@require_POST
def decision_informed(request, minutes_pk, decision_pk):
    def mark(decision):
        services.decision_mark_parents_informed(actor=request.user, decision=decision)

    return _mark_on_minutes(
        request,
        minutes_pk,
        Decision,
        decision_pk,
        mark,
        purpose=_("Parents informed"),
        done=_("Marked: the parents have been informed of the decision."),
    )


@login_required
@require_POST
def action_done(request, minutes_pk, item_pk):
    def mark(item):
        services.action_item_mark_done(actor=request.user, item=item)

    return _mark_on_minutes(
        request,
        minutes_pk,
        ActionItem,
        item_pk,
        mark,
        purpose=_("Action done"),
        done=_("The action is marked as done."),
        anchor="#handlinger",
    )


@login_required
@require_POST
def action_add(request, minutes_pk):
    minutes = _draft_for(request, minutes_pk, _("Write minutes"))
    _post_form(
        request,
        ActionItemForm(request.POST, people=staff_choices(request.user)),
        lambda **data: services.action_item_add(actor=request.user, minutes=minutes, **data),
        done=_("The action item is added."),
        invalid=lambda form: (
            _("The action item was not added: %(problems)s")
            % {"problems": " ".join(e for errors in form.errors.values() for e in errors)}
        ),
        errors=draft_errors,
    )
    return _back_to_editor(minutes, "#handlinger")


@login_required
@require_POST
def action_remove(request, minutes_pk, item_pk):
    def remove(item):
        services.action_item_remove(actor=request.user, item=item)

    return _remove_from_draft(request, minutes_pk, ActionItem, item_pk, remove, "#handlinger")


@login_required
@require_POST
def minutes_approve(request, minutes_pk):
    minutes = _draft_for(request, minutes_pk, _("Approve minutes"))
    try:
        services.minutes_approve(actor=request.user, minutes=minutes)
    except services.MinutesLocked:
        messages.error(request, _("These minutes are already approved."))
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return _back_to_editor(minutes, "#godkend")
    else:
        messages.success(request, _("The minutes are approved and locked."))
    return redirect("meetings:meeting_detail", pk=minutes.meeting.pk)


@login_required
def minutes_new_version(request, minutes_pk):
    minutes = _draft_for(request, minutes_pk, _("Correct minutes"))
    form = NewVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form=form) as outcome:
            services.minutes_new_version(
                actor=request.user, minutes=minutes, reason=form.cleaned_data["reason"]
            )
        if outcome.ok:
            messages.success(
                request,
                _(
                    "A new version is started. The approved version stays "
                    "valid until the correction is approved."
                ),
            )
            return redirect("meetings:minutes_edit", pk=minutes.meeting.pk)
    return _form_page(
        request,
        form,
        heading=_("Correct the minutes (new version)"),
        back=reverse("meetings:meeting_detail", args=[minutes.meeting.pk]),
    )
