from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Notifications and referrals")

    def ready(self):
        # The dialogue-based notification exists from its meeting (attendance recorded) and the
        # approved minutes become its content (meetings exposes the hooks; it never imports
        # referrals).
        from meetings.services.confirmations import after_attendance_recorded
        from meetings.services.minutes import after_minutes_approved

        from .services.dialogue import attendance_recorded, minutes_approved

        after_attendance_recorded.add(attendance_recorded)
        after_minutes_approved.add(minutes_approved)

        # The insight package (cases) holds the notifications and referrals, with the exception
        # path marked and the notifiers' identities redacted.
        from cases.insight.package import insight_exception_path, insight_sections

        from .insight import on_exception_path, referrals_sections

        insight_sections.add(referrals_sections)
        insight_exception_path.add(on_exception_path)

        # The leaders' figures (/tal/) live in the platform, which cannot import referrals.
        from trivsel.figures.counting import figure_counters, figure_layouts
        from trivsel.figures.tables import figure_sections

        from .figures import notification_counts, notification_figures, notification_layouts

        figure_sections.add(notification_figures)
        figure_counters.add(notification_counts)
        figure_layouts.add(notification_layouts)

        # Mit overblik (cases) lists the notifications sent, the intake's queue and deadlines.
        from cases.worklist import work_list_sections

        from .worklist import SECTIONS

        for section in SECTIONS:
            work_list_sections.add(section)

        # A closing day added, changed or removed in the admin moves the receipt deadlines still
        # running (organisation knows nothing of referrals; referrals listens).
        from django.db.models.signals import post_delete, post_save

        from trivsel.organisation.models import ClosedDay

        post_save.connect(closed_day_changed, sender=ClosedDay, dispatch_uid="referrals.closed")
        post_delete.connect(
            closed_day_changed, sender=ClosedDay, dispatch_uid="referrals.closed_removed"
        )


def closed_day_changed(sender, instance, raw=False, **kwargs):
    if raw:  # loading a fixture
        return
    from .services.receipts import receipt_deadlines_refresh

    receipt_deadlines_refresh(instance.municipality_id)
