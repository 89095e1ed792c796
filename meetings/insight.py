"""meetings' part of the insight package (cases.insight.package): the network meetings about
the child with their participants and minutes, and the forum meetings where the child was on
the agenda — only the child's own agenda items: the minutes of a forum meeting speak of other
children too, and their names are redacted wherever they appear."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cases.insight.package import Entry, Section, day, other_children, text_fields

from .models import MINUTES_SECTIONS, ActionItem, AgendaItem, Meeting, Minutes, ParticipantKind


def _participants(meeting, child_guardian_ids, redact):
    shown = []
    for p in meeting.participants.all():
        if p.kind == ParticipantKind.STAFF or p.guardian_id in child_guardian_ids:
            shown.append(f"{p.name} ({p.role})" if p.role else p.name)
        elif p.kind == ParticipantKind.CHILD:
            shown.append(p.get_kind_display())
        else:
            # Someone else's parent, a bisidder, an external person: their role, not who.
            redact.update({p.name, p.email})
            shown.append(p.role or p.get_kind_display())
    return ", ".join(shown)


def _minutes_fields(minutes):
    fields = [(_("Version"), f"{minutes.number} ({minutes.get_status_display()})")]
    for name in MINUTES_SECTIONS:
        fields.append((Minutes._meta.get_field(name).verbose_name, getattr(minutes, name)))
    for number, decision in enumerate(minutes.decisions.all(), start=1):
        fields.append((_("Decision %(number)s") % {"number": number}, decision.text))
        fields.append((_("Reason"), decision.reason))
    for action in minutes.action_items.all():
        who = action.owner.get_full_name() if action.owner_id else action.owner_name
        fields.append((_("Action item"), f"{action.what} · {who} · {day(action.due_date)}"))
    return text_fields(*fields)


def meetings_sections(context):
    child = context.child
    guardian_ids = set(child.guardianship_set.values_list("guardian_id", flat=True))
    redact = set()
    minutes = Minutes.objects.prefetch_related(
        "decisions", Prefetch("action_items", ActionItem.objects.select_related("owner"))
    ).order_by("number")
    meetings = (
        Meeting.objects.filter(child=child)
        .select_related("forum")
        .prefetch_related("participants", Prefetch("minutes", minutes))
        .order_by("starts_at", "pk")
    )
    entries = []
    for meeting in meetings:
        entries.append(
            Entry(
                key=f"meetings.meeting:{meeting.pk}",
                title=_("Network meeting: %(title)s") % {"title": meeting.title},
                date=day(meeting.starts_at),
                fields=text_fields(
                    (_("Place"), meeting.place),
                    (_("Purpose"), meeting.purpose),
                    (_("Participants"), _participants(meeting, guardian_ids, redact)),
                ),
            )
        )
        for version in meeting.minutes.all():
            entries.append(
                Entry(
                    key=f"meetings.minutes:{version.pk}",
                    title=_("Minutes: %(title)s") % {"title": meeting.title},
                    date=day(version.approved_at or version.updated_at),
                    fields=_minutes_fields(version),
                )
            )
    items = (
        AgendaItem.objects.filter(child=child, meeting__forum__isnull=False)
        .select_related("meeting__forum")
        .order_by("meeting__starts_at", "pk")
    )
    items = list(items)
    # The other children on the same agendas: their names never reach this child's package.
    others = AgendaItem.objects.filter(
        meeting_id__in={i.meeting_id for i in items}, child__isnull=False
    ).exclude(child=child)
    redact |= other_children(others.values_list("child__first_name", "child__last_name"), child)
    for item in items:
        entries.append(
            Entry(
                key=f"meetings.agenda:{item.pk}",
                title=_("On the agenda of %(forum)s: %(title)s")
                % {"forum": item.meeting.forum.name, "title": item.title},
                date=day(item.meeting.starts_at),
                fields=text_fields((_("Description"), item.description)),
            )
        )
    return [
        Section(
            "meetings",
            _("Meetings and minutes"),
            80,
            entries,
            note=_(
                "Network meetings about the child with their minutes, and the child's own items "
                "on the agendas of the units' meetings."
            ),
            redact=redact,
        )
    ]
