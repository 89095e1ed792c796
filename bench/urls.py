from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from trivsel.urls import urlpatterns as project_urlpatterns

_layout_only = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Bench{% endblock %}'
    "{% block content %}<h1>Bench</h1>{% endblock %}"
)


def minimal(request):
    """A minimal Django page: the baseline of DESIGN.md §8."""
    return HttpResponse("ok")


@login_required
def layout_only(request):
    """The floor of every signed-in page: the session, the user and the base layout (header,
    menu, footer) around an empty page."""
    return HttpResponse(_layout_only.render({}, request))


urlpatterns = [
    path("bench-minimal/", minimal),
    path("bench-layout/", layout_only),
    *project_urlpatterns,
]
