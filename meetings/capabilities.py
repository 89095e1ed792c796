"""What one user may do with one meeting, decided once (selectors.meeting_capabilities): the
selector that fetches a meeting hands it out as `meeting.can`, the views and the templates ask it,
and every write service asks it again through selectors.meeting_require, so the meeting page never
offers what a service would refuse and no write relies on a view having asked (DESIGN.md §3)."""

from dataclasses import dataclass

# Who sees a meeting, and how much of it.
ORGANISER = "organiser"  # tovholder, chair, the one who called it, the forum's leaders
PARTICIPANT = "participant"  # staff on the participant list or in the forum (or its unit)
PARENT = "parent"  # a guardian on the list: the parents' copy only
NOBODY = ""  # may not open the meeting: may do nothing with it either


@dataclass(frozen=True)
class MeetingCapabilities:
    viewer: str
    # May read the meeting's minutes at all (the approved versions; organisers also the draft).
    # A network meeting: minutes-kind access to its child. A forum meeting: an organiser, member
    # or participant with a basis for every child on its agenda.
    read_minutes: bool
    is_forum: bool
    is_tovholder: bool = False
    # What the user's own basis for a network meeting's child lets them do with the child
    # (cases.capabilities): a meeting never widens it.
    plans_for_child: bool = False
    records_consent_for_child: bool = False
    # Staff on the network meeting's participant list.
    on_list: bool = False

    @property
    def open(self):
        return self.viewer != NOBODY

    @property
    def is_organiser(self):
        return self.viewer == ORGANISER

    @property
    def is_parent(self):
        return self.viewer == PARENT

    @property
    def read_drafts(self):
        # A draft is the organisers' working copy: participants and parents read approved ones.
        return self.is_organiser and self.read_minutes

    @property
    def write_minutes(self):
        # Writing, approving and correcting need what reading needs, and the organiser's role.
        return self.is_organiser and self.read_minutes

    @property
    def lead_minutes(self):
        """The tovholder's part of the minutes: who was present, the confirmations given at the
        meeting, the approval."""
        return self.is_tovholder and self.write_minutes

    @property
    def follow_up(self):
        """After approval: the tovholder marks actions done and the parents informed."""
        return self.is_tovholder and self.read_minutes

    @property
    def manage(self):
        """The practical side: invitations, taking people off the list. Nothing that widens who
        the meeting's information reaches."""
        return self.is_organiser

    @property
    def add_participant(self):
        # Who the parents are asked to consent to is decided by staff around the child (the
        # enrolment or the social-work side), as in cases: an organiser whose only basis is the
        # meeting's consent cannot widen it.
        return self.is_organiser and (self.is_forum or self.plans_for_child)

    @property
    def add_parents(self):
        """The child's guardians on a network meeting's list: the organisers who may add anyone,
        and the staff on the list around the child (the teacher who starts a dialogue-based
        notification invites the parents)."""
        return (
            not self.is_forum
            and self.plans_for_child
            and (self.is_organiser or self.on_list)
            and not self.is_parent
        )

    @property
    def hand_over(self):
        # The new tovholder joins the participant list: for a network meeting that widens who
        # the parents consent to, as adding a participant does.
        return self.add_participant

    @property
    def record_consent(self):
        """The parents' consent to a network meeting's purpose and participants."""
        return self.is_organiser and not self.is_forum and self.records_consent_for_child

    @property
    def see_agenda(self):
        return self.open and self.is_forum and not self.is_parent

    @property
    def submit_agenda_item(self):
        return self.see_agenda

    @property
    def submit_late(self):
        """An agenda item after the forum's deadline: the organisers decide."""
        return self.submit_agenda_item and self.is_organiser

    @property
    def see_actions(self):
        """The approved minutes' decisions and action items, and those carried over."""
        return self.read_minutes and not self.is_parent

    def may(self, action):
        """`need=` of the selectors and the services: the name of one of the properties above."""
        return bool(getattr(self, action))


NO_ACCESS = MeetingCapabilities(viewer=NOBODY, read_minutes=False, is_forum=False)
