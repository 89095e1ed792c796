from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from .selectors import system_health


@staff_member_required
def health(request):
    return render(request, "notifications/health.html", system_health())
