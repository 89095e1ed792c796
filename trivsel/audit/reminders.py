"""The log review's notifications (trivsel.notifications.clocks): their titles, so the row holds
no text of its own. Imported at start-up with every app's reminders.py."""

from django.utils.translation import gettext_lazy as _

from trivsel.notifications.clocks import register_event

from .patterns import ALERT_KIND

register_event(ALERT_KIND, _("An unusual pattern in the access log."))
