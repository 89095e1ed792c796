"""Included by cases.urls without a namespace of its own: the names stay `cases:import_…`."""

from django.urls import path

from . import views

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/bekraeft/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/annuller/", views.import_cancel, name="import_cancel"),
]
