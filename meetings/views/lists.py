"""The lists of meetings and forums, and planning a meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Guardian, consent_last_day
from trivsel.organisation.selectors import staff_choices
from trivsel.web import service_errors, staff_only

from .. import selectors, services
from ..forms import (
    ForumConsentForm,
    ForumMeetingForm,
    MeetingSearchForm,
    NetworkMeetingForm,
)
from .common import _form_page

# --- Lists ------------------------------------------------------------------------------------


PAST_PAGE_SIZE = 25


@login_required
def meeting_list(request):
    """Møder: my forums, the upcoming meetings I take part in, and the held ones (with their
    minutes' state) to search by period and forum, 25 a page."""
    is_staff_member = request.user.staff_profile_or_none is not None
    forums = (
        list(selectors.forum_list_visible_to(request.user).select_related("unit"))
        if is_staff_member
        else []
    )
    search = MeetingSearchForm(request.GET or None, forums=forums)
    past = Paginator(
        selectors.past_meetings_for(request.user, **search.filters()), PAST_PAGE_SIZE
    ).get_page(request.GET.get("side"))
    past.object_list = list(past.object_list)
    meetings = list(selectors.upcoming_meetings_for(request.user))
    selectors.meeting_children_logged(
        request.user, meetings + past.object_list, purpose=_("Meetings")
    )
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "forums": forums,
            "meetings": meetings,
            "is_staff_member": is_staff_member,
            "search": search,
            "past": past,
            "query": query.urlencode(),
        },
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
        with service_errors(form=form) as outcome:
            meeting = services.forum_meeting_create(actor=request.user, forum=forum, **data)
        if outcome.ok:
            messages.success(request, _("The meeting is planned."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _form_page(
        request,
        form,
        heading=_("Plan a meeting in %(forum)s") % {"forum": forum.name},
        back=reverse("meetings:forum_detail", args=[forum.pk]),
    )


@login_required
def forum_consent_record(request, pk):
    """The parents' consent to discussing their child in this forum: the basis its agenda
    needs. Recorded by staff around the child (enrolment or statutory)."""
    staff_only(request.user)
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
        with service_errors(form=form) as outcome:
            services.forum_consent_record(
                actor=request.user,
                forum=forum,
                paper=evidence != "login",
                refused=evidence == "refused",
                **data,
            )
        if outcome.ok:
            messages.success(request, _("The parents' answer is recorded."))
            return redirect("meetings:forum_detail", pk=forum.pk)
    return _form_page(
        request,
        form,
        heading=_("Consent to discuss a child in %(forum)s") % {"forum": forum.name},
        back=reverse("meetings:forum_detail", args=[forum.pk]),
        intro=_(
            "The consent names the forum's members and is for this forum only. A network "
            "meeting's consent or a handover's is not a basis here."
        ),
    )


@login_required
def network_meeting_create(request):
    staff_only(request.user)
    form = NetworkMeetingForm(
        request.POST or None,
        children=selectors.children_for_network_meeting(request.user),
        people=staff_choices(request.user),
        initial={"child": request.GET.get("barn"), "tovholder": request.user},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("day"), data.pop("time")
        with service_errors(form=form) as outcome:
            meeting = services.network_meeting_create(actor=request.user, **data)
        if outcome.ok:
            messages.success(
                request,
                _(
                    "The network meeting is created. Add the participants and record the parents' "
                    "consent before you invite."
                ),
            )
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _form_page(
        request,
        form,
        heading=_("New network meeting"),
        back=reverse("meetings:list"),
        intro=_(
            "A network meeting around one child. The parents are the natural starting "
            "point: they consent to the purpose and the participants before anyone is "
            "invited."
        ),
    )
