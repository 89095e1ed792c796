"""A citizen's notification from the public page (no login)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import access_log_record

from ..models import Channel, Notifier, PublicFormUse, Route
from ..selectors import PUBLIC_RATE_WINDOW
from .common import _create


@transaction.atomic
def underretning_submit_public(
    *,
    municipality,
    anonymous,
    category,
    text,
    client="",
    name="",
    email="",
    phone="",
    child_name="",
    child_cpr="",
    child_address="",
    suspected_violence=False,
):
    """A citizen's notification from the public page (no login). Never matched to a child here:
    only the intake staff do that. `client` (a keyed hash of the connection's address) counts
    towards the form's rate limit, apart from the notification."""
    now = timezone.now()
    PublicFormUse.objects.filter(at__lt=now - PUBLIC_RATE_WINDOW).delete()
    PublicFormUse.objects.create(municipality=municipality, client=client, at=now)
    underretning = _create(
        municipality=municipality,
        route=Route.CLASSIC,
        notifier_kind=Notifier.ANONYMOUS if anonymous else Notifier.CITIZEN,
        channel=Channel.PUBLIC_FORM,
        category=category,
        child_name_given=child_name.strip(),
        child_cpr_given=child_cpr.strip(),
        child_address_given=child_address.strip(),
        text=text.strip(),
        suspected_violence=suspected_violence,
        notifier_name="" if anonymous else name.strip(),
        notifier_email="" if anonymous else email.strip(),
        notifier_phone="" if anonymous else phone.strip(),
    )
    access_log_record(
        actor=None,
        action=Action.CREATE,
        basis=Basis.STATUTORY,
        obj=underretning,
        purpose=_("Public notification form"),
        topic=Topic.SOCIAL_WORK,
    )
    return underretning
