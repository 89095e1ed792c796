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

        # The log review lives in the platform (trivsel.audit), which cannot import cases.
        from trivsel.audit.patterns import children_outside_units
        from trivsel.audit.selectors import review_child_names

        from . import log_review

        work_list_sections.add(log_review.lookup_review_work_section)
        review_child_names.add(log_review.review_child_names)
        children_outside_units.add(log_review.children_outside_units)

        # The leaders' figures (/tal/) live in the platform, which cannot import the apps.
        from trivsel.figures.counting import figure_counters, figure_layouts
        from trivsel.figures.tables import figure_sections

        figure_sections.add(casework_figures)
        figure_counters.add(casework_counts)

        # The insight package: cases' own sections; the apps above add theirs from their
        # insight.py (cases.insight.package).
        from .insight.package import insight_sections
        from .insight.sections import cases_sections
        from .insight.worklist import insight_requests_section

        insight_sections.add(cases_sections)
        work_list_sections.add(insight_requests_section)
        # The imports' runs on the operations page (/drift/), which lives in the platform.
        from trivsel.notifications.selectors import operations_sections

        from .imports.selectors import imports_operations_section

        operations_sections.add(imports_operations_section)
        figure_layouts.add(casework_layouts)
