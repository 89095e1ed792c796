from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    name = "trivsel.two_factor"
    label = "two_factor"
    verbose_name = _("Two-factor login")

    def ready(self):
        from trivsel.two_factor import signals  # noqa: F401  (decides the second step at login)
