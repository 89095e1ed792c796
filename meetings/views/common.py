"""What the meetings' pages share."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from .. import selectors


def _staff_only(user):
    if user.staff_profile_or_none is None:
        raise Http404


def _errors_onto(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _meeting_for(request, pk, purpose, need):
    """The meeting, if the user may do `need` with it (meetings.capabilities); else 404."""
    return selectors.meeting_get_for(request.user, pk, purpose=purpose, need=need)


def _draft_for(request, minutes_pk, purpose):
    minutes = selectors.minutes_get_for(request.user, minutes_pk, purpose=purpose)
    if not minutes.meeting.can.write_minutes:
        selectors.deny(request.user, minutes.meeting.pk, purpose)
    return minutes


def _back_to_editor(minutes, anchor=""):
    return redirect(reverse("meetings:minutes_edit", args=[minutes.meeting.pk]) + anchor)
