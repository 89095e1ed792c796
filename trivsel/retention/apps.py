from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "trivsel.retention"
    label = "retention"
    verbose_name = _("Retention and deletion")

    def ready(self):
        # Every app declares its kinds of record (and legal holds) in <app>/retention.py; the
        # platform imports them here, never a higher app by name (DESIGN.md §2).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("retention")
