"""Included by cases.urls without a namespace of its own: the names stay `cases:handover_…`."""

from django.urls import path

from . import views

urlpatterns = [
    path("boern/<int:pk>/overlevering/ny/", views.handover_create, name="handover_create"),
    path("overleveringer/", views.handover_list, name="handover_list"),
    path("overleveringer/evaluering/", views.handover_seasons, name="handover_seasons"),
    path("overleveringer/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("overleveringer/<int:pk>/rediger/", views.handover_edit, name="handover_edit"),
    path("overleveringer/<int:pk>/samtykke/", views.handover_consent, name="handover_consent"),
    path("overleveringer/<int:pk>/egne-ord/", views.handover_own_view, name="handover_own_view"),
    path("overleveringer/<int:pk>/svar/", views.handover_parent_answer, name="handover_answer"),
    path("overleveringer/<int:pk>/send/", views.handover_send, name="handover_send"),
    path(
        "overleveringer/<int:pk>/kvitter/", views.handover_acknowledge, name="handover_acknowledge"
    ),
    path("overleveringer/<int:pk>/indskriv/", views.handover_enrol, name="handover_enrol"),
    path("overleveringer/<int:pk>/annuller/", views.handover_cancel, name="handover_cancel"),
    path("overleveringer/<int:pk>/pdf/", views.handover_pdf, name="handover_pdf"),
]
