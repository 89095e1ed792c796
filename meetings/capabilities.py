"""What one user may do with one meeting, decided once by the selector that fetched it
(selectors.meeting_get_for hands it out as `meeting.can`). The views and the templates ask it, so
the meeting page never offers a link that would answer 404 to the person it is shown to
(DESIGN.md §3)."""

from dataclasses import dataclass

# Who sees a meeting, and how much of it.
ORGANISER = "organiser"  # tovholder, chair, the one who called it, the forum's leaders
PARTICIPANT = "participant"  # staff on the participant list or in the forum (or its unit)
PARENT = "parent"  # a guardian on the list: the parents' copy only


@dataclass(frozen=True)
class MeetingCapabilities:
    viewer: str
    # May read the meeting's minutes at all (the approved versions; organisers also the draft).
    # A network meeting: minutes-kind access to its child. A forum meeting: an organiser, member
    # or participant with a basis for every child on its agenda.
    read_minutes: bool
    is_forum: bool

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
    def manage(self):
        """Participants, consent, invitations, the tovholder role."""
        return self.is_organiser

    @property
    def see_agenda(self):
        return self.is_forum and not self.is_parent

    @property
    def submit_agenda_item(self):
        return self.see_agenda

    @property
    def see_actions(self):
        """The approved minutes' decisions and action items, and those carried over."""
        return self.read_minutes and not self.is_parent
