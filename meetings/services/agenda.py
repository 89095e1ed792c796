"""A forum meeting's agenda: the parents' consent to discussing a child in the forum, and the
items submitted to the agenda."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    Child,
    DataKind,
    TimelineKind,
)
from cases.selectors import child_require
from cases.services import consent_record, timeline_add
from trivsel.audit.models import Action
from trivsel.identifying import identifying_problems
from trivsel.organisation.models import Group

from ..models import (
    AgendaItem,
    AgendaKind,
    ForumConsent,
)
from ..rules import agenda_basis
from ..selectors import (
    MEETING_SOURCE,
    meeting_require,
)
from .common import NeedsConfirmation, _day, _log

# --- Agenda -------------------------------------------------------------------------------------


def _theme_warnings(meeting, text):
    # A theme is general: the platform's rules for what identifies a person, line by line.
    return identifying_problems(
        *text.splitlines(),
        someone_named=lambda words: Child.objects.filter(
            municipality_id=meeting.municipality_id, first_name__in=words
        ).exists(),
    )


# What a forum consent covers: discussing the child's basic situation in the forum.
FORUM_CONSENT_KINDS = [DataKind.BASIC]


@transaction.atomic
def forum_consent_record(
    *,
    actor,
    forum,
    child,
    guardian,
    valid_until,
    purpose="",
    paper=True,
    paper_date=None,
    refused=False,
):
    """The parents' consent to discussing their child in this forum, naming its members. Staff
    around the child record it (enrolment or statutory, as in cases); it is then a basis for
    this forum's agenda and for no other meeting."""
    if not forum.takes_named_children:
        raise ValidationError(_("This forum discusses general topics only, never a named child."))
    if child.municipality_id != forum.municipality_id:
        raise ValidationError(_("Only children of the forum's municipality."))
    child_require(actor, child, "record_consent")
    members = list(forum.members.filter(is_active=True))
    if not members:
        raise ValidationError(_("The forum has no members to consent to yet."))
    text = _("Discussing the child in %(forum)s (members: %(names)s).") % {
        "forum": forum.name,
        "names": ", ".join(m.get_full_name() or m.username for m in members),
    }
    if (purpose or "").strip():
        text = f"{text} {purpose.strip()}"
    consent = consent_record(
        actor=actor,
        child=child,
        guardian=guardian,
        kinds=FORUM_CONSENT_KINDS,
        people=members,
        purpose=text,
        valid_from=timezone.localdate(),
        valid_until=valid_until,
        paper=paper,
        paper_date=paper_date,
        refused=refused,
    )
    ForumConsent.objects.create(forum=forum, consent=consent)
    return consent


@transaction.atomic
def agenda_item_add(
    *,
    actor,
    meeting,
    kind,
    title,
    description="",
    child=None,
    group=None,
    confirmed=False,
):
    """An item on a forum meeting's agenda, by someone who may submit to the forum; an item about
    a named child also needs the submitter's own basis for the child, and the forum's basis for
    discussing it (agenda_basis). After the deadline only the organisers add items."""
    if meeting.forum_id is None:
        raise ValidationError(_("A network meeting's agenda is its purpose."))
    can = meeting_require(actor, meeting, "submit_agenda_item")
    deadline = timezone.localdate(meeting.starts_at) - timedelta(
        days=meeting.forum.agenda_deadline_days
    )
    if timezone.localdate() > deadline and not can.submit_late:
        raise ValidationError(
            _(
                "The deadline for this meeting's agenda was %(date)s. Ask the leader, or choose a"
                " later meeting."
            )
            % {"date": deadline.strftime("%d.%m.%Y")}
        )
    basis = {}
    if kind == AgendaKind.CHILD:
        if child is None:
            raise ValidationError({"child": _("Choose the child.")})
        child_require(actor, child, "open_page")
        basis = agenda_basis(meeting, child)
        group = None
    elif kind == AgendaKind.CLASS:
        if (
            group is None
            or not Group.objects.filter(
                pk=group.pk, unit__municipality_id=meeting.municipality_id
            ).exists()
        ):
            raise ValidationError({"group": _("Choose the class or group.")})
        child = None
    elif kind == AgendaKind.THEME:
        child = group = None
        warnings = _theme_warnings(meeting, f"{title}\n{description}")
        if warnings and not confirmed:
            raise NeedsConfirmation(warnings)
    else:
        raise ValidationError({"kind": _("Choose what the item is about.")})
    item = AgendaItem.objects.create(
        meeting=meeting,
        kind=kind,
        child=child,
        group=group,
        title=title.strip(),
        description=description.strip(),
        submitted_by=actor,
        **basis,
    )
    if child is not None:
        timeline_add(
            child=child,
            kind=TimelineKind.MEETING,
            data_kind=DataKind.BASIC,
            actor=actor,
            text=_("On the agenda of %(forum)s on %(date)s")
            % {"forum": meeting.forum.name, "date": _day(meeting.starts_at)},
            source_type=MEETING_SOURCE,
            source_id=meeting.pk,
        )
        _log(actor, Action.CREATE, item, meeting=meeting, item=item, purpose=_("Agenda item"))
    return item
