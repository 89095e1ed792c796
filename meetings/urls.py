from django.urls import path

from .views import confirmations, lists, meeting, minutes, pdf

app_name = "meetings"
urlpatterns = [
    path("", lists.meeting_list, name="list"),
    path("forum/<int:pk>/", lists.forum_detail, name="forum_detail"),
    path("forum/<int:pk>/nyt-moede/", lists.forum_meeting_create, name="forum_meeting_create"),
    path("forum/<int:pk>/samtykke/", lists.forum_consent_record, name="forum_consent_record"),
    path("netvaerksmoede/ny/", lists.network_meeting_create, name="network_meeting_create"),
    path("<int:pk>/", meeting.meeting_detail, name="meeting_detail"),
    path("<int:pk>/deltagere/", meeting.participant_add, name="participant_add"),
    path(
        "<int:pk>/deltagere/<int:participant_pk>/fjern/",
        meeting.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/samtykke/", meeting.consent_record, name="consent_record"),
    path("<int:pk>/inviter/", meeting.meeting_invite, name="meeting_invite"),
    path("<int:pk>/tovholder/", meeting.meeting_hand_over, name="meeting_hand_over"),
    path("<int:pk>/dagsorden/ny/", meeting.agenda_item_create, name="agenda_item_create"),
    path("<int:pk>/referat/", minutes.minutes_edit, name="minutes_edit"),
    path("referat/<int:minutes_pk>/beslutning/", minutes.decision_add, name="decision_add"),
    path(
        "referat/<int:minutes_pk>/beslutning/<int:decision_pk>/slet/",
        minutes.decision_remove,
        name="decision_remove",
    ),
    path(
        "referat/<int:minutes_pk>/beslutning/<int:decision_pk>/informeret/",
        minutes.decision_informed,
        name="decision_informed",
    ),
    path("referat/<int:minutes_pk>/handling/", minutes.action_add, name="action_add"),
    path(
        "referat/<int:minutes_pk>/handling/<int:item_pk>/udfoert/",
        minutes.action_done,
        name="action_done",
    ),
    path(
        "referat/<int:minutes_pk>/handling/<int:item_pk>/slet/",
        minutes.action_remove,
        name="action_remove",
    ),
    path(
        "referat/<int:minutes_pk>/fremmoede/",
        confirmations.attendance_record,
        name="attendance_record",
    ),
    path(
        "referat/<int:minutes_pk>/bekraeft/", confirmations.minutes_confirm, name="minutes_confirm"
    ),
    path(
        "referat/<int:minutes_pk>/bekraeft/<int:participant_pk>/",
        confirmations.confirmation_record,
        name="confirmation_record",
    ),
    path("referat/<int:minutes_pk>/godkend/", minutes.minutes_approve, name="minutes_approve"),
    path("referat/<int:minutes_pk>/ny-version/", minutes.minutes_new_version, name="new_version"),
    path("referat/<int:minutes_pk>/pdf/", pdf.minutes_pdf, name="minutes_pdf"),
    path("pdf/<int:pk>/", pdf.pdf_job, name="pdf_job"),
    path("pdf/<int:pk>/hent/", pdf.pdf_job_download, name="pdf_job_download"),
]
