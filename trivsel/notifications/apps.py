from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "trivsel.notifications"
    label = "notifications"
    verbose_name = _("Notifications and jobs")

    def ready(self):
        # Every app declares its own clocks in <app>/reminders.py; the platform imports them
        # here, so it never imports a higher app by name (DESIGN.md §2).
        autodiscover_modules("reminders")
