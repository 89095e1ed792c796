"""The meeting page: participants, the parents' consent, the tovholder, invitations and the
agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Guardian
from trivsel.audit.models import Action
from trivsel.organisation.selectors import group_list_visible_to, staff_choices
from trivsel.web import service_errors

from .. import rules, selectors, services
from ..forms import (
    AgendaItemForm,
    HandOverForm,
    NetworkConsentForm,
    ParticipantForm,
)
from ..models import (
    MinutesStatus,
    Participant,
)
from .common import _meeting_for, _post_form

# --- The meeting page ---------------------------------------------------------------------------


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get_for(request.user, pk, purpose=_("Meeting page"))
    can = meeting.can
    versions = selectors.minutes_versions(meeting) if can.read_minutes else []
    if not can.read_drafts:
        versions = [v for v in versions if v.status != MinutesStatus.DRAFT]
    agenda, hidden = ([], 0)
    if can.see_agenda:
        agenda, hidden = selectors.agenda_for(request.user, meeting, purpose=_("Meeting agenda"))
    context = {
        "meeting": meeting,
        "can": can,
        "participants": selectors.participants_of(meeting),
        "versions": versions,
        "agenda": agenda,
        "hidden_items": hidden,
        "carried_over": selectors.carried_over_actions(meeting, user=request.user)
        if can.see_actions
        else [],
        "consent_problem": rules.consent_problem(meeting)
        if can.manage and meeting.is_network
        else None,
        "has_draft": any(v.status == MinutesStatus.DRAFT for v in versions),
    }
    approved = next((v for v in versions if v.status == MinutesStatus.APPROVED), None)
    context["approved"] = approved
    if approved and meeting.forum_id:
        selectors.forum_minutes_children_logged(
            request.user, approved, action=Action.READ, purpose=_("Meeting page")
        )
    context["decisions"] = (
        list(approved.decisions.select_related("parents_informed_by"))
        if approved and can.see_actions
        else []
    )
    context["actions"] = (
        list(approved.action_items.select_related("owner", "task"))
        if approved and can.see_actions
        else []
    )
    if not can.is_organiser:
        context["confirm_draft"] = selectors.draft_to_confirm(request.user, meeting)
    # Each form only where its service would take it (meetings.capabilities); several forms on
    # one page: their own id prefixes keep every id unique.
    if can.add_participant:
        context["participant_form"] = ParticipantForm(
            people=staff_choices(request.user),
            guardians=_guardians(meeting),
            auto_id="deltager_%s",
        )
    if can.hand_over:
        context["hand_over_form"] = HandOverForm(
            people=selectors.tovholder_choices(request.user, meeting), auto_id="tovholder_%s"
        )
    if can.record_consent:
        context["consent_form"] = NetworkConsentForm(
            guardians=_guardians(meeting), auto_id="samtykke_%s"
        )
    return render(request, "meetings/meeting_detail.html", context)


def _guardians(meeting):
    if not meeting.child_id:
        return Guardian.objects.none()
    return Guardian.objects.filter(
        guardianship__child_id=meeting.child_id, guardianship__has_custody=True
    )


@login_required
@require_POST
def participant_add(request, pk):
    meeting = _meeting_for(request, pk, _("Add participant"), "add_participant")
    form = ParticipantForm(
        request.POST, people=staff_choices(request.user), guardians=_guardians(meeting)
    )
    _post_form(
        request,
        form,
        lambda **data: services.participant_add(actor=request.user, meeting=meeting, **data),
        done=_("The participant is added."),
        invalid=_("Choose who takes part, and how."),
    )
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#deltagere")


@login_required
@require_POST
def participant_remove(request, pk, participant_pk):
    meeting = _meeting_for(request, pk, _("Remove participant"), "manage")
    participant = get_object_or_404(Participant, pk=participant_pk, meeting=meeting)
    with service_errors(request=request):
        services.participant_remove(actor=request.user, participant=participant)
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#deltagere")


@login_required
@require_POST
def consent_record(request, pk):
    meeting = _meeting_for(request, pk, _("Record consent"), "record_consent")
    form = NetworkConsentForm(request.POST, guardians=_guardians(meeting))

    def record(*, guardian, evidence, paper_date):
        services.network_consent_record(
            actor=request.user,
            meeting=meeting,
            guardian=guardian,
            paper=evidence != "login",
            paper_date=paper_date if evidence == "paper" else None,
            refused=evidence == "refused",
        )

    _post_form(
        request,
        form,
        record,
        done=_("The parents' answer is recorded."),
        invalid=lambda form: (
            " ".join(form.errors.get("paper_date", []))
            or _("Choose the guardian and how the consent is given.")
        ),
    )
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#samtykke")


@login_required
@require_POST
def meeting_hand_over(request, pk):
    meeting = _meeting_for(request, pk, _("New tovholder"), "hand_over")
    form = HandOverForm(request.POST, people=selectors.tovholder_choices(request.user, meeting))
    _post_form(
        request,
        form,
        lambda tovholder: services.meeting_hand_over(
            actor=request.user, meeting=meeting, tovholder=tovholder
        ),
        done=_("The tovholder role is handed over."),
        invalid=_("Choose the new tovholder."),
    )
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_invite(request, pk):
    meeting = _meeting_for(request, pk, _("Send invitations"), "manage")
    try:
        count = services.meeting_invite(actor=request.user, meeting=meeting)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:  # service_errors, but the message says what was not done
        messages.error(
            request,
            _("The invitations were not sent: %(reason)s") % {"reason": " ".join(error.messages)},
        )
    else:
        messages.success(request, _("%(count)s invitations are on their way.") % {"count": count})
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@login_required
def agenda_item_create(request, pk):
    meeting = _meeting_for(request, pk, _("Agenda item"), "submit_agenda_item")
    form = AgendaItemForm(
        request.POST or None,
        children=selectors.child_list_for_agenda(request.user),
        groups=group_list_visible_to(request.user),
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        try:
            with service_errors(form=form) as outcome:
                services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except services.NeedsConfirmation as warning:
            warnings = warning.warnings
        else:
            if outcome.ok:
                messages.success(request, _("The item is on the agenda."))
                return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/agenda_form.html",
        {"form": form, "meeting": meeting, "warnings": warnings},
    )
