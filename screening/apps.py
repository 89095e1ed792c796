from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Screening")

    def ready(self):
        # A handover (cases) may attach the latest joint assessment; cases cannot import
        # screening, so screening tells it how.
        from cases.handovers.services import screening_summary_provider

        from .selectors import handover_summary

        screening_summary_provider.add(handover_summary)

        # The insight package (cases) holds the child's marks and joint assessments.
        from cases.insight.package import insight_sections

        from .insight import screening_sections

        insight_sections.add(screening_sections)

        # The leaders' figures (/tal/) live in the platform, which cannot import screening.
        from trivsel.figures.counting import figure_counters, figure_layouts
        from trivsel.figures.tables import figure_sections

        from .figures import screening_counts, screening_figures, screening_layouts

        figure_sections.add(screening_figures)
        figure_counters.add(screening_counts)
        figure_layouts.add(screening_layouts)

        # Mit overblik (cases) lists the marks a rater owes and the rounds a leader runs.
        from cases.worklist import work_list_sections

        from .worklist import SECTIONS

        for section in SECTIONS:
            work_list_sections.add(section)
