from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Notifications and referrals")

    def ready(self):
        # The dialogue-based notification exists from its meeting (attendance recorded) and the
        # approved minutes become its content (meetings exposes the hooks; it never imports
        # referrals).
        from meetings.services.confirmations import after_attendance_recorded
        from meetings.services.minutes import after_minutes_approved

        from .services.dialogue import attendance_recorded, minutes_approved

        after_attendance_recorded.add(attendance_recorded)
        after_minutes_approved.add(minutes_approved)
