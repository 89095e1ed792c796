"""What one user may do with one transition handover: decided here, once, from who the user is
to the handover and the state it is in (the pattern of cases.capabilities, DESIGN.md §3)."""

from dataclasses import dataclass

from trivsel.organisation.models import LEADER_ROLES

from ..models import HandoverState

# A handover can be edited, or its parents asked, until it is sent (or cancelled).
HANDOVER_OPEN_STATES = frozenset(
    {
        HandoverState.DRAFT,
        HandoverState.AWAITING_CONSENT,
        HandoverState.REFUSED,
        HandoverState.READY,
    }
)


@dataclass(frozen=True)
class HandoverCapabilities:
    """What one user may do with one handover (cases.handovers.selectors.handover_get_for hands it
    out as `handover.can`). Who the user is to the handover decides what she may do; its state
    decides when. The services check the first themselves and answer the second with a Danish
    message."""

    state: str
    # Staff of the sending unit, where the child is still enrolled.
    is_sender: bool
    # A leader of the receiving unit, once the handover is sent.
    leads_receiver: bool
    # The guardian whose consent the handover asks for.
    is_asked_guardian: bool
    # The young person themself, through their own login.
    is_young_person: bool = False

    @property
    def edit(self):
        return self.is_sender and self.state in HANDOVER_OPEN_STATES

    @property
    def ask_consent(self):
        return self.is_sender and self.state in (HandoverState.DRAFT, HandoverState.REFUSED)

    @property
    def send(self):
        return self.is_sender and self.state == HandoverState.READY

    @property
    def cancel(self):
        return self.edit

    @property
    def acknowledge(self):
        return self.leads_receiver and self.state == HandoverState.SENT

    @property
    def enrol(self):
        return self.leads_receiver and self.state == HandoverState.ACKNOWLEDGED

    @property
    def answer(self):
        return self.is_asked_guardian and self.state == HandoverState.AWAITING_CONSENT

    @property
    def write_own_view(self):
        # Their own words go with the handover: they can change them until it is sent. A draft
        # not yet put to the parents is the professional's own work (not shown to the family).
        return self.is_young_person and self.state in (HANDOVER_OPEN_STATES - {HandoverState.DRAFT})

    def may(self, action):
        return bool(getattr(self, action))


def may_evaluate_handover_seasons(user):
    """The leaders evaluate each transition season together (DOMAIN.md §7)."""
    profile = user.staff_profile_or_none if user.is_authenticated else None
    return profile is not None and profile.has_role(*LEADER_ROLES)
