import contextlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Guardian, consent_last_day
from trivsel.audit.models import Action
from trivsel.audit.services import access_log_record
from trivsel.organisation.selectors import group_list_visible_to

from . import selectors, services
from .forms import (
    ActionItemForm,
    AgendaItemForm,
    AttendanceForm,
    ConfirmForm,
    DecisionForm,
    ForumConsentForm,
    ForumMeetingForm,
    HandOverForm,
    MinutesForm,
    NetworkConsentForm,
    NetworkMeetingForm,
    NewVersionForm,
    ParticipantForm,
)
from .models import (
    MINUTES_SECTIONS,
    ActionItem,
    Decision,
    MinutesStatus,
    Participant,
    PdfJobStatus,
    PdfVariant,
)
from .pdf import is_long, pdf_filename, render_minutes_pdf


def _staff_only(user):
    if user.staff_profile_or_none is None:
        raise Http404


def _errors_onto(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _meeting_for(request, pk, purpose, need):
    """The meeting, if the user may do `need` with it (meetings.capabilities); else 404."""
    return selectors.meeting_get_for(request.user, pk, purpose=purpose, need=need)


# --- Lists ------------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    """Møder: my forums and the upcoming meetings I take part in."""
    if request.user.staff_profile_or_none is None:
        meetings = list(selectors.upcoming_meetings_for(request.user))
        selectors.meeting_children_logged(request.user, meetings, purpose=_("Meetings"))
        return render(request, "meetings/meeting_list.html", {"meetings": meetings})
    forums = list(selectors.forum_list_visible_to(request.user).select_related("unit"))
    meetings = list(selectors.upcoming_meetings_for(request.user))
    selectors.meeting_children_logged(request.user, meetings, purpose=_("Meetings"))
    return render(
        request,
        "meetings/meeting_list.html",
        {"forums": forums, "meetings": meetings, "is_staff_member": True},
    )


@login_required
def forum_detail(request, pk):
    forum = selectors.forum_get_for(request.user, pk)
    meetings = list(selectors.upcoming_meetings_for(request.user, forum=forum))
    return render(
        request,
        "meetings/forum_detail.html",
        {
            "forum": forum,
            "meetings": meetings,
            "members": forum.members.order_by("first_name"),
            "is_leader": selectors.is_forum_leader(request.user, forum),
        },
    )


@login_required
def forum_meeting_create(request, pk):
    forum = selectors.forum_get_for(request.user, pk)
    form = ForumMeetingForm(
        request.POST or None,
        # The forum's tovholder and chair are among its members (services.forum_meeting_create).
        people=selectors.forum_member_choices(forum),
        initial={
            "title": forum.name,
            "tovholder": request.user
            if forum.members.filter(pk=request.user.pk).exists()
            else None,
            "place": forum.unit.name,
            "day": selectors.next_meeting_day(forum),
            "time": "09:00",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("day"), data.pop("time")
        try:
            meeting = services.forum_meeting_create(actor=request.user, forum=forum, **data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("The meeting is planned."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form_page.html",
        {
            "form": form,
            "heading": _("Plan a meeting in %(forum)s") % {"forum": forum.name},
            "back": reverse("meetings:forum_detail", args=[forum.pk]),
        },
    )


@login_required
def forum_consent_record(request, pk):
    """The parents' consent to discussing their child in this forum: the basis its agenda
    needs. Recorded by staff around the child (enrolment or statutory)."""
    _staff_only(request.user)
    forum = selectors.forum_get_for(request.user, pk)
    children = selectors.children_for_network_meeting(request.user)
    form = ForumConsentForm(
        request.POST or None,
        children=children,
        guardians=Guardian.objects.filter(
            guardianship__child__in=children.values("pk"), guardianship__has_custody=True
        ).distinct(),
        initial={
            "child": request.GET.get("barn"),
            "valid_until": consent_last_day(timezone.localdate()),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence")
        if evidence != "paper":
            data["paper_date"] = None
        try:
            services.forum_consent_record(
                actor=request.user,
                forum=forum,
                paper=evidence != "login",
                refused=evidence == "refused",
                **data,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("The parents' answer is recorded."))
            return redirect("meetings:forum_detail", pk=forum.pk)
    return render(
        request,
        "meetings/form_page.html",
        {
            "form": form,
            "heading": _("Consent to discuss a child in %(forum)s") % {"forum": forum.name},
            "back": reverse("meetings:forum_detail", args=[forum.pk]),
            "intro": _(
                "The consent names the forum's members and is for this forum only. A network "
                "meeting's consent or a handover's is not a basis here."
            ),
        },
    )


@login_required
def network_meeting_create(request):
    _staff_only(request.user)
    form = NetworkMeetingForm(
        request.POST or None,
        children=selectors.children_for_network_meeting(request.user),
        people=selectors.staff_choices(request.user),
        initial={"child": request.GET.get("barn"), "tovholder": request.user},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("day"), data.pop("time")
        try:
            meeting = services.network_meeting_create(actor=request.user, **data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(
                request,
                _(
                    "The network meeting is created. Add the participants and record the parents' "
                    "consent before you invite."
                ),
            )
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/form_page.html",
        {
            "form": form,
            "heading": _("New network meeting"),
            "back": reverse("meetings:list"),
            "intro": _(
                "A network meeting around one child. The parents are the natural starting "
                "point: they consent to the purpose and the participants before anyone is "
                "invited."
            ),
        },
    )


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
        "consent_problem": services.consent_problem(meeting)
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
            people=selectors.staff_choices(request.user),
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
        request.POST, people=selectors.staff_choices(request.user), guardians=_guardians(meeting)
    )
    if form.is_valid():
        try:
            services.participant_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The participant is added."))
    else:
        messages.error(request, _("Choose who takes part, and how."))
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#deltagere")


@login_required
@require_POST
def participant_remove(request, pk, participant_pk):
    meeting = _meeting_for(request, pk, _("Remove participant"), "manage")
    participant = get_object_or_404(Participant, pk=participant_pk, meeting=meeting)
    try:
        services.participant_remove(actor=request.user, participant=participant)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#deltagere")


@login_required
@require_POST
def consent_record(request, pk):
    meeting = _meeting_for(request, pk, _("Record consent"), "record_consent")
    form = NetworkConsentForm(request.POST, guardians=_guardians(meeting))
    if form.is_valid():
        evidence = form.cleaned_data["evidence"]
        try:
            services.network_consent_record(
                actor=request.user,
                meeting=meeting,
                guardian=form.cleaned_data["guardian"],
                paper=evidence != "login",
                paper_date=form.cleaned_data["paper_date"] if evidence == "paper" else None,
                refused=evidence == "refused",
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The parents' answer is recorded."))
    else:
        errors = form.errors.get("paper_date")
        messages.error(
            request,
            " ".join(errors) if errors else _("Choose the guardian and how the consent is given."),
        )
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#samtykke")


@login_required
@require_POST
def meeting_hand_over(request, pk):
    meeting = _meeting_for(request, pk, _("New tovholder"), "hand_over")
    form = HandOverForm(request.POST, people=selectors.tovholder_choices(request.user, meeting))
    if form.is_valid():
        try:
            services.meeting_hand_over(
                actor=request.user, meeting=meeting, tovholder=form.cleaned_data["tovholder"]
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The tovholder role is handed over."))
    else:
        messages.error(request, _("Choose the new tovholder."))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_invite(request, pk):
    meeting = _meeting_for(request, pk, _("Send invitations"), "manage")
    try:
        count = services.meeting_invite(
            actor=request.user, meeting=meeting, base_url=request.build_absolute_uri("/")
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
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
            services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except services.NeedsConfirmation as warning:
            warnings = warning.warnings
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, _("The item is on the agenda."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/agenda_form.html",
        {"form": form, "meeting": meeting, "warnings": warnings},
    )


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
            "action_form": ActionItemForm(people=selectors.staff_choices(request.user)),
            "problems": services.approval_problems(
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


def _draft_for(request, minutes_pk, purpose):
    minutes = selectors.minutes_get_for(request.user, minutes_pk, purpose=purpose)
    if not minutes.meeting.can.write_minutes:
        selectors.deny(request.user, minutes.meeting.pk, purpose)
    return minutes


def _back_to_editor(minutes, anchor=""):
    return redirect(reverse("meetings:minutes_edit", args=[minutes.meeting.pk]) + anchor)


@login_required
@require_POST
def decision_add(request, minutes_pk):
    minutes = _draft_for(request, minutes_pk, _("Write minutes"))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_add(actor=request.user, minutes=minutes, **form.cleaned_data)
        except services.MinutesLocked:
            messages.error(request, _("The minutes are locked. Start a new version."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The decision is added."))
    else:
        messages.error(request, _("A decision needs both the decision and its reason."))
    return _back_to_editor(minutes, "#beslutninger")


@login_required
@require_POST
def decision_remove(request, minutes_pk, decision_pk):
    minutes = _draft_for(request, minutes_pk, _("Write minutes"))
    decision = get_object_or_404(Decision, pk=decision_pk, minutes=minutes)
    try:
        services.decision_remove(actor=request.user, decision=decision)
    except services.MinutesLocked:
        messages.error(request, _("The minutes are locked. Start a new version."))
    return _back_to_editor(minutes, "#beslutninger")


@login_required
@require_POST
def decision_informed(request, minutes_pk, decision_pk):
    minutes = selectors.minutes_get_for(request.user, minutes_pk, purpose=_("Parents informed"))
    decision = get_object_or_404(Decision, pk=decision_pk, minutes=minutes)
    decision.minutes = minutes
    try:
        services.decision_mark_parents_informed(actor=request.user, decision=decision)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked: the parents have been informed of the decision."))
    return redirect("meetings:meeting_detail", pk=minutes.meeting.pk)


@login_required
@require_POST
def action_done(request, minutes_pk, item_pk):
    minutes = selectors.minutes_get_for(request.user, minutes_pk, purpose=_("Action done"))
    item = get_object_or_404(ActionItem, pk=item_pk, minutes=minutes)
    try:
        services.action_item_mark_done(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The action is marked as done."))
    return redirect(reverse("meetings:meeting_detail", args=[minutes.meeting.pk]) + "#handlinger")


@login_required
@require_POST
def action_add(request, minutes_pk):
    minutes = _draft_for(request, minutes_pk, _("Write minutes"))
    form = ActionItemForm(request.POST, people=selectors.staff_choices(request.user))
    if form.is_valid():
        try:
            services.action_item_add(actor=request.user, minutes=minutes, **form.cleaned_data)
        except services.MinutesLocked:
            messages.error(request, _("The minutes are locked. Start a new version."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The action item is added."))
    else:
        problems = " ".join(e for errors in form.errors.values() for e in errors)
        messages.error(
            request, _("The action item was not added: %(problems)s") % {"problems": problems}
        )
    return _back_to_editor(minutes, "#handlinger")


@login_required
@require_POST
def action_remove(request, minutes_pk, item_pk):
    minutes = _draft_for(request, minutes_pk, _("Write minutes"))
    item = get_object_or_404(ActionItem, pk=item_pk, minutes=minutes)
    try:
        services.action_item_remove(actor=request.user, item=item)
    except services.MinutesLocked:
        messages.error(request, _("The minutes are locked. Start a new version."))
    return _back_to_editor(minutes, "#handlinger")


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


# --- Attendance and confirmations ---------------------------------------------------------------


@login_required
@require_POST
def attendance_record(request, minutes_pk):
    minutes = _draft_for(request, minutes_pk, _("Record attendance"))
    form = AttendanceForm(request.POST, participants=minutes.meeting.participants.all())
    if form.is_valid():
        try:
            services.attendance_record(
                actor=request.user, minutes=minutes, present=form.cleaned_data["present"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance is recorded."))
    else:
        messages.error(request, _("Choose among the meeting's participants."))
    return _back_to_editor(minutes, "#bekraeftelse")


@login_required
@require_POST
def confirmation_record(request, minutes_pk, participant_pk):
    """The tovholder records a confirmation given at the meeting."""
    minutes = _draft_for(request, minutes_pk, _("Confirm minutes"))
    form = ConfirmForm(request.POST)
    try:
        confirmation = services.minutes_confirmation_record(
            actor=request.user,
            minutes=minutes,
            participant=participant_pk,
            version=form.cleaned_data["version"] if form.is_valid() else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
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
        try:
            services.minutes_confirm(
                actor=request.user,
                minutes=minutes,
                version=form.cleaned_data["version"] if form.is_valid() else None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
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


@login_required
def minutes_new_version(request, minutes_pk):
    minutes = _draft_for(request, minutes_pk, _("Correct minutes"))
    form = NewVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_new_version(
                actor=request.user, minutes=minutes, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(
                request,
                _(
                    "A new version is started. The approved version stays "
                    "valid until the correction is approved."
                ),
            )
            return redirect("meetings:minutes_edit", pk=minutes.meeting.pk)
    return render(
        request,
        "meetings/form_page.html",
        {
            "form": form,
            "heading": _("Correct the minutes (new version)"),
            "back": reverse("meetings:meeting_detail", args=[minutes.meeting.pk]),
        },
    )


# --- PDF --------------------------------------------------------------------------------------


@login_required
def minutes_pdf(request, minutes_pk):
    minutes = selectors.minutes_get_for(request.user, minutes_pk, purpose=_("Download minutes"))
    variant = request.GET.get("udgave", PdfVariant.STAFF)
    if variant not in PdfVariant.values:
        variant = PdfVariant.STAFF
    if minutes.meeting.can.is_parent:
        variant = PdfVariant.PARENT  # parents read the parents' copy only
    if variant == PdfVariant.PARENT and not minutes.meeting.is_network:
        raise Http404
    # Logged per child the minutes concern, so the parents see the export in their access log.
    per_child = minutes.meeting.forum_id and selectors.forum_minutes_children_logged(
        request.user, minutes, action=Action.EXPORT, purpose=_("Download minutes")
    )
    if not per_child:
        topic = selectors.log_topic(minutes.meeting)
        access_log_record(
            actor=request.user,
            action=Action.EXPORT,
            basis=getattr(minutes.meeting.child, "access_basis", "administration")
            if minutes.meeting.child_id
            else "administration",
            obj=minutes,
            child_id=minutes.meeting.child_id,
            purpose=_("Download minutes"),
            topic=topic.topic,
            guardian_not_before=topic.not_before,
        )
    if is_long(minutes.pk):
        job = services.pdf_job_create(actor=request.user, minutes=minutes, variant=variant)
        return redirect("meetings:pdf_job", pk=job.pk)
    pdf, _pages = render_minutes_pdf(minutes.pk, variant=variant, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(minutes, variant)}"'
    return response


@login_required
def pdf_job(request, pk):
    job = selectors.pdf_job_get_for(request.user, pk)
    context = {
        "job": job,
        "done": job.status == PdfJobStatus.DONE,
        "failed": job.status == PdfJobStatus.FAILED,
    }
    if request.htmx:
        response = render(request, "meetings/pdf_job.html#progress", context)
        if context["done"]:
            response["HX-Trigger"] = json.dumps({"announce": _("The PDF is ready.")})
        return response
    return render(request, "meetings/pdf_job.html", context)


@login_required
def pdf_job_download(request, pk):
    job = selectors.pdf_job_get_for(request.user, pk)
    if job.status != PdfJobStatus.DONE:
        raise Http404
    # Access is checked again: it may have ended while the PDF was rendered.
    minutes = selectors.minutes_get_for(request.user, job.minutes_id, purpose=_("Download minutes"))
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(minutes, job.variant)}"'
    return response
