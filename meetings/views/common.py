"""What the meetings' pages share."""

from contextlib import contextmanager

from django.contrib import messages
from django.shortcuts import redirect, render
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
def draft_errors(*, request):
    """service_errors for a change to a draft, which may have been approved (and so locked) in
    the meantime: `outcome.ok` is False then too, and the page says why."""
    with service_errors(request=request) as outcome:
        try:
            yield outcome
        except services.MinutesLocked:
            outcome.ok = False
            messages.error(request, _("The minutes are locked. Start a new version."))


def _post_form(request, form, call, *, done, invalid, errors=service_errors):
    """A small form posted from a page that answers with a redirect: `call` gets the form's
    data; the service's refusal (through `errors`), the form's problems (`invalid`: a message,
    or a function of the form) or `done` becomes the page's message. True if it was done."""
    if not form.is_valid():
        messages.error(request, invalid(form) if callable(invalid) else invalid)
        return False
    with errors(request=request) as outcome:
        call(**form.cleaned_data)
    if outcome.ok:
        messages.success(request, done)
    return outcome.ok


def _form_page(request, form, *, heading, back, intro=""):
    """A page of one form (templates/form_page.html), with a link back."""
    return render(
        request, "form_page.html", {"form": form, "heading": heading, "back": back, "intro": intro}
    )


def _back_to_editor(minutes, anchor=""):
    return redirect(reverse("meetings:minutes_edit", args=[minutes.meeting.pk]) + anchor)
