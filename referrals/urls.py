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
    path("underretninger/<int:pk>/<slug:action>/", views.act, name="act"),
    path("underretninger/dialog/ny/", views.dialogue_create, name="dialogue_create"),
    path("underretninger/dialog/<int:pk>/", views.dialogue_detail, name="dialogue_detail"),
    path("henvisninger/", views.referral_list, name="referral_list"),
    path("henvisninger/ny/", views.referral_create, name="referral_create"),
    path("henvisninger/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("sparring/", views.consultation_list, name="consultation_list"),
]
