"""cases' own part of the insight package: the child and family, consents, who works with the
child, forløb, tasks, handovers and the access log in the form the guardians see it."""

from django.utils.translation import gettext as _

from trivsel.audit.selectors import access_log_for_guardian
from trivsel.organisation.models import SOCIAL_WORK_ROLES, SOCIAL_WORK_UNIT_TYPES, Role

from ..models import DataKind
from .package import Entry, Section, day, period, text_fields


def _name(user):
    return user.get_full_name() or user.username if user else ""


def child_and_family(context):
    child = context.child
    entries = [
        Entry(
            key=f"cases.child:{child.pk}",
            title=child.full_name,
            fields=text_fields(
                (_("Birth date"), day(child.birth_date)),
                (_("CPR number"), child.cpr_masked),
                (_("Language needs"), child.language_needs),
            ),
        )
    ]
    for link in child.guardianship_set.select_related("guardian").order_by("pk"):
        entries.append(
            Entry(
                key=f"cases.guardianship:{link.pk}",
                title=_("Guardian: %(name)s") % {"name": link.guardian},
                fields=text_fields((_("Custody"), _("Yes") if link.has_custody else _("No"))),
            )
        )
    for enrolment in child.enrolments.select_related("unit", "group").order_by("start", "pk"):
        entries.append(
            Entry(
                key=f"cases.enrolment:{enrolment.pk}",
                title=_("Enrolment: %(where)s") % {"where": enrolment.group or enrolment.unit},
                date=day(enrolment.start),
                fields=text_fields((_("Period"), period(enrolment.start, enrolment.end))),
            )
        )
    return Section("cases.child", _("The child and the family"), 10, entries)


def _names_social_work(consent):
    return any(unit.type in SOCIAL_WORK_UNIT_TYPES for unit in consent.recipient_units.all())


def consents(context):
    entries = []
    rows = (
        context.child.consents.select_related("guardian")
        .prefetch_related("recipient_units", "recipient_people")
        .order_by("recorded_at", "pk")
    )
    for consent in rows:
        recipients = [u.name for u in consent.recipient_units.all()]
        recipients += [Role(r).label for r in consent.recipient_roles if r in Role.values]
        recipients += [_name(p) for p in consent.recipient_people.all()]
        given_by = _("The young person") if consent.given_by_child else consent.guardian
        entries.append(
            Entry(
                key=f"cases.consent:{consent.pk}",
                title=_("Consent: %(purpose)s") % {"purpose": consent.purpose},
                date=day(consent.recorded_at),
                fields=text_fields(
                    (_("Kinds of information"), ", ".join(map(str, consent.kind_labels))),
                    (_("Recipients"), ", ".join(recipients)),
                    (_("Period"), period(consent.valid_from, consent.valid_until)),
                    (_("Given by"), given_by),
                    (_("Status"), consent.get_status_display()),
                    (_("Withdrawn"), day(consent.withdrawn_at)),
                ),
                # A consent to the social-work side tells that there is a case.
                exception_path=context.exception_path and _names_social_work(consent),
            )
        )
    return Section("cases.consents", _("Consents"), 20, entries)


def _social_work_involvement(involvement):
    person_roles = getattr(getattr(involvement.person, "staff_profile_or_none", None), "roles", ())
    return (
        involvement.statutory
        or bool(set(person_roles) & SOCIAL_WORK_ROLES)
        or (involvement.unit is not None and involvement.unit.type in SOCIAL_WORK_UNIT_TYPES)
    )


def involvement(context):
    child = context.child
    entries = []
    rows = child.involvements.select_related("person__staff_profile", "unit").order_by("start")
    for inv in rows:
        entries.append(
            Entry(
                key=f"cases.involvement:{inv.pk}",
                title=_("%(role)s: %(who)s")
                % {"role": inv.role, "who": _name(inv.person) if inv.person else inv.unit},
                date=day(inv.start),
                fields=text_fields(
                    (_("Purpose"), inv.purpose), (_("Period"), period(inv.start, inv.end))
                ),
                exception_path=context.exception_path and _social_work_involvement(inv),
            )
        )
    for exchange in child.exchange_grants.order_by("meeting_date", "pk"):
        entries.append(
            Entry(
                key=f"cases.exchange:{exchange.pk}",
                title=_("Exchange without consent (one meeting)"),
                date=day(exchange.meeting_date),
                fields=text_fields(
                    (_("Purpose"), exchange.purpose),
                    (_("Follow-up meeting"), day(exchange.follow_up_date)),
                ),
            )
        )
    return Section("cases.involvement", _("Who works with the child"), 30, entries)


def forlob(context):
    entries = []
    rows = context.child.forlob_set.select_related("tovholder").prefetch_related("sub_goals")
    for item in rows.order_by("opened_at", "pk"):
        goals = "; ".join(f"{g.actor}: {g.text}" for g in item.sub_goals.all())
        entries.append(
            Entry(
                key=f"cases.forlob:{item.pk}",
                title=_("Forløb: %(title)s") % {"title": item.title},
                date=day(item.opened_at),
                fields=text_fields(
                    (_("Tovholder"), _name(item.tovholder)),
                    (_("Period"), period(item.opened_at, item.closed_at)),
                    (_("Goal"), item.goal),
                    (_("Sub-goals"), goals),
                    (_("The child's own view"), item.child_view),
                    (_("The parents' view"), item.parents_view),
                    (_("Step"), item.get_ladder_step_display()),
                    (_("Review date"), day(item.review_date)),
                    (_("Closing decision"), item.closing_decision),
                ),
            )
        )
    return Section("cases.forlob", _("Forløb and plans"), 40, entries)


def tasks(context):
    entries = [
        Entry(
            key=f"cases.task:{task.pk}",
            title=task.title,
            date=day(task.due_date),
            fields=text_fields(
                (_("Due date"), day(task.due_date)),
                (_("Status"), task.get_status_display()),
                (_("Completed"), day(task.completed_at)),
            ),
            exception_path=context.exception_path and task.data_kind == DataKind.NOTIFICATIONS,
        )
        for task in context.child.tasks.order_by("due_date", "pk")
    ]
    return Section("cases.tasks", _("Tasks"), 50, entries)


def handovers(context):
    entries = []
    rows = context.child.handovers.select_related("sending_unit", "receiving_unit")
    for handover in rows.order_by("created_at", "pk"):
        entries.append(
            Entry(
                key=f"cases.handover:{handover.pk}",
                title=_("Handover: %(from)s → %(to)s")
                % {"from": handover.sending_unit, "to": handover.receiving_unit},
                date=day(handover.transition_date),
                fields=text_fields(
                    (_("Transition"), handover.get_transition_display()),
                    (_("The child's resources and strengths"), handover.strengths),
                    (
                        _("What helps the child, and what to be aware of"),
                        handover.professional_view,
                    ),
                    (_("The parents' own view"), handover.parents_view),
                    (_("The child's own voice"), handover.child_voice),
                    (_("Attached joint assessment"), handover.screening_summary),
                    (_("Sent"), day(handover.sent_at)),
                    (_("Received"), day(handover.acknowledged_at)),
                ),
            )
        )
    return Section("cases.handovers", _("Handovers"), 60, entries)


def access_log(context):
    """The look-ups as the guardians' own log shows them: dates and purposes, not who."""
    rows = access_log_for_guardian(child_id=context.child.pk).order_by("at", "id")
    entries = [
        Entry(
            key=f"audit.entry:{entry.pk}",
            title=entry.purpose or entry.get_action_display(),
            date=day(entry.at),
            fields=text_fields(
                (_("What"), entry.get_action_display()), (_("Basis"), entry.get_basis_display())
            ),
        )
        for entry in rows
    ]
    return Section(
        "audit.access_log",
        _("Look-ups on the child"),
        1000,
        entries,
        note=_("Dates and purposes of look-ups, as on the child's page; not who looked."),
    )


CASES_SECTIONS = (child_and_family, consents, involvement, forlob, tasks, handovers, access_log)


def cases_sections(context):
    return [section(context) for section in CASES_SECTIONS]
