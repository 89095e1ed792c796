from django.urls import include, path

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
    path("forloeb/<int:forlob_pk>/egne-ord/", views.forlob_own_view, name="forlob_own_view"),
    path("forloeb/<int:forlob_pk>/tovholder/", views.forlob_hand_over, name="forlob_hand_over"),
    path("forloeb/<int:forlob_pk>/afslut/", views.forlob_close, name="forlob_close"),
    # Transition handovers: their own module, the same names in the `cases` namespace.
    path("", include("cases.handovers.urls")),
    # Insight requests (GDPR art. 15): the same way.
    path("", include("cases.insight.urls")),
    # Imports of children, guardians, enrolments and staff (administrators).
    path("", include("cases.imports.urls")),
    path("opgaver/", views.task_list, name="task_list"),
    path("opgaver/<int:task_pk>/udfoert/", views.task_complete, name="task_complete"),
]
