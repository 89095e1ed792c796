from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path(
        "underret/<str:code>/", views.underretning_public_create, name="underretning_public_create"
    ),
    path(
        "underret/<str:code>/tak/",
        views.underretning_public_thanks,
        name="underretning_public_thanks",
    ),
    path("underretninger/", views.underretning_list, name="underretning_list"),
    path("underretninger/ny/", views.underretning_create, name="underretning_create"),
    path("underretninger/mine/", views.underretning_sent_list, name="underretning_sent_list"),
    path("underretninger/modtaget/", views.underretning_record, name="underretning_record"),
    path("underretninger/<int:pk>/", views.underretning_detail, name="underretning_detail"),
    path("underretninger/<int:pk>/vurder/", views.underretning_assess, name="underretning_assess"),
    path("underretninger/<int:pk>/tildel/", views.underretning_assign, name="underretning_assign"),
    path(
        "underretninger/<int:pk>/barn/",
        views.underretning_match_child,
        name="underretning_match_child",
    ),
    path(
        "underretninger/<int:pk>/kvittering/",
        views.underretning_send_receipt,
        name="underretning_send_receipt",
    ),
    path(
        "underretninger/<int:pk>/tilbagemelding/",
        views.underretning_send_feedback,
        name="underretning_send_feedback",
    ),
    path(
        "underretninger/<int:pk>/opfoelgning/",
        views.underretning_review_done,
        name="underretning_review_done",
    ),
    path(
        "underretninger/<int:pk>/undersoegelse/",
        views.underretning_investigation_done,
        name="underretning_investigation_done",
    ),
    path("underretninger/<int:pk>/afslut/", views.underretning_close, name="underretning_close"),
    path("underretninger/dialog/ny/", views.dialogue_create, name="dialogue_create"),
    path("underretninger/dialog/<int:pk>/", views.dialogue_detail, name="dialogue_detail"),
    path("henvisninger/", views.referral_list, name="referral_list"),
    path("henvisninger/ny/", views.referral_create, name="referral_create"),
    path("henvisninger/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("sparring/", views.consultation_list, name="consultation_list"),
]
