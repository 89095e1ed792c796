"""Attendance and the confirmations of the draft minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trivsel.web import service_errors

from .. import selectors, services
from ..forms import (
    AttendanceForm,
    ConfirmForm,
)
from ..models import (
    MinutesStatus,
)
from .common import _back_to_editor, _draft_for, _post_form

# --- Attendance and confirmations ---------------------------------------------------------------


@login_required
@require_POST
def attendance_record(request, minutes_pk):
    minutes = _draft_for(request, minutes_pk, _("Record attendance"))
    form = AttendanceForm(request.POST, participants=minutes.meeting.participants.all())
    _post_form(
        request,
        form,
        lambda present: services.attendance_record(
            actor=request.user, minutes=minutes, present=present
        ),
        done=_("Attendance is recorded."),
        invalid=_("Choose among the meeting's participants."),
    )
    return _back_to_editor(minutes, "#bekraeftelse")


@login_required
@require_POST
def confirmation_record(request, minutes_pk, participant_pk):
    """The tovholder records a confirmation given at the meeting."""
    minutes = _draft_for(request, minutes_pk, _("Confirm minutes"))
    form = ConfirmForm(request.POST)
    with service_errors(request=request) as outcome:
        confirmation = services.minutes_confirmation_record(
            actor=request.user,
            minutes=minutes,
            participant=participant_pk,
            version=form.cleaned_data["version"] if form.is_valid() else None,
        )
    if outcome.ok:
        messages.success(
            request,
            _("The confirmation of %(name)s is recorded.")
            % {"name": confirmation.participant.name},
        )
    return _back_to_editor(minutes, "#bekraeftelse")


@login_required
def minutes_confirm(request, minutes_pk):
    """A participant present at the meeting reads the draft and confirms it with their own
    login; the organisers confirm from the editor, which posts here too."""
    minutes = selectors.minutes_confirmation_get_for(
        request.user, minutes_pk, purpose=_("Confirm minutes")
    )
    meeting = minutes.meeting
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        with service_errors(request=request) as outcome:
            services.minutes_confirm(
                actor=request.user,
                minutes=minutes,
                version=form.cleaned_data["version"] if form.is_valid() else None,
            )
        if outcome.ok:
            messages.success(request, _("You have confirmed the minutes."))
        if meeting.can.write_minutes and minutes.status == MinutesStatus.DRAFT:
            return _back_to_editor(minutes, "#bekraeftelse")
        return redirect("meetings:minutes_confirm", minutes_pk=minutes.pk)
    if minutes.status != MinutesStatus.DRAFT:
        messages.info(request, _("The minutes are approved; there is nothing more to confirm."))
        return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#referat")
    overview = selectors.confirmations_overview(request.user, minutes)
    return render(
        request,
        "meetings/minutes_confirm.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            **overview,
            "needs_confirmation": True,
            "parent_copy": meeting.can.is_parent,
        },
    )
