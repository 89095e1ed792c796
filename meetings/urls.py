from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("forum/<int:pk>/", views.forum_detail, name="forum_detail"),
    path("forum/<int:pk>/nyt-moede/", views.forum_meeting_create, name="forum_meeting_create"),
    path("forum/<int:pk>/samtykke/", views.forum_consent_record, name="forum_consent_record"),
    path("netvaerksmoede/ny/", views.network_meeting_create, name="network_meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/deltagere/", views.participant_add, name="participant_add"),
    path(
        "<int:pk>/deltagere/<int:participant_pk>/fjern/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/samtykke/", views.consent_record, name="consent_record"),
    path("<int:pk>/inviter/", views.meeting_invite, name="meeting_invite"),
    path("<int:pk>/tovholder/", views.meeting_hand_over, name="meeting_hand_over"),
    path("<int:pk>/dagsorden/ny/", views.agenda_item_create, name="agenda_item_create"),
    path("<int:pk>/referat/", views.minutes_edit, name="minutes_edit"),
    path("referat/<int:minutes_pk>/beslutning/", views.decision_add, name="decision_add"),
    path(
        "referat/<int:minutes_pk>/beslutning/<int:decision_pk>/slet/",
        views.decision_remove,
        name="decision_remove",
    ),
    path(
        "referat/<int:minutes_pk>/beslutning/<int:decision_pk>/informeret/",
        views.decision_informed,
        name="decision_informed",
    ),
    path("referat/<int:minutes_pk>/handling/", views.action_add, name="action_add"),
    path(
        "referat/<int:minutes_pk>/handling/<int:item_pk>/udfoert/",
        views.action_done,
        name="action_done",
    ),
    path(
        "referat/<int:minutes_pk>/handling/<int:item_pk>/slet/",
        views.action_remove,
        name="action_remove",
    ),
    path("referat/<int:minutes_pk>/fremmoede/", views.attendance_record, name="attendance_record"),
    path("referat/<int:minutes_pk>/bekraeft/", views.minutes_confirm, name="minutes_confirm"),
    path(
        "referat/<int:minutes_pk>/bekraeft/<int:participant_pk>/",
        views.confirmation_record,
        name="confirmation_record",
    ),
    path("referat/<int:minutes_pk>/godkend/", views.minutes_approve, name="minutes_approve"),
    path("referat/<int:minutes_pk>/ny-version/", views.minutes_new_version, name="new_version"),
    path("referat/<int:minutes_pk>/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("pdf/<int:pk>/", views.pdf_job, name="pdf_job"),
    path("pdf/<int:pk>/hent/", views.pdf_job_download, name="pdf_job_download"),
]
