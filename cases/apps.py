from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Children and cases")

    def ready(self):
        from . import signals  # noqa: F401  (grants follow role changes)
        from .figures import (
            casework_counts,
            casework_figures,
            casework_layouts,
            figures_work_section,
        )
        from .worklist import CASES_SECTIONS, work_list_sections

        for section in CASES_SECTIONS:
            work_list_sections.add(section)
        work_list_sections.add(figures_work_section)

        # The leaders' figures (/tal/) live in the platform, which cannot import the apps.
        from trivsel.figures.counting import figure_counters, figure_layouts
        from trivsel.figures.tables import figure_sections

        figure_sections.add(casework_figures)
        figure_counters.add(casework_counts)
        figure_layouts.add(casework_layouts)
