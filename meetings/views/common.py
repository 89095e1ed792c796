"""What the meetings' pages share."""

from contextlib import contextmanager

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from trivsel.audit.services import refuse
from trivsel.web import service_errors

from .. import selectors, services


def _meeting_for(request, pk, purpose, need):
    """The meeting, if the user may do `need` with it (meetings.capabilities); else 404."""
    return selectors.meeting_get_for(request.user, pk, purpose=purpose, need=need)


def _draft_for(request, minutes_pk, purpose):
    minutes = selectors.minutes_get_for(request.user, minutes_pk, purpose=purpose)
    if not minutes.meeting.can.write_minutes:
        meeting_pk = minutes.meeting.pk
        refuse(actor=request.user, what=selectors.MEETING_SOURCE, pk=meeting_pk, purpose=purpose)
    return minutes


@contextmanager
def draft_errors(request):
    """service_errors for a change to a draft, which may have been approved (and so locked) in
    the meantime: `outcome.ok` is False then too, and the page says why."""
    with service_errors(request=request) as outcome:
        try:
            yield outcome
        except services.MinutesLocked:
            outcome.ok = False
            messages.error(request, _("The minutes are locked. Start a new version."))


def _back_to_editor(minutes, anchor=""):
    return redirect(reverse("meetings:minutes_edit", args=[minutes.meeting.pk]) + anchor)
