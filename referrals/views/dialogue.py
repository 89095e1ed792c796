"""The dialogue-based notification: started by the teacher or pædagog, planned by the leader."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.selectors import child_list_visible_to
from trivsel.organisation.selectors import own_units
from trivsel.web import service_errors, staff_only

from ..forms import ChildVoiceForm, DialogueInviteForm, DialogueStartForm
from ..selectors import caseworkers_of, dialogue_get_for
from ..services.child_voice import child_voice_record
from ..services.dialogue import dialogue_invite, dialogue_invite_parents, dialogue_start
from .common import form_submit


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_create(request):
    staff_only(request.user)
    children = child_list_visible_to(request.user).order_by("first_name", "last_name")
    form = DialogueStartForm(
        request.POST or None,
        initial={"child": request.GET.get("barn")},
        children=children,
        units=own_units(request.user),
    )
    dialogue = form_submit(
        request, form, dialogue_start, done=_("The parents' agreement is recorded.")
    )
    if dialogue:
        return redirect("referrals:dialogue_detail", pk=dialogue.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Start a dialogue-based notification"),
            "intro": _(
                "After the conversation with the parents: record it and their agreement. The"
                " leader then invites the social worker, and you invite the parents."
            ),
            "submit": _("Save"),
            "back": reverse("home"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_detail(request, pk):
    item = dialogue_get_for(request.user, pk)
    invite_form = None
    if item.viewer == "unit" and not item.meeting_id:
        invite_form = DialogueInviteForm(
            request.POST or None, caseworkers=caseworkers_of(request.user)
        )
        if request.method == "POST" and invite_form.is_valid():
            data = invite_form.cleaned_data
            with service_errors(form=invite_form) as outcome:
                dialogue_invite(
                    actor=request.user,
                    dialogue=item,
                    social_worker=data["social_worker"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                )
            if outcome.ok:
                messages.success(
                    request, _("The meeting is planned and the social worker invited.")
                )
                return redirect("referrals:dialogue_detail", pk=pk)
    elif request.method == "POST" and item.viewer == "unit":
        with service_errors(request=request) as outcome:
            dialogue_invite_parents(actor=request.user, dialogue=item)
        if outcome.ok:
            messages.success(request, _("The parents are on the meeting's list."))
        return redirect("referrals:dialogue_detail", pk=pk)
    return _render(request, item, invite_form=invite_form)


def _render(request, item, *, invite_form=None, voice_form=None):
    # The child's voice at the dialogue meeting, once it is planned; the intake sees it on the
    # notification's page.
    shown = item.viewer == "unit" or item.underretning_id is not None
    if voice_form is None and item.meeting_id and shown:
        voice_form = ChildVoiceForm(prefix="voice", initial=ChildVoiceForm.initial_of(item))
    return render(
        request,
        "referrals/dialogue.html",
        {"d": item, "invite_form": invite_form, "voice_form": voice_form},
    )


@login_required
@require_POST
def dialogue_child_voice(request, pk):
    item = dialogue_get_for(request.user, pk)
    form = ChildVoiceForm(request.POST, prefix="voice")
    if form_submit(
        request, form, child_voice_record, done=_("The child's perspective is saved."), target=item
    ):
        return redirect("referrals:dialogue_detail", pk=pk)
    return _render(request, item, voice_form=form)
