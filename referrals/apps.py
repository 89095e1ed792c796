from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Notifications and referrals")

    def ready(self):
        # Approved minutes of a dialogue meeting become the notification (meetings exposes the
        # hook; it never imports referrals).
        from meetings.services.minutes import after_minutes_approved

        from .services.dialogue import minutes_approved

        after_minutes_approved.add(minutes_approved)
