from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def clock_text(due, done_at=None):
    """ "frist om 3 timer" / "overskredet siden 2 dage" — or, when done, whether on time."""
    if due is None:
        return ""
    if done_at is not None:
        if done_at > due:
            return _("done late (%(time)s after the deadline)") % {
                "time": timesince(due, done_at, depth=1)
            }
        return _("done in time")
    now = timezone.now()
    if due >= now:
        return _("due in %(time)s") % {"time": timeuntil(due, now, depth=1)}
    return _("overdue since %(time)s") % {"time": timesince(due, now, depth=1)}
