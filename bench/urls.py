from django.http import HttpResponse
from django.urls import path

from trivsel.urls import urlpatterns as project_urlpatterns


def minimal(request):
    return HttpResponse("ok")


urlpatterns = [path("bench-minimal/", minimal), *project_urlpatterns]
