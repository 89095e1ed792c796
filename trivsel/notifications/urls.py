from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("antal/", views.bell, name="bell"),
    path("<int:pk>/laest/", views.notification_read, name="read"),
    path("alle-laest/", views.notification_read_all, name="read_all"),
    path("indstillinger/", views.preference_save, name="preference"),
]
