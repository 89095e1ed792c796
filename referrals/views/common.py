"""What the referrals' pages share."""

from django.contrib import messages
from django.http import Http404

from trivsel.web import service_errors

from ..selectors import is_social_work


def social_work_only(user):
    """The intake's pages: for the social-work side, the same 404 as anything else for others."""
    if not is_social_work(user):
        raise Http404


def form_submit(request, form, service, *, done, **arguments):
    """A posted, valid form's data go to the service (with the user as actor and `arguments`);
    what it returns comes back, and `done` is shown. None while the form is to be shown (again):
    not posted, not valid, or refused by the service, whose reasons are then on the form, so
    nothing typed is lost."""
    if request.method != "POST" or not form.is_valid():
        return None
    with service_errors(form=form) as outcome:
        result = service(actor=request.user, **arguments, **form.cleaned_data)
    if not outcome.ok:
        return None
    messages.success(request, done)
    return result
