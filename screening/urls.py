from django.urls import path

from . import views

app_name = "screening"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("runde/ny/", views.round_create, name="round_create"),
    path("planlaeg/", views.round_plan, name="round_plan"),
    path("runde/<int:pk>/", views.round_rate, name="round_rate"),
    path("runde/<int:pk>/markering/", views.rating_save, name="rating_save"),
    path("runde/<int:pk>/oversigt/", views.round_overview, name="round_overview"),
    path("runde/<int:pk>/faelles/", views.round_start_joint, name="round_start_joint"),
    path("barn/<int:child_pk>/", views.child_history, name="child_history"),
    path(
        "gruppe/<int:group_pk>/uden-faelles-vurdering/",
        views.children_without_assessment,
        name="children_without_assessment",
    ),
    path(
        "runde/<int:pk>/vurdering/<int:child_pk>/",
        views.joint_assessment_save,
        name="joint_assessment_save",
    ),
]
