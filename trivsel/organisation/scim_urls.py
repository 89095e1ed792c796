from django.urls import path

from . import scim

app_name = "scim"
urlpatterns = [
    path("ServiceProviderConfig", scim.service_provider_config, name="config"),
    path("Users", scim.users, name="users"),
    path("Users/<str:pk>", scim.user, name="user"),
]
