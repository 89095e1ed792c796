from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("boern/", views.child_list, name="child_list"),
    path("boern/<int:pk>/", views.child_detail, name="child_detail"),
    path("boern/<int:pk>/cpr/", views.child_cpr, name="child_cpr"),
    path("boern/<int:pk>/samtykke/ny/", views.consent_create, name="consent_create"),
    path("boern/<int:pk>/forloeb/ny/", views.forlob_create, name="forlob_create"),
    path("boern/<int:pk>/involvering/ny/", views.involvement_create, name="involvement_create"),
    path("boern/<int:pk>/udveksling/ny/", views.exchange_create, name="exchange_create"),
    path("boern/<int:pk>/adgangslog/", views.child_access_log, name="child_access_log"),
    path("samtykke/<int:consent_pk>/tilbagekald/", views.consent_withdraw, name="consent_withdraw"),
    path("samtykke/<int:consent_pk>/svar/", views.consent_answer, name="consent_answer"),
    path("forloeb/<int:forlob_pk>/plan/", views.forlob_plan, name="forlob_plan"),
    path("forloeb/<int:forlob_pk>/tovholder/", views.forlob_hand_over, name="forlob_hand_over"),
    path("forloeb/<int:forlob_pk>/afslut/", views.forlob_close, name="forlob_close"),
    path("boern/<int:pk>/overlevering/ny/", views.handover_create, name="handover_create"),
    path("overleveringer/", views.handover_list, name="handover_list"),
    path("overleveringer/evaluering/", views.handover_seasons, name="handover_seasons"),
    path("overleveringer/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("overleveringer/<int:pk>/rediger/", views.handover_edit, name="handover_edit"),
    path("overleveringer/<int:pk>/samtykke/", views.handover_consent, name="handover_consent"),
    path("overleveringer/<int:pk>/svar/", views.handover_parent_answer, name="handover_answer"),
    path("overleveringer/<int:pk>/send/", views.handover_send, name="handover_send"),
    path(
        "overleveringer/<int:pk>/kvitter/", views.handover_acknowledge, name="handover_acknowledge"
    ),
    path("overleveringer/<int:pk>/indskriv/", views.handover_enrol, name="handover_enrol"),
    path("overleveringer/<int:pk>/annuller/", views.handover_cancel, name="handover_cancel"),
    path("overleveringer/<int:pk>/pdf/", views.handover_pdf, name="handover_pdf"),
    path("opgaver/", views.task_list, name="task_list"),
    path("opgaver/<int:task_pk>/udfoert/", views.task_complete, name="task_complete"),
]
