"""Whom and what a form offers: tovholders, forum members, children."""

from cases.capabilities import WRITER_BASES
from cases.models import Child
from cases.selectors import (
    child_list_visible_to,
)
from trivsel.organisation.selectors import staff_choices


def forum_member_choices(forum):
    """Who may be a forum meeting's tovholder or chair: the forum's active members."""
    return forum.members.filter(is_active=True).order_by("first_name", "last_name")


def tovholder_choices(user, meeting):
    """Who the tovholder role may be handed to: a forum's members, or for a network meeting the
    staff of the municipality."""
    if meeting.forum_id:
        return forum_member_choices(meeting.forum)
    return staff_choices(user)


def _choosable(children, limit):
    # A choice list that still validates with .get(): the first `limit` by name, by subquery.
    first = children.order_by("first_name", "last_name").values("pk")[:limit]
    return Child.objects.filter(pk__in=first).order_by("first_name", "last_name")


def children_for_network_meeting(user, limit=500):
    """Children the user may call a network meeting about: by enrolment or statutory basis."""
    return _choosable(child_list_visible_to(user, bases=WRITER_BASES), limit)


def child_list_for_agenda(user, limit=500):
    return _choosable(child_list_visible_to(user), limit)
