"""Reads of transition handovers (DOMAIN.md §7). Like every read of a child's data they fetch and
authorize in one step, answer 404 for missing and forbidden alike, and write the access log."""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Basis, Topic
from trivsel.audit.services import get_or_refuse, refuse
from trivsel.organisation.models import UnitType
from trivsel.organisation.selectors import leads_unit, own_unit_ids, own_units

from ..models import (
    DataKind,
    Handover,
    HandoverSeasonEvaluation,
    TransitionType,
    consent_default_end,
)
from ..selectors import (
    access_log_children,
    child_bases_for,
    child_get_for,
    child_list_visible_to,
    current_enrolments,
)
from .capabilities import HandoverCapabilities

# How far ahead the list of upcoming transitions looks.
UPCOMING_DAYS = 180
# Danish school start: in August of the year the child turns six.
SCHOOL_START_AGE = 6
EARLY_YEARS_UNITS = (
    UnitType.CHILDMINDING,
    UnitType.NURSERY,
    UnitType.KINDERGARTEN,
    UnitType.INTEGRATED,
)


def _handover_side(user, handover, unit_ids):
    """Which side of the handover the user is on: the kind of information and the bases that
    let them read it. The receiver reads only once it is sent, and only what the consent
    covers (the grant); the sender reads it while the child is theirs and in the follow-up."""
    if handover.sending_unit_id in unit_ids:
        enrolled = child_bases_for(
            user, [handover.child_id], kind=DataKind.BASIC, bases=[Basis.ENROLMENT]
        )
        if enrolled:
            return DataKind.BASIC, [Basis.ENROLMENT]
        return DataKind.HANDOVER, [Basis.CONSENT]
    if handover.receiving_unit_id in unit_ids and handover.sent_at:
        return DataKind.HANDOVER, [Basis.CONSENT]
    if handover.consent_id is None:
        # A draft is the professional's own work until the parents are asked.
        return DataKind.HANDOVER, [Basis.STATUTORY]
    return DataKind.HANDOVER, [Basis.GUARDIAN, Basis.YOUNG_PERSON, Basis.STATUTORY]


def is_handover_sender(user, child_id, sending_unit_id):
    """Only the staff of the unit the child is enrolled in prepare and send its handover."""
    return (
        sending_unit_id in own_unit_ids(user)
        and current_enrolments().filter(child_id=child_id, unit_id=sending_unit_id).exists()
    )


def handover_capabilities(user, handover):
    """What the user may do with the handover (.capabilities.HandoverCapabilities)."""
    consent = handover.consent
    return HandoverCapabilities(
        state=handover.state,
        is_sender=is_handover_sender(user, handover.child_id, handover.sending_unit_id),
        leads_receiver=handover.sent_at is not None
        and leads_unit(user, handover.receiving_unit_id),
        is_asked_guardian=consent is not None
        and consent.guardian is not None
        and consent.guardian.user_id == user.pk,
        is_young_person=bool(
            child_bases_for(user, [handover.child_id], bases=[Basis.YOUNG_PERSON])
        ),
    )


# The parents' consent to a handover lasts this long after the transition (the receiver's first
# months), within the maximum period of a consent.
HANDOVER_CONSENT_DAYS_AFTER = 180


def handover_consent_default_end(handover, *, today=None):
    """The form's suggestion: half a year after the transition, cut to the maximum period."""
    today = today or timezone.localdate()
    after_the_transition = (handover.transition_date - today).days + HANDOVER_CONSENT_DAYS_AFTER
    return max(today, consent_default_end(today, days=after_the_transition))


def handover_get_for(user, pk, *, purpose, need=None):
    """The handover with its child (carrying `access_basis`) and `can` (what the user may do with
    it), or 404 for missing and forbidden alike — also when the user may not do `need`; the look
    is logged."""
    handover = get_or_refuse(
        Handover.objects.select_related(
            "consent__guardian",
            "sending_unit",
            "receiving_unit",
            "sending_group",
            "created_by",
            "acknowledged_by",
            "sent_by",
        ).filter(child__municipality_id=user.municipality_id),
        pk,
        actor=user,
        purpose=purpose,
    )
    kind, bases = _handover_side(user, handover, own_unit_ids(user))
    handover.child = child_get_for(
        user, handover.child_id, kind=kind, bases=bases, purpose=purpose, topic=Topic.HANDOVER
    )
    handover.can = handover_capabilities(user, handover)
    if need is not None and not handover.can.may(need):
        refuse(actor=user, what="cases.handover", pk=pk, purpose=purpose)
    return handover


def handovers_of_child_visible_to(user, child):
    """The handovers on the child's page: each one the user is a party to (or all, for the
    guardian, the young person and the social-work side). The caller has fetched the child."""
    handovers = child.handovers.select_related("sending_unit", "receiving_unit", "consent")
    if child.access_basis in (Basis.GUARDIAN, Basis.YOUNG_PERSON, Basis.STATUTORY):
        return handovers.exclude(consent__isnull=True, sent_at__isnull=True)
    # The user's units as a subquery: one query for the whole list.
    my_units = own_units(user).values("pk")
    return handovers.filter(
        Q(sending_unit__in=my_units) | Q(receiving_unit__in=my_units, sent_at__isnull=False)
    )


def handover_list_for_units(user):
    """(sent, received): the handovers of the user's units, newest first. Only names of
    children the user may still see are shown; the rest are counted by the page's query."""
    unit_ids = own_unit_ids(user)
    base = Handover.objects.filter(
        child__municipality_id=user.municipality_id, cancelled_at__isnull=True
    ).select_related("child", "sending_unit", "receiving_unit", "consent")
    sent = list(
        base.filter(sending_unit__in=unit_ids).filter(
            child__in=child_list_visible_to(user, kind=DataKind.HANDOVER)
            | child_list_visible_to(user, kind=DataKind.BASIC, bases=[Basis.ENROLMENT])
        )[:200]
    )
    received = list(
        base.filter(receiving_unit__in=unit_ids, sent_at__isnull=False).filter(
            child__in=child_list_visible_to(user, kind=DataKind.HANDOVER)
        )[:200]
    )
    access_log_children(
        user,
        {h.child_id: h.child for h in sent + received}.values(),
        purpose=_("Handovers of my units"),
        kind=DataKind.BASIC,
        topic=Topic.HANDOVER,
    )
    return sent, received


def upcoming_transitions(user, *, today=None):
    """Children of the user's units who approach a transition within UPCOMING_DAYS: school
    start, the end of their time in the unit, the 18th birthday. One row per child and reason,
    soonest first; the children are logged as one look."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=UPCOMING_DAYS)
    unit_ids = own_unit_ids(user)
    enrolments = list(
        current_enrolments()
        .filter(unit__in=unit_ids, child__in=child_list_visible_to(user))
        .select_related("child", "unit", "group")
        .order_by("child__first_name", "child__last_name")
    )
    rows = []
    for enrolment in enrolments:
        child = enrolment.child
        school_start = date(child.birth_date.year + SCHOOL_START_AGE, 8, 1)
        if enrolment.unit.type in EARLY_YEARS_UNITS and today <= school_start <= horizon:
            rows.append((school_start, _("School start"), enrolment))
        if enrolment.end and enrolment.end <= horizon:
            rows.append((enrolment.end, _("Leaves the unit"), enrolment))
        try:
            eighteen = child.birth_date.replace(year=child.birth_date.year + 18)
        except ValueError:  # born 29 February
            eighteen = date(child.birth_date.year + 18, 3, 1)
        if today <= eighteen <= horizon:
            rows.append((eighteen, _("Turns 18: support must not stop abruptly"), enrolment))
    rows.sort(key=lambda row: (row[0], row[2].child.first_name))
    access_log_children(
        user,
        {e.child_id: e.child for _day, _reason, e in rows}.values(),
        purpose=_("Upcoming transitions"),
        topic=Topic.DAILY_CARE,
    )
    return rows


def season_of(day):
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def season_bounds(season):
    year, half = int(season[:4]), season[-1]
    if half == "1":
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def season_overview(user, season):
    """For the leaders: the season's handovers sent from or received by their units, counted per
    transition (no child named), with the evaluation written for each."""
    start, end = season_bounds(season)
    unit_ids = own_unit_ids(user)
    counts = (
        Handover.objects.filter(
            child__municipality_id=user.municipality_id,
            cancelled_at__isnull=True,
            transition_date__range=(start, end),
        )
        .filter(Q(sending_unit__in=unit_ids) | Q(receiving_unit__in=unit_ids))
        .values("transition")
        .annotate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            refused=Count("pk", filter=Q(consent__status="refused", sent_at__isnull=True)),
            evaluations=Count("pk", filter=Q(evaluation_needed=True)),
        )
        .order_by("transition")
    )
    evaluations = {
        e.transition: e
        for e in HandoverSeasonEvaluation.objects.filter(
            municipality_id=user.municipality_id, season=season
        ).select_related("written_by")
    }
    return [
        {
            **row,
            "label": TransitionType(row["transition"]).label,
            "evaluation": evaluations.get(row["transition"]),
        }
        for row in counts
    ]
