from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # A meeting's entries on the child's timeline, its consent and the tasks for its action
        # items are seen by those who may see the meeting (a guardian: the meetings they take
        # part in); cases cannot import meetings, so meetings tells it how.
        from cases.selectors import consent_rules, task_rules, timeline_rules

        from .selectors import consents_hidden_from, tasks_hidden_from, timeline_hidden_from

        timeline_rules.add(timeline_hidden_from)
        consent_rules.add(consents_hidden_from)
        task_rules.add(tasks_hidden_from)

        # The insight package (cases) holds the child's meetings and minutes.
        from cases.insight.package import insight_sections

        from .insight import meetings_sections

        insight_sections.add(meetings_sections)

        # The leaders' figures (/tal/) live in the platform, which cannot import the apps.
        from trivsel.figures.counting import figure_counters, figure_layouts
        from trivsel.figures.tables import figure_sections

        from .figures import meeting_counts, meeting_figures, meeting_layouts

        figure_sections.add(meeting_figures)
        figure_counters.add(meeting_counts)
        figure_layouts.add(meeting_layouts)

        # Mit overblik (cases) lists the meetings and minutes that wait for the user.
        from cases.worklist import work_list_sections

        from .worklist import SECTIONS

        for section in SECTIONS:
            work_list_sections.add(section)
