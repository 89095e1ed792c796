"""What a child's guardians may see of the access log (DOMAIN.md §5): an allow-list, decided here
once, when an entry is written.

Guardians see look-ups made for day-to-day work on the child's enrolment, for sharing under a
consent, for meetings and handovers, and — once the meeting is over — for the exchange at one
meeting without consent. Nothing on the social-work side, about a notification or a referral to
the social-work side, from a statutory look-up, or from a refused look ever shows there: in the
exception path the parents must not learn of a notification first. An entry written without a
topic is internal; new code is hidden from guardians until someone decides otherwise here."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from trivsel.organisation.models import SOCIAL_WORK_ROLES

from .models import Basis, Topic

GUARDIAN_TOPICS = frozenset(
    {Topic.DAILY_CARE, Topic.CONSENT, Topic.MEETING, Topic.HANDOVER, Topic.EXCHANGE}
)
# The bases a guardian is told of. Not statutory (the social-work side), not their own look-ups,
# not administration, not SSP, not refused looks.
GUARDIAN_BASES = frozenset({Basis.ENROLMENT, Basis.CONSENT, Basis.MEETING_EXCHANGE})


def _next_midnight(at):
    day = timezone.localtime(at).date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))


def is_on_the_social_work_side(actor):
    """A socialrådgiver or teamleder: whatever they look at, on whatever basis (a consent naming
    them, a network meeting), tells that the social-work side is involved."""
    profile = getattr(actor, "staff_profile_or_none", None)
    return profile is not None and profile.has_role(*SOCIAL_WORK_ROLES)


def guardian_visible_from(*, topic, basis, at, not_before=None, by_social_work=False):
    """When the guardians may see an entry written at `at`, or None for never. Never a look by the
    social-work side (`by_social_work`). An exchange without consent shows once its meeting is
    over: from the midnight after the look at the earliest, and not before `not_before` (the end
    of the meeting day, for the exchange's own record)."""
    if by_social_work or topic not in GUARDIAN_TOPICS or basis not in GUARDIAN_BASES:
        return None
    if topic == Topic.EXCHANGE or basis == Basis.MEETING_EXCHANGE:
        at = max(_next_midnight(at), not_before or at)
    return at
