"""What one user may see of one child and do with it: decided here, once, from the user's live
grants (kind of information × basis) and their staff roles.

The selector that fetches a child (cases.selectors.child_get_for) hands this object out as
`child.can`; views pass `need=` to it, templates show a link or a button only where it says yes,
and the services check it themselves, so a page never offers what the service would refuse and no
write relies on a view having asked (DESIGN.md §3)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from trivsel.audit.models import Basis

from .models import ConsentStatus, DataKind

# Who may change a child's record (consents, forløb, involvements, exchanges): the staff around
# the child by enrolment and the social-work side. A consent or a one-meeting exchange lets the
# recipient see, not write; that would let access widen itself.
WRITER_BASES = frozenset({Basis.ENROLMENT, Basis.STATUTORY})

# When several bases cover the same look, the access log names the first of these.
BASIS_PRIORITY = (
    Basis.YOUNG_PERSON,
    Basis.GUARDIAN,
    Basis.STATUTORY,
    Basis.ENROLMENT,
    Basis.CONSENT,
    Basis.MEETING_EXCHANGE,
)


def first_basis(bases):
    """Of several bases covering one look, the one the access log names (BASIS_PRIORITY)."""
    rank = {basis: i for i, basis in enumerate(BASIS_PRIORITY)}
    return min(bases, key=lambda basis: rank.get(basis, 99), default=None)


def exchange_roles():
    """The roles of the fields the law names for the exchange without consent (a setting)."""
    return frozenset(settings.EXCHANGE_ROLES)


def takes_part_in_exchange(roles):
    """May a professional with these staff roles take part in an exchange without consent? Only
    the fields the law names do: the one who sets it up and every participant (the engine asks
    again when it grants, so an old exchange or a changed role gives nothing outside them)."""
    return bool(set(roles or ()) & exchange_roles())


def exchange_staff():
    """takes_part_in_exchange as a filter on users (the exchange form's list of people)."""
    return Q(staff_profile__roles__overlap=sorted(exchange_roles()))


def may_ask_for_insight(bases):
    """Who may ask for insight about a child (GDPR art. 15) and download the answer, from the
    bases of their access to the child's basic data: the one place that says it. The guardians
    with custody ask through their own access, and so does a young person with their own login
    (GDPR art. 15 is the data subject's own right)."""
    return Basis.GUARDIAN in bases or Basis.YOUNG_PERSON in bases


@dataclass(frozen=True)
class ChildCapabilities:
    user_id: int
    # {(DataKind, Basis)}: what the user's live grants on this child give.
    grants: frozenset
    # The user's staff roles; empty for a guardian.
    roles: frozenset

    # --- What the user sees ----------------------------------------------------------------

    def bases(self, kind=DataKind.BASIC):
        return {basis for granted_kind, basis in self.grants if granted_kind == kind}

    @property
    def kinds(self):
        return {kind for kind, _basis in self.grants}

    def basis(self, kind=DataKind.BASIC, among=None):
        """The basis the access log names for a look of `kind` (on one of `among`), or None."""
        bases = self.bases(kind)
        if among is not None:
            bases &= set(among)
        return first_basis(bases)

    @property
    def is_staff(self):
        return bool(self.roles)

    @property
    def is_guardian(self):
        return self.basis() == Basis.GUARDIAN

    @property
    def is_young_person(self):
        """The young person themself, through their own login (cases.access._from_own_logins)."""
        return self.basis() == Basis.YOUNG_PERSON

    @property
    def is_family(self):
        """The child's own side — a guardian or the young person: the pages show them what is
        meant for the family, never the professionals' internal work."""
        return self.is_guardian or self.is_young_person

    @property
    def by_exchange_only(self):
        return self.bases() == {Basis.MEETING_EXCHANGE}

    # --- What the user may do --------------------------------------------------------------

    @property
    def writes_record(self):
        return self.is_staff and not self.is_guardian and bool(self.bases() & WRITER_BASES)

    @property
    def open_page(self):
        return DataKind.BASIC in self.kinds

    @property
    def show_cpr(self):
        return DataKind.BASIC in self.kinds

    @property
    def see_screening(self):
        return DataKind.SCREENING in self.kinds

    @property
    def record_consent(self):
        return self.writes_record

    @property
    def refer(self):
        # A referral records the parents' consent to the receiving unit: the same people send it.
        return self.record_consent

    @property
    def register_involvement(self):
        return self.writes_record

    @property
    def open_forlob(self):
        return self.writes_record

    @property
    def edit_forlob(self):
        return self.writes_record

    @property
    def record_exchange(self):
        # Only the fields the law names take part in (or set up) the exchange without consent.
        return self.writes_record and takes_part_in_exchange(self.roles)

    @property
    def prepare_handover(self):
        # The sending unit's staff: those who see the child by its enrolment.
        return self.is_staff and not self.is_guardian and Basis.ENROLMENT in self.bases()

    @property
    def plan_network_meeting(self):
        return self.writes_record

    @property
    def see_access_log(self):
        # The family's view of the log: the same allow-list for a guardian and the young person
        # (trivsel.audit.rules), so neither learns of the other's own looks.
        return self.is_family

    @property
    def write_own_view(self):
        # "Barnets/den unges egne ord" in the forløb's plan and the handovers: the young person
        # writes them themself.
        return self.is_young_person

    def gave_consent(self, consent):
        """Is the user the one who gives this consent: the guardian it names, or — for a consent
        the young person gives for themself — the young person?"""
        if self.is_young_person:
            return consent.given_by_child
        if self.is_guardian:
            return consent.guardian is not None and consent.guardian.user_id == self.user_id
        return False

    @property
    def ask_for_insight(self):
        return may_ask_for_insight(self.bases())

    def answer_consent(self, consent):
        return consent.status == ConsentStatus.AWAITING_GUARDIAN and self.gave_consent(consent)

    def withdraw_consent(self, consent):
        if consent.status not in (ConsentStatus.GIVEN, ConsentStatus.AWAITING_GUARDIAN):
            return False
        if self.is_family:
            # A guardian, or the young person, withdraws the consents they gave themselves.
            return self.gave_consent(consent)
        return self.writes_record

    def may(self, action):
        """`need=` of the selectors: the name of one of the properties above."""
        return bool(getattr(self, action))


# --- Whose screening a user reads ---------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningScope:
    """Which units' screening records of one child a user may read. A screening record (an
    agreed position, its reflection, a screening task) belongs to the unit whose round made it.
    `full_units` are the units whose records the user reads in full; `summaries_everywhere` (or
    `summary_units`: those units only) lets them read the plain-words summaries written for the
    parents, and nothing more of those records."""

    full_everywhere: bool = False
    full_units: frozenset = frozenset()
    summaries_everywhere: bool = False
    summary_units: frozenset = frozenset()

    def reads_full(self, unit_id):
        return self.full_everywhere or unit_id in self.full_units

    def reads_summary(self, unit_id):
        return (
            self.summaries_everywhere or unit_id in self.summary_units or self.reads_full(unit_id)
        )

    @property
    def is_empty(self):
        return not (
            self.full_everywhere
            or self.full_units
            or self.summaries_everywhere
            or self.summary_units
        )

    def full_q(self, unit_field):
        """The records (with `unit_field` naming their unit) the user reads in full."""
        if self.full_everywhere:
            return Q()
        return Q(**{f"{unit_field}__in": sorted(self.full_units)})

    def summary_q(self, unit_field):
        """The records whose summary for the parents the user reads (and no more of them)."""
        if self.summaries_everywhere:
            return Q()
        return Q(**{f"{unit_field}__in": sorted(self.summary_units)})

    def shown_q(self, *, kind_field="data_kind", unit_field="unit_id"):
        """The rows of a mixed list (timeline entries, tasks) to show: all but those of the
        screening kind from units the user does not read in full (a task's title tells the
        position). A screening row without a unit shows only to those who read every unit."""
        if self.full_everywhere:
            return Q()
        return ~Q(**{kind_field: DataKind.SCREENING}) | self.full_q(unit_field)


NO_SCREENING = ScreeningScope()


def screening_scope_from(sources):
    """The one place that says what each basis covers of a child's screening (DOMAIN.md §5, §6).
    `sources` holds, per live screening grant of the user, (basis, source type, the unit ids the
    grant's source names: the enrolment's unit, the exchange participants' units).

    - Enrolment: the records of the unit the child is enrolled in — the user's own unit. Another
      unit's screening reaches a new unit only through a handover the parents consented to, as
      the handover's written summary (read on the handover, never here).
    - Guardian (and the young person's own access): every unit, but the family reads only the
      summaries written for the parents (the positions and the reflections are internal,
      DOMAIN.md §6).
    - Statutory: every unit, in full: the social-work side sees what its case needs.
    - Consent naming the screening kind (not a handover's): the summaries written for the
      parents, from every unit. A consent is informed only about what the parents know, and they
      read the summaries, not the positions or the internal reflections.
    - A handover's consent: nothing here — the handover carries its own snapshot of the summary.
    - The one-meeting exchange: the summaries written for the parents by the units the
      exchange's participants work in. What is said at the meeting is said there; the system
      does not open another unit's positions and internal reflections to the table (that would
      let an exchange do what a refused handover may not). Each participant reads her own unit's
      records in full through her enrolment, as always.
    """
    full_everywhere = summaries_everywhere = False
    full_units, summary_units = set(), set()
    for basis, source_type, unit_ids in sources:
        if basis == Basis.STATUTORY:
            full_everywhere = True
        elif basis in (Basis.GUARDIAN, Basis.YOUNG_PERSON):
            summaries_everywhere = True
        elif basis == Basis.ENROLMENT:
            full_units |= set(unit_ids)
        elif basis == Basis.MEETING_EXCHANGE:
            summary_units |= set(unit_ids)
        elif basis == Basis.CONSENT and source_type == "consent":
            summaries_everywhere = True
    return ScreeningScope(
        full_everywhere=full_everywhere,
        full_units=frozenset(full_units),
        summaries_everywhere=summaries_everywhere,
        summary_units=frozenset(summary_units),
    )
