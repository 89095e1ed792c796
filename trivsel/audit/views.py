from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .forms import AccessLogFilterForm
from .selectors import access_log_list_visible_to


@login_required
def access_log(request):
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = access_log_list_visible_to(request.user, **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
