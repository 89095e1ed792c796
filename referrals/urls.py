from django.urls import path

from .views import consultations, dialogue, intake, notifier, public, referrals

app_name = "referrals"


urlpatterns = [
    path("underret/", public.underretning_public_choose, name="underretning_public_choose"),
    path(
        "underret/<str:code>/", public.underretning_public_create, name="underretning_public_create"
    ),
    path(
        "underret/<str:code>/tak/",
        public.underretning_public_thanks,
        name="underretning_public_thanks",
    ),
    path("underretninger/", intake.underretning_list, name="underretning_list"),
    path("underretninger/ny/", notifier.underretning_create, name="underretning_create"),
    path("underretninger/mine/", notifier.underretning_sent_list, name="underretning_sent_list"),
    path("underretninger/modtaget/", intake.underretning_record, name="underretning_record"),
    path("underretninger/<int:pk>/", intake.underretning_detail, name="underretning_detail"),
    path("underretninger/<int:pk>/vurder/", intake.underretning_assess, name="underretning_assess"),
    path("underretninger/<int:pk>/tildel/", intake.underretning_assign, name="underretning_assign"),
    path(
        "underretninger/<int:pk>/barn/",
        intake.underretning_match_child,
        name="underretning_match_child",
    ),
    path(
        "underretninger/<int:pk>/kvittering/",
        intake.underretning_send_receipt,
        name="underretning_send_receipt",
    ),
    path(
        "underretninger/<int:pk>/tilbagemelding/",
        intake.underretning_send_feedback,
        name="underretning_send_feedback",
    ),
    path(
        "underretninger/<int:pk>/opfoelgning/",
        intake.underretning_review_done,
        name="underretning_review_done",
    ),
    path(
        "underretninger/<int:pk>/undersoegelse/",
        intake.underretning_investigation_done,
        name="underretning_investigation_done",
    ),
    path(
        "underretninger/<int:pk>/barnets-perspektiv/",
        intake.underretning_child_voice,
        name="underretning_child_voice",
    ),
    path(
        "underretninger/<int:pk>/undersoegelse/barnets-perspektiv/",
        intake.underretning_investigation_child_voice,
        name="underretning_investigation_child_voice",
    ),
    path("underretninger/<int:pk>/afslut/", intake.underretning_close, name="underretning_close"),
    path("underretninger/dialog/ny/", dialogue.dialogue_create, name="dialogue_create"),
    path("underretninger/dialog/<int:pk>/", dialogue.dialogue_detail, name="dialogue_detail"),
    path(
        "underretninger/dialog/<int:pk>/barnets-perspektiv/",
        dialogue.dialogue_child_voice,
        name="dialogue_child_voice",
    ),
    path("henvisninger/", referrals.referral_list, name="referral_list"),
    path("henvisninger/ny/", referrals.referral_create, name="referral_create"),
    path("henvisninger/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("sparring/", consultations.consultation_list, name="consultation_list"),
]
