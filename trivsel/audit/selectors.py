from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.extension_points import ExtensionPoint
from trivsel.organisation.selectors import leads_units, may_see_data_protection

from .models import AccessLogEntry, Action, Basis, LogAlert, LookupSample, SampledLookup
from .services import get_or_refuse, refuse


def can_browse_access_log(user):
    # One of the data-protection pages: the administrators and the data-protection officer.
    return may_see_data_protection(user)


def access_log_list_visible_to(user, *, action="", basis="", actor="", since=None, until=None):
    """Access-log entries of the user's own municipality, for its administrators and its
    data-protection officer only."""
    if not can_browse_access_log(user):
        raise PermissionDenied
    entries = AccessLogEntry.objects.filter(municipality_id=user.municipality_id).select_related(
        "actor"
    )
    if action:
        entries = entries.filter(action=action)
    if basis:
        entries = entries.filter(basis=basis)
    if actor:
        entries = entries.filter(actor__username__iexact=actor)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries


def access_log_for_guardian(*, child_id):
    """Look-ups on one child as a guardian sees them: when, what and why — not who
    (Datatilsynet's practice), and only what trivsel.audit.rules let them know. The caller has
    checked the guardian's basis."""
    return AccessLogEntry.objects.filter(
        child_id=child_id, guardian_visible_from__lte=timezone.now()
    ).only("at", "action", "basis", "purpose")


def privilege_changes_of(user):
    """The changes of one person's roles and access (trivsel.audit.services
    .privilege_change_record), newest first, for the administrators of their municipality."""
    return AccessLogEntry.objects.filter(
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        action=Action.CHANGE,
        basis=Basis.ADMINISTRATION,
    ).select_related("actor")


# --- The log review (Datatilsynet's catalogue: the log is reviewed by sample) -----------------

# How the log review names a child without importing the apps that hold children (cases adds
# the one function, in its AppConfig.ready()):
#
#     function(user, child_ids, *, purpose) -> {child id: name}
#
# giving only the children the user may see through the access engine, and logging that look.
review_child_names = ExtensionPoint("children named in the log review", single=True)

REVIEW_PAGE_SIZE = 50


class ReviewedLookup:
    """A sampled look-up as its reviewer may see it.

    What a leader may know of her own staff's work: who looked up, when, what they did, for what
    purpose and on what basis — that is what she is asked to judge. Which child it was she may
    only learn where she could look the child up herself (the access engine, asked through
    review_child_names, and logged as her look): a leader of a kindergarten must not learn from
    the review that her pædagog, who is also on the SSP team, looked up a named teenager, nor
    which child a notification concerns. Elsewhere the child is a masked reference, the number
    of the access-log entry, which the data-protection officer and the administrators can follow
    in the access log if an answer calls for it. The entry's free-text detail (a search term) and
    the kind of record looked up are never shown: they could name or point out the child.

    The data-protection officer sees every sample of the municipality the same way, never a
    child's name: she reviews the review, and asks the leader or opens the log to go further."""

    def __init__(self, lookup, *, child_name=None, leader=None):
        self.lookup = lookup
        self.entry = lookup.entry
        self.child_name = child_name
        # A leader does not judge her own look-ups: another leader of the unit does, or the
        # data-protection officer sees them unanswered.
        self.own = leader is not None and lookup.entry.actor_id == leader.pk
        self.may_answer = leader is not None and not self.own and lookup.answered_at is None

    @property
    def reference(self):
        return self.entry.pk

    def __getattr__(self, name):
        return getattr(self.lookup, name)


def _reviewed_lookups():
    return SampledLookup.objects.select_related(
        "entry__actor", "sample__unit", "answered_by"
    ).order_by("-sample__week", "sample__unit__name", "entry__at", "pk")


def sampled_lookups_for_leader(user, *, answered):
    """The sampled look-ups of the units the user leads (none for anyone else), unanswered or
    answered, each a ReviewedLookup: the children she may see named, the rest masked."""
    lookups = _reviewed_lookups().filter(
        sample__unit__in=leads_units(user),
        sample__municipality_id=user.municipality_id,
        answered_at__isnull=not answered,
    )
    return lookups


def reviewed(user, lookups, *, as_leader):
    """The look-ups as `user` may see them (ReviewedLookup). `as_leader`: she is asked about
    them, and the children she may see are named (review_child_names, which logs the look);
    otherwise (the data-protection officer) no child is named and nothing is answered."""
    lookups = list(lookups)
    names = {}
    if as_leader and lookups:
        child_ids = sorted({lookup.entry.child_id for lookup in lookups})
        names = review_child_names.call_one(user, child_ids, purpose=_("Log review")) or {}
    return [
        ReviewedLookup(
            lookup,
            child_name=names.get(lookup.entry.child_id),
            leader=user if as_leader else None,
        )
        for lookup in lookups
    ]


def sampled_lookup_get_for(user, pk):
    """One sampled look-up of a unit the user leads, or a logged 404 (missing and forbidden
    alike)."""
    lookups = _reviewed_lookups().filter(
        sample__unit__in=leads_units(user), sample__municipality_id=user.municipality_id
    )
    return get_or_refuse(lookups, pk, actor=user, purpose=_("Log review"))


def data_protection_require(user, *, purpose):
    """The data-protection pages answer 404 (logged) to everyone but those who may see them."""
    if not may_see_data_protection(user):
        refuse(actor=user, what="audit.data_protection", pk="", purpose=purpose)


def sampled_lookups_of_municipality(user, *, state="", week=None):
    """Every sampled look-up of the user's municipality (the data-protection officer's view),
    the newest week first; `state` "open", "yes" or "no" narrows it."""
    data_protection_require(user, purpose=_("Log review"))
    lookups = _reviewed_lookups().filter(sample__municipality_id=user.municipality_id)
    if state == "open":
        lookups = lookups.filter(answered_at__isnull=True)
    elif state in ("yes", "no"):
        lookups = lookups.filter(part_of_work=state == "yes")
    if week:
        lookups = lookups.filter(sample__week=week)
    return lookups


def log_review_counts(user):
    """{unanswered, answered, no} over the municipality's samples, and the alerts of the last
    30 days, for the data-protection page and Mit overblik: two queries."""
    counts = SampledLookup.objects.filter(sample__municipality_id=user.municipality_id).aggregate(
        unanswered=Count("pk", filter=Q(answered_at__isnull=True)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        no=Count("pk", filter=Q(part_of_work=False)),
    )
    counts["alerts"] = LogAlert.objects.filter(
        municipality_id=user.municipality_id,
        created_at__gte=timezone.now() - timedelta(days=30),
    ).count()
    return counts


def log_alerts_of_municipality(user):
    data_protection_require(user, purpose=_("Log alerts"))
    return LogAlert.objects.filter(municipality_id=user.municipality_id).select_related("actor")


def sample_weeks_of_municipality(user):
    return (
        LookupSample.objects.filter(municipality_id=user.municipality_id)
        .order_by("-week")
        .values_list("week", flat=True)
        .distinct()[:26]
    )
