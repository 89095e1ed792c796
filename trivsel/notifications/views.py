import json

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PAGE_SIZE = 50
# htmx stops polling on this status: a signed-out page stops asking.
HTMX_STOP_POLLING = 286


@staff_member_required
def health(request):
    return render(request, "notifications/health.html", selectors.system_health(request.user))


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notification_list_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "unread": selectors.unread_count_for(request.user),
            "daily_digest": selectors.daily_digest_for(request.user),
        },
    )


@require_GET
def bell(request):
    """The bell's live count (polled by htmx). Polling is not activity: it must not keep an idle
    session alive, so the session is not written here."""
    if not request.user.is_authenticated:
        return HttpResponse(status=HTMX_STOP_POLLING)
    request.session.modified = False
    return render(
        request, "notifications/bell.html", {"unread": selectors.unread_count_for(request.user)}
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = selectors.notification_get_for(request.user, pk)
    services.notification_mark_read(notification=notification)
    if request.htmx and not request.htmx.boosted:
        response = render(
            request, "notifications/notification_list.html#row", {"notification": notification}
        )
        response["HX-Trigger"] = json.dumps(
            {"announce": _("Marked as read."), "notifications-changed": ""}
        )
        return response
    messages.success(request, _("Marked as read."))
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_POST
def preference_save(request):
    daily_digest = request.POST.get("daily_digest") == "on"
    services.notification_preference_set(user=request.user, daily_digest=daily_digest)
    messages.success(
        request,
        _("You now get one e-mail a day with your notifications.")
        if daily_digest
        else _("You now get an e-mail for each notification."),
    )
    return redirect("notifications:list")
