from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.capabilities import WRITER_BASES
from cases.models import Guardian, consent_default_end
from cases.selectors import child_capabilities, child_get_for, child_list_visible_to
from trivsel.client_address import client_key
from trivsel.organisation.models import Municipality, Unit

from . import selectors, services
from .forms import (
    AssessForm,
    AssignForm,
    ConsultationForm,
    DialogueInviteForm,
    DialogueStartForm,
    MatchChildForm,
    ProfessionalNotificationForm,
    PublicNotificationForm,
    RecordNotificationForm,
    ReferralAnswerForm,
    ReferralChildForm,
    ReferralForm,
)
from .models import Outcome, Underretning


def _form_errors_from(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _social_work_only(user):
    if not selectors.is_social_work(user):
        raise Http404


def _staff_only(user):
    if user.staff_profile_or_none is None:
        raise Http404


def _my_units(user):
    return Unit.objects.filter(staff__user=user, municipality_id=user.municipality_id)


# --- Public page (no login) -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def underretning_public_create(request, code):
    municipality = get_object_or_404(Municipality, code=code)
    form = PublicNotificationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        client = client_key(request)
        if selectors.public_form_limit_reached(municipality=municipality, client=client):
            form.is_valid()
            form.errors.clear()
            form.add_error(
                None,
                _(
                    "Too many notifications from this connection. Wait an hour, or call the"
                    " municipality."
                ),
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            services.underretning_submit_public(
                municipality=municipality,
                client=client,
                anonymous=data["anonymous"],
                category=data["category"],
                text=data["text"],
                name=data["name"],
                email=data["email"] or "",
                phone=data["phone"],
                child_name=data["child_name"],
                child_cpr=data["child_cpr"],
                child_address=data["child_address"],
                suspected_violence=data["suspected_violence"],
            )
            return redirect("referrals:underretning_public_thanks", code=code)
        else:
            form.renew_started()
    return render(
        request,
        "referrals/public_form.html",
        {"form": form, "municipality": municipality},
        status=status,
    )


def underretning_public_thanks(request, code):
    municipality = get_object_or_404(Municipality, code=code)
    return render(request, "referrals/public_thanks.html", {"municipality": municipality})


# --- The professional notifier ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def underretning_create(request):
    _staff_only(request.user)
    children = child_list_visible_to(request.user).order_by("first_name", "last_name")
    units = _my_units(request.user)
    initial = {}
    if request.GET.get("barn"):
        initial["child"] = request.GET["barn"]
    form = ProfessionalNotificationForm(
        request.POST or None, initial=initial, children=children, units=units
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.underretning_submit(
                actor=request.user,
                category=data["category"],
                text=data["text"],
                child=data["child"],
                child_name_given=data["child_name_given"],
                unit=data["unit"],
                suspected_violence=data["suspected_violence"],
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Your notification has been sent to the intake."))
            return redirect("referrals:underretning_sent_list")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Send a notification of concern"),
            "intro": _(
                "Notify at once when you have reason to assume a child needs support. If you"
                " do not suspect violence or abuse, consider a dialogue-based notification"
                " together with the parents."
            ),
            "submit": _("Send the notification"),
            "back": reverse("home"),
        },
    )


@login_required
def underretning_sent_list(request):
    """The notifier's own page: the status of what they sent, nothing more about the child."""
    _staff_only(request.user)
    underretninger = list(selectors.underretninger_sent_by(request.user)[:200])
    dialogues = list(selectors.dialogues_for(request.user)[:50])
    return render(
        request, "referrals/mine.html", {"underretninger": underretninger, "dialogues": dialogues}
    )


# --- The intake dashboard ("Modtagelse") -------------------------------------------------------


@login_required
def underretning_list(request):
    queue = selectors.queue_page_for(
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
        "dialogues": list(
            selectors.dialogues_for(request.user).filter(underretning__isnull=True)[:20]
        ),
    }
    return render(request, "referrals/dashboard.html", context)


def _render_queue(context):
    """The shared fragments of the intake page (cached by the selector): nothing in them
    depends on who is looking, so no request is passed."""
    context = {
        **context,
        "target": selectors.CASELOAD_TARGET,
        "maximum": selectors.CASELOAD_MAX,
    }
    return {
        "queue": render_to_string("referrals/queue.html", context),
        "caseload": render_to_string("referrals/caseload.html", context),
    }


@login_required
@require_http_methods(["GET", "POST"])
def underretning_record(request):
    _social_work_only(request.user)
    form = RecordNotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        underretning = services.underretning_record(actor=request.user, **data)
        messages.success(request, _("The notification is written down."))
        return redirect("referrals:underretning_detail", pk=underretning.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Write down a notification received by phone or in person"),
            "submit": _("Save"),
            "back": reverse("referrals:underretning_list"),
        },
    )


def _underretning_for(request, pk):
    return selectors.underretning_get_for(request.user, pk, purpose=_("Handle a notification"))


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
            caseworkers=selectors.caseworkers_of(request.user),
        ),
        # A CPR number the citizen gave is offered for the match (never put in a URL or a log).
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
        "is_investigation": underretning.outcome == Outcome.INVESTIGATION,
    }


@login_required
def underretning_detail(request, pk):
    underretning = _underretning_for(request, pk)
    return render(request, "referrals/detail.html", _detail_context(request, underretning))


# The actions on an underretning's page: one view each, all the same shape. The form actions
# show the page again with the form's errors; the buttons come back to the page with a message.


def _form_action(request, underretning, name, form, service, done):
    if form.is_valid():
        try:
            service(actor=request.user, underretning=underretning, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, done)
            return redirect("referrals:underretning_detail", pk=underretning.pk)
    context = _detail_context(request, underretning, **{name: form})
    return render(request, "referrals/detail.html", context)


def _button_action(request, underretning, service, done, **arguments):
    try:
        service(actor=request.user, underretning=underretning, **arguments)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("referrals:underretning_detail", pk=underretning.pk)


@login_required
@require_POST
def underretning_assess(request, pk):
    underretning = _underretning_for(request, pk)
    form = AssessForm(request.POST)
    return _form_action(
        request,
        underretning,
        "assess",
        form,
        services.underretning_assess,
        _("The assessment is saved."),
    )


@login_required
@require_POST
def underretning_assign(request, pk):
    underretning = _underretning_for(request, pk)
    form = AssignForm(request.POST, caseworkers=selectors.caseworkers_of(request.user))
    return _form_action(
        request,
        underretning,
        "assign",
        form,
        services.underretning_assign,
        _("The notification is assigned."),
    )


@login_required
@require_POST
def underretning_match_child(request, pk):
    underretning = _underretning_for(request, pk)
    form = MatchChildForm(request.POST)
    return _form_action(
        request,
        underretning,
        "match",
        form,
        services.underretning_match_child,
        _("The notification is linked to the child."),
    )


@login_required
@require_POST
def underretning_send_receipt(request, pk):
    underretning = _underretning_for(request, pk)
    return _button_action(
        request, underretning, services.underretning_send_receipt, _("The receipt is sent.")
    )


@login_required
@require_POST
def underretning_send_feedback(request, pk):
    underretning = _underretning_for(request, pk)
    return _button_action(
        request, underretning, services.underretning_send_feedback, _("The feedback is sent.")
    )


@login_required
@require_POST
def underretning_review_done(request, pk):
    underretning = _underretning_for(request, pk)
    return _button_action(
        request, underretning, services.underretning_mark, _("Saved."), step="review"
    )


@login_required
@require_POST
def underretning_investigation_done(request, pk):
    underretning = _underretning_for(request, pk)
    return _button_action(
        request, underretning, services.underretning_mark, _("Saved."), step="investigation"
    )


@login_required
@require_POST
def underretning_close(request, pk):
    underretning = _underretning_for(request, pk)
    return _button_action(
        request, underretning, services.underretning_mark, _("Saved."), step="close"
    )


# --- Dialogue-based notification --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_create(request):
    _staff_only(request.user)
    children = child_list_visible_to(request.user).order_by("first_name", "last_name")
    form = DialogueStartForm(
        request.POST or None,
        initial={"child": request.GET.get("barn")},
        children=children,
        units=_my_units(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            dialogue = services.dialogue_start(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The parents' agreement is recorded."))
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
    item = selectors.dialogue_get_for(request.user, pk)
    invite_form = None
    if item.viewer == "unit" and not item.meeting_id:
        invite_form = DialogueInviteForm(
            request.POST or None, caseworkers=selectors.caseworkers_of(request.user)
        )
        if request.method == "POST" and invite_form.is_valid():
            data = invite_form.cleaned_data
            try:
                services.dialogue_invite(
                    actor=request.user,
                    dialogue=item,
                    social_worker=data["social_worker"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                )
            except ValidationError as error:
                _form_errors_from(invite_form, error)
            else:
                messages.success(
                    request, _("The meeting is planned and the social worker invited.")
                )
                return redirect("referrals:dialogue_detail", pk=pk)
    elif request.method == "POST" and item.viewer == "unit":
        try:
            services.dialogue_invite_parents(actor=request.user, dialogue=item)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The parents are on the meeting's list."))
        return redirect("referrals:dialogue_detail", pk=pk)
    return render(request, "referrals/dialogue.html", {"d": item, "invite_form": invite_form})


# --- Referrals --------------------------------------------------------------------------------


@login_required
def referral_list(request):
    _staff_only(request.user)
    sent, received = selectors.referrals_for(request.user)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "sent": list(sent[:100]),
            "triage": list(selectors.weekly_triage(received)[:200]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request):
    """A henvisning in two steps: the child (`?barn=`), then the referral with the consent of
    one of that child's guardians. Only staff who may record consents about the child refer."""
    _staff_only(request.user)
    picked = request.GET.get("barn")
    if not picked:
        children = child_list_visible_to(request.user, bases=WRITER_BASES).order_by(
            "first_name", "last_name"
        )
        return render(
            request,
            "form_page.html",
            {
                "form": ReferralChildForm(children=children),
                "method": "get",
                "heading": _("Refer to PPR or a family service"),
                "intro": _(
                    "A referral opens a conversation or a meeting; the receiver answers it. It is "
                    "made with the parents: first choose the child, then record their consent."
                ),
                "submit": _("Next"),
                "back": reverse("referrals:referral_list"),
            },
        )
    child = child_get_for(request.user, picked, purpose=_("Refer a child"), need="refer")
    form = ReferralForm(
        request.POST or None,
        own_units=_my_units(request.user),
        receivers=Unit.objects.filter(
            municipality_id=request.user.municipality_id,
            type__in=selectors.REFERRAL_UNIT_TYPES,
        ),
        guardians=Guardian.objects.filter(
            guardianship__child=child, guardianship__has_custody=True
        ).order_by("first_name", "last_name"),
        initial={
            "valid_until": consent_default_end(
                timezone.localdate(), days=services.REFERRAL_CONSENT_DAYS
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence")
        if evidence != "paper":
            data["paper_date"] = None
        try:
            services.referral_create(
                actor=request.user, child=child, paper=evidence == "paper", **data
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The referral is sent."))
            return redirect("referrals:referral_list")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Refer %(name)s to PPR or a family service") % {"name": child.full_name},
            "intro": _(
                "The parents' consent is recorded with the referral: the receiving unit sees "
                "%(name)s only through it, and only while it is in force. The guardian can "
                "withdraw it at any time."
            )
            % {"name": child.first_name},
            "submit": _("Send the referral"),
            "back": reverse("referrals:referral_list"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_detail(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = ReferralAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_answer(
                actor=request.user,
                referral=referral,
                accept=form.cleaned_data["accept"] == "yes",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The answer is saved."))
            return redirect("referrals:referral_detail", pk=pk)
    return render(request, "referrals/referral_detail.html", {"r": referral, "form": form})


# --- Anonymous consultations ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consultation_list(request):
    _social_work_only(request.user)
    form = ConsultationForm(
        request.POST or None,
        units=Unit.objects.filter(municipality_id=request.user.municipality_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The consultation is counted."))
            return redirect("referrals:consultation_list")
    return render(
        request,
        "referrals/consultations.html",
        {"form": form, "counts": list(selectors.consultation_counts(request.user))},
    )
