from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("underret/<str:code>/", views.public_notify, name="public"),
    path("underret/<str:code>/tak/", views.public_thanks, name="public_thanks"),
    path("underretninger/", views.dashboard, name="dashboard"),
    path("underretninger/ny/", views.notification_new, name="new"),
    path("underretninger/mine/", views.mine, name="mine"),
    path("underretninger/modtaget/", views.record, name="record"),
    path("underretninger/<int:pk>/", views.detail, name="detail"),
    path("underretninger/<int:pk>/<slug:action>/", views.act, name="act"),
    path("underretninger/dialog/ny/", views.dialogue_new, name="dialogue_new"),
    path("underretninger/dialog/<int:pk>/", views.dialogue, name="dialogue"),
    path("henvisninger/", views.referral_list, name="referral_list"),
    path("henvisninger/ny/", views.referral_new, name="referral_new"),
    path("henvisninger/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("sparring/", views.consultations, name="consultations"),
]
