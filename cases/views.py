import json
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from trivsel.audit.cpr import CPR_REVEAL_PURPOSE
from trivsel.audit.models import Topic
from trivsel.audit.selectors import access_log_for_guardian
from trivsel.audit.services import get_or_refuse
from trivsel.organisation.selectors import (
    group_list_visible_to,
    staff_choices,
    unit_list_visible_to,
)
from trivsel.retention.selectors import retention_periods_for_guardians
from trivsel.web import service_errors, staff_only

from . import selectors, services
from .capabilities import exchange_staff
from .cpr import cpr_mask
from .forms import (
    ChildSearchForm,
    CloseForlobForm,
    ConsentForm,
    ExchangeForm,
    ForlobForm,
    HandOverForm,
    InvolvementForm,
    OwnViewForm,
    PlanForm,
)
from .handovers import selectors as handover_selectors
from .insight import selectors as insight_selectors
from .models import Consent, Forlob, Task
from .worklist import work_list_children_logged, work_list_for

PAGE_SIZE = 50


@login_required
def home(request):
    """Mit overblik: the user's work list, section by section (cases.worklist)."""
    # The user's grants are read once for every section and the access log (ChildAccess).
    access = selectors.ChildAccess(request.user)
    sections = work_list_for(request.user, access=access)
    work_list_children_logged(request.user, sections, access=access)
    return render(request, "home.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def child_list(request):
    """Børn: the children I may see, my own groups first; search by name or exact CPR.

    A search is POSTed, so neither a CPR number nor a name ever ends up in a URL (browser
    history, proxy and server logs); browsing and the group filter use GET and page links."""
    staff_only(request.user)
    my_groups = list(group_list_visible_to(request.user).filter(staff__user=request.user))
    data = request.POST if request.method == "POST" else request.GET
    form = ChildSearchForm(data or None, groups=my_groups)
    children = selectors.child_list_visible_to(request.user)
    term, cpr = "", None
    if form.is_valid():
        term = form.cleaned_data["q"].strip() if request.method == "POST" else ""
        cpr = form.cpr_term() if term else None
        if cpr:
            children = children.filter(cpr=cpr)
        else:
            for word in term.split():
                children = children.filter(
                    Q(first_name__icontains=word) | Q(last_name__icontains=word)
                )
        if form.cleaned_data["group"]:
            children = children.filter(
                Exists(
                    selectors.current_enrolments().filter(
                        child=OuterRef("pk"), group_id=form.cleaned_data["group"]
                    )
                )
            )
    in_my_groups = selectors.current_enrolments().filter(child=OuterRef("pk"), group__in=my_groups)
    children = children.annotate(mine=Exists(in_my_groups)).order_by(
        "-mine", "first_name", "last_name", "pk"
    )
    page = Paginator(children, PAGE_SIZE).get_page(None if term else request.GET.get("side"))
    bases = selectors.child_bases_for(request.user, [c.pk for c in page.object_list])
    for child in page.object_list:
        child.access_basis = bases[child.pk]
    # A CPR search is logged masked, whatever spacing the user typed it with.
    selectors.access_log_children(
        request.user,
        page.object_list,
        purpose=_("Children list"),
        detail=cpr_mask(cpr) if cpr else term,
        topic=Topic.DAILY_CARE,
    )
    group = form.cleaned_data.get("group") if form.is_bound and form.is_valid() else None
    context = {
        "form": form,
        "page": page,
        "query": f"group={group}" if group else "",
        "searched": bool(term),
    }
    if request.htmx and not request.htmx.boosted:
        response = render(request, "cases/child_list.html#results", context)
        # Screen readers hear the new count through the page's aria-live region.
        count = page.paginator.count
        announcement = ngettext("%(count)s child found", "%(count)s children found", count)
        response["HX-Trigger"] = json.dumps({"announce": announcement % {"count": count}})
        return response
    return render(request, "cases/child_list.html", context)


@login_required
def child_detail(request, pk):
    child = selectors.child_get_for(
        request.user, pk, purpose=_("Child's page"), topic=Topic.DAILY_CARE
    )
    kinds = child.can.kinds
    # A guardian and the young person see the family's view of the record (is_family).
    is_family = child.can.is_family
    screening = (
        selectors.screening_scope_for(request.user, child) if child.can.see_screening else None
    )
    consents = list(
        selectors.consents_visible_to(request.user, child, kinds, for_guardian=is_family)
    )
    context = {
        "child": child,
        "kinds": kinds,
        "is_family": is_family,
        "guardians": child.guardianship_set.select_related("guardian"),
        "enrolments": child.enrolments.select_related("unit", "group").order_by("-start"),
        "involvements": selectors.involvements_visible_to(request.user, child, kinds),
        "forlob": child.forlob_set.filter(closed_at__isnull=True)
        .select_related("tovholder", "backup")
        .prefetch_related("sub_goals")
        .first(),
        "consents": consents,
        "consents_to_answer": [c for c in consents if child.can.answer_consent(c)],
        "consents_to_withdraw": [c for c in consents if child.can.withdraw_consent(c)],
        "exchanges": selectors.exchanges_visible_to(child, for_guardian=is_family),
        "timeline": selectors.timeline_visible_to(
            request.user, child, kinds, for_guardian=is_family, screening=screening
        )[:50],
        "tasks": selectors.tasks_of_child_visible_to(
            request.user, child, kinds, screening=screening
        ),
        "siblings": selectors.siblings_visible_to(request.user, child),
        "handovers": handover_selectors.handovers_of_child_visible_to(request.user, child),
        "insight_requests": list(insight_selectors.insight_requests_of(request.user, child))
        if child.can.ask_for_insight
        else [],
        "today": timezone.localdate(),
        # The family (guardians, the young person) reads how long each kind of information is
        # kept (the municipality's rules).
        "retention_periods": retention_periods_for_guardians(child.municipality_id)
        if is_family
        else None,
    }
    return render(request, "cases/child_detail.html", context)


@login_required
@require_POST
def child_cpr(request, pk):
    """ "Vis CPR": the full number only on request, and the request is logged."""
    child = selectors.child_get_for(
        request.user, pk, purpose=_(CPR_REVEAL_PURPOSE), topic=Topic.DAILY_CARE, need="show_cpr"
    )
    cpr = child.cpr  # the selector above logged this look with its purpose, "Vis CPR"
    if request.htmx:
        return render(request, "cases/child_detail.html#cpr", {"child": child, "cpr": cpr})
    return render(request, "cases/child_cpr.html", {"child": child, "cpr": cpr})


@login_required
def consent_create(request, pk):
    # Opening the form records nothing yet: the service logs the consent it records.
    child = selectors.child_get_for(
        request.user, pk, purpose=_("Record consent"), need="record_consent"
    )
    guardians = [
        g.guardian
        for g in child.guardianship_set.filter(has_custody=True).select_related("guardian")
    ]
    form = ConsentForm(
        request.POST or None,
        child=child,
        guardians=guardians,
        units=unit_list_visible_to(request.user),
        people=staff_choices(request.user),
        initial={"valid_from": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form=form) as outcome:
            services.consent_record(
                actor=request.user,
                child=child,
                guardian=form.giver_guardian(),
                given_by_child=data["giver"] == "child",
                kinds=data["kinds"],
                units=data["recipient_units"],
                roles=data["recipient_roles"],
                people=data["recipient_people"],
                purpose=data["purpose"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                paper=data["evidence"] != "login",
                paper_date=data["paper_date"] if data["evidence"] == "paper" else None,
                refused=data["evidence"] == "refused",
            )
        if outcome.ok:
            messages.success(request, _("The consent is recorded."))
            return redirect("cases:child_detail", pk=child.pk)
    return render(request, "cases/consent_form.html", {"child": child, "form": form})


def _consent_for(request, consent_pk, *, purpose, need):
    """The consent and its child, if the user may do `need` (a cases.capabilities method) with
    it; otherwise the same 404 as for a consent that does not exist."""
    consent = get_or_refuse(
        Consent.objects.only("pk", "child_id"), consent_pk, actor=request.user, purpose=purpose
    )
    child = selectors.child_get_for(
        request.user, consent.child_id, purpose=purpose, topic=selectors.consent_topic(consent)
    )
    consent = child.consents.select_related("guardian").get(pk=consent.pk)
    if not getattr(child.can, need)(consent):
        raise Http404
    return child, consent


@login_required
@require_POST
def consent_withdraw(request, consent_pk):
    child, consent = _consent_for(
        request, consent_pk, purpose=_("Withdraw consent"), need="withdraw_consent"
    )
    with service_errors(request=request) as outcome:
        services.consent_withdraw(actor=request.user, consent=consent)
    if outcome.ok:
        messages.success(request, _("The consent is withdrawn. Access through it has ended."))
    return redirect("cases:child_detail", pk=child.pk)


@login_required
@require_POST
def consent_answer(request, consent_pk):
    child, consent = _consent_for(
        request, consent_pk, purpose=_("Answer consent"), need="answer_consent"
    )
    answer = request.POST.get("answer")
    if answer not in {"accept", "refuse"}:
        messages.error(request, _("Choose whether you give or refuse the consent."))
        return redirect("cases:child_detail", pk=child.pk)
    accept = answer == "accept"
    with service_errors(request=request) as outcome:
        services.consent_answer(actor=request.user, consent=consent, accept=accept)
    if outcome.ok:
        messages.success(
            request,
            _("Thank you. Your consent is given.")
            if accept
            else _("Your refusal is recorded. Nothing is shared through this consent."),
        )
    return redirect("cases:child_detail", pk=child.pk)


def _child_record_form(request, child, form, *, save, done, heading, intro=""):
    """The shared flow of the forms that add to a child's record: validate, call the service
    (`save(actor=…, **cleaned_data)`, the child given by the caller where the service takes it),
    show its rule violations on the form (nothing typed is lost), or go back to the child."""
    if request.method == "POST" and form.is_valid():
        with service_errors(form=form) as outcome:
            save(actor=request.user, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, done)
            return redirect("cases:child_detail", pk=child.pk)
    return render(
        request,
        "form_page.html",
        {"child": child, "form": form, "heading": heading, "intro": intro},
    )


@login_required
def forlob_create(request, pk):
    child = selectors.child_get_for(
        request.user, pk, purpose=_("Open forløb"), topic=Topic.DAILY_CARE, need="open_forlob"
    )
    form = ForlobForm(
        request.POST or None,
        child=child,
        people=staff_choices(request.user),
        initial={"tovholder": request.user},
    )
    return _child_record_form(
        request,
        child,
        form,
        save=partial(services.forlob_open, child=child),
        done=_("The forløb is opened."),
        heading=_("Open a forløb"),
    )


def _forlob_for(request, forlob_pk, *, purpose):
    forlob = get_or_refuse(
        Forlob.objects.only("pk", "child_id"), forlob_pk, actor=request.user, purpose=purpose
    )
    child = selectors.child_get_for(
        request.user, forlob.child_id, purpose=purpose, topic=Topic.DAILY_CARE, need="edit_forlob"
    )
    forlob = child.forlob_set.select_related("tovholder", "backup").get(pk=forlob.pk)
    if forlob.closed_at:
        raise Http404
    return child, forlob


@login_required
def forlob_plan(request, forlob_pk):
    child, forlob = _forlob_for(request, forlob_pk, purpose=_("Edit plan"))
    initial = {
        "version": forlob.version,
        "title": forlob.title,
        "goal": forlob.goal,
        "child_view": forlob.child_view,
        "parents_view": forlob.parents_view,
        "ladder_step": forlob.ladder_step,
        "review_date": forlob.review_date,
        "sub_goals": "\n".join(f"{g.actor}: {g.text}" for g in forlob.sub_goals.all()),
        "child_heard": forlob.child_heard,
        "child_heard_note": forlob.child_heard_note,
    }
    form = PlanForm(request.POST or None, child=child, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version, sub_goals = data.pop("version"), data.pop("sub_goals")
        try:
            services.forlob_plan_update(
                actor=request.user, forlob=forlob, version=version, sub_goals=sub_goals, **data
            )
        except services.EditConflict:
            # Keep what this user typed on screen, and show them what was saved meanwhile.
            conflict = True
            forlob.refresh_from_db()
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("cases:child_detail", pk=child.pk)
    return render(
        request,
        "cases/plan_form.html",
        {"child": child, "forlob": forlob, "form": form, "conflict": conflict},
    )


@login_required
def forlob_own_view(request, forlob_pk):
    """The young person's own words in the plan, through their own login."""
    purpose = _("Own words in the plan")
    forlob = get_or_refuse(
        Forlob.objects.only("pk", "child_id"), forlob_pk, actor=request.user, purpose=purpose
    )
    child = selectors.child_get_for(
        request.user,
        forlob.child_id,
        purpose=purpose,
        topic=Topic.DAILY_CARE,
        need="write_own_view",
    )
    forlob = child.forlob_set.filter(closed_at__isnull=True, pk=forlob.pk).first()
    if forlob is None:
        raise Http404
    form = OwnViewForm(
        request.POST or None, initial={"version": forlob.version, "text": forlob.child_view}
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.forlob_own_view_write(
                actor=request.user,
                forlob=forlob,
                version=form.cleaned_data["version"] or 0,
                text=form.cleaned_data["text"],
            )
        except services.EditConflict:
            # Nothing is lost: their text stays in the form, the saved words are shown above it.
            conflict = True
            forlob.refresh_from_db()
        else:
            messages.success(request, _("Your own words are saved in the plan."))
            return redirect("cases:child_detail", pk=child.pk)
    return render(
        request,
        "cases/own_view_form.html",
        {
            "child": child,
            "form": form,
            "heading": _("Your own words in the plan"),
            "context_line": forlob.title,
            "saved_text": forlob.child_view if conflict else None,
            "version": forlob.version,
            "cancel_url": reverse("cases:child_detail", args=[child.pk]),
        },
    )


@login_required
def forlob_hand_over(request, forlob_pk):
    child, forlob = _forlob_for(request, forlob_pk, purpose=_("Hand over tovholder"))
    form = HandOverForm(
        request.POST or None, people=staff_choices(request.user), initial={"backup": forlob.backup}
    )
    return _child_record_form(
        request,
        child,
        form,
        save=partial(services.forlob_hand_over, forlob=forlob),
        done=_("The tovholder role is handed over."),
        heading=_("Hand over the tovholder role"),
    )


@login_required
def forlob_close(request, forlob_pk):
    child, forlob = _forlob_for(request, forlob_pk, purpose=_("Close forløb"))
    form = CloseForlobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Closed by someone else a moment ago: the message says so on the child's page.
        with service_errors(request=request) as outcome:
            services.forlob_close(
                actor=request.user, forlob=forlob, decision=form.cleaned_data["decision"]
            )
        if outcome.ok:
            messages.success(request, _("The forløb is closed."))
        return redirect("cases:child_detail", pk=child.pk)
    return render(
        request,
        "form_page.html",
        {"child": child, "form": form, "heading": _("Close the forløb")},
    )


@login_required
def involvement_create(request, pk):
    child = selectors.child_get_for(
        request.user,
        pk,
        purpose=_("Register involvement"),
        topic=Topic.DAILY_CARE,
        need="register_involvement",
    )
    form = InvolvementForm(
        request.POST or None,
        people=staff_choices(request.user),
        units=unit_list_visible_to(request.user),
        initial={"start": timezone.localdate()},
    )
    return _child_record_form(
        request,
        child,
        form,
        save=partial(services.involvement_add, child=child),
        done=_("The involvement is registered."),
        heading=_("Register who works with the child"),
    )


@login_required
def exchange_create(request, pk):
    """The one-meeting exchange without consent, for early preventive cooperation."""
    child = selectors.child_get_for(
        request.user,
        pk,
        purpose=_("Exchange without consent"),
        # Planning is internal: the exchange is told to the guardians once its meeting is over
        # (the service's own log entry), not the day after someone opened this form.
        topic=Topic.INTERNAL,
        need="record_exchange",
    )
    form = ExchangeForm(
        request.POST or None, people=staff_choices(request.user).filter(exchange_staff())
    )
    intro = _(
        "Without the parents' consent, school, SFO, daycare, health visitors and the "
        "social-work side may exchange information about a child at one meeting, and "
        "in special cases one follow-up meeting, for early preventive cooperation "
        "(%(law)s). The participants see the child on the meeting day and for %(days)s days "
        "of minutes follow-up after it. At most two exchanges a year about the same child; "
        "after that, and whenever you can, ask the parents for consent."
    ) % {
        "law": child.municipality.exchange_legal_reference,
        "days": settings.EXCHANGE_FOLLOW_UP_DAYS,
    }
    return _child_record_form(
        request,
        child,
        form,
        save=partial(services.exchange_grant_create, child=child),
        done=_("The exchange without consent is recorded."),
        heading=_("Exchange without consent (one meeting)"),
        intro=intro,
    )


@login_required
def task_list(request):
    """Mine opgaver: my open tasks, the most urgent first."""
    tasks = selectors.task_list_for(request.user)
    return render(request, "cases/task_list.html", {"tasks": tasks, "today": timezone.localdate()})


@login_required
@require_POST
def task_complete(request, task_pk):
    task = get_or_refuse(Task.objects.filter(owner=request.user), task_pk, actor=request.user)
    services.task_complete(actor=request.user, task=task)
    messages.success(request, _("The task is marked as done."))
    return redirect("cases:task_list")


@login_required
def child_access_log(request, pk):
    """For guardians (and the young person): the dates and purposes of look-ups on the child (no
    staff names)."""
    child = selectors.child_get_for(
        request.user, pk, purpose=_("Access log for guardian"), need="see_access_log"
    )
    entries = access_log_for_guardian(child_id=child.pk)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(request, "cases/child_access_log.html", {"child": child, "page": page})
