from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "trivsel.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self):
        from trivsel import checks  # noqa: F401  (registers the system checks)
        from trivsel.organisation import signals  # noqa: F401  (keeps access groups in step)
