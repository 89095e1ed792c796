"""Included by cases.urls without a namespace of its own: the names stay `cases:insight_…`."""

from django.urls import path

from . import views

urlpatterns = [
    path("boern/<int:pk>/indsigt/", views.insight_request_create, name="insight_request_create"),
    path("indsigt/", views.insight_list, name="insight_list"),
    path("indsigt/<int:pk>/", views.insight_detail, name="insight_detail"),
    path("indsigt/<int:pk>/forbered/", views.insight_prepare, name="insight_prepare"),
    path("indsigt/<int:pk>/frigiv/", views.insight_release, name="insight_release"),
    path("indsigt/<int:pk>/udkast/pdf/", views.insight_draft_pdf, name="insight_draft_pdf"),
    path("indsigt/<int:pk>/svar/pdf/", views.insight_answer_pdf, name="insight_answer_pdf"),
    path("indsigt/<int:pk>/svar/json/", views.insight_answer_json, name="insight_answer_json"),
]
