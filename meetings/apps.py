from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # A meeting's entries on the child's timeline, its consent and the tasks for its action
        # items are seen by those who may see the meeting (a guardian: the meetings they take
        # part in); cases cannot import meetings, so meetings tells it how.
        from cases.selectors import (
            consent_rule_register,
            task_rule_register,
            timeline_rule_register,
        )

        from .selectors import consents_hidden_from, tasks_hidden_from, timeline_hidden_from

        timeline_rule_register(timeline_hidden_from)
        consent_rule_register(consents_hidden_from)
        task_rule_register(tasks_hidden_from)
