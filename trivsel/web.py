"""What the views of every app share: who may open staff pages, and how a service's refusal
reaches the person (DESIGN.md §7: thin views, services decide)."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404


def staff_only(user):
    """Pages for professionals: a guardian gets the same 404 as for anything else not theirs."""
    if user.staff_profile_or_none is None:
        raise Http404


def errors_onto_form(form, error):
    """Put a service's ValidationError on the form, field by field where it names fields, so
    nothing typed is lost."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceOutcome:
    ok = True


@contextmanager
def service_errors(*, form=None, request=None):
    """Run a service call inside `with service_errors(form=…) as outcome:`. A PermissionDenied
    becomes the same 404 as anything not the user's; a ValidationError goes onto the form (or,
    without one, into the page's messages) and `outcome.ok` is False afterwards."""
    outcome = ServiceOutcome()
    try:
        yield outcome
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        outcome.ok = False
        if form is not None:
            errors_onto_form(form, error)
        else:
            messages.error(request, " ".join(error.messages))
