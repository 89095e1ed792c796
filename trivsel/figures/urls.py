from django.urls import path

from . import views

app_name = "figures"
urlpatterns = [
    path("", views.figures, name="figures"),
    path("rapport.pdf", views.figures_pdf, name="figures_pdf"),
    path("csv/<slug:section>/<slug:table>/", views.figures_csv, name="figures_csv"),
]
