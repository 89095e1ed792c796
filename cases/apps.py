from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Children and cases")

    def ready(self):
        from . import signals  # noqa: F401  (grants follow role changes)
        from .worklist import CASES_SECTIONS, work_list_sections

        for section in CASES_SECTIONS:
            work_list_sections.add(section)
