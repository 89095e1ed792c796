from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("gennemgang/", views.lookup_review, name="lookup_review"),
    path("gennemgang/<int:pk>/", views.sampled_lookup, name="sampled_lookup"),
    path("databeskyttelse/", views.data_protection, name="data_protection"),
]
