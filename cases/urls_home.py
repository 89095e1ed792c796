"""The home page, "Mit overblik", under its own name "home" without the app's namespace: the
login, the menu and the error pages send people there. The app's other pages are in cases.urls.
Its own module so that the root URLconf includes it by name, as every app's pages, and the
platform imports nothing from cases."""

from django.urls import path

from . import views

urlpatterns = [path("", views.home, name="home")]
