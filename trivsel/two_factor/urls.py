from django.urls import path

from . import views

app_name = "two_factor"
urlpatterns = [
    path("log-ind/kode/", views.verify, name="verify"),
    path("min-side/", views.account, name="account"),
    path("min-side/totrinsbekraeftelse/", views.enrol, name="enrol"),
    path(
        "min-side/totrinsbekraeftelse/gendannelseskoder/",
        views.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "min-side/totrinsbekraeftelse/nye-gendannelseskoder/",
        views.recovery_codes_new,
        name="recovery_codes_new",
    ),
    path("min-side/totrinsbekraeftelse/slaa-fra/", views.disable, name="disable"),
]
