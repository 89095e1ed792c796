"""referrals' part of the insight package (cases.insight.package): the notifications about the
child and their handling, the dialogue-based route and the referrals.

The notifier's identity never reaches the package (Barnets lov § 155 b: the notifier may stay
unknown to the family): no name, e-mail, phone, workplace or professional's name is shown, and
each of them is redacted wherever it appears, the notification's own text included. A
notification with suspected violence or abuse by a parent is on the exception path (DOMAIN.md
§5): it leaves the package unless the preparer decides to disclose it."""

from django.utils.translation import gettext as _

from cases.insight.package import Entry, Section, day, text_fields

from .models import DialogueUnderretning, Notifier, Referral, Underretning


def on_exception_path(child):
    return Underretning.objects.filter(child=child, suspected_violence=True).exists()


def _notifier_identity(underretning):
    """Every string that names or reaches the notifier."""
    found = {
        underretning.notifier_name,
        underretning.notifier_email,
        underretning.notifier_phone,
    }
    if underretning.notifier_id:
        user = underretning.notifier
        found |= {user.get_full_name(), user.email}
    return {value for value in found if value}


def _who_notified(underretning):
    kinds = {
        Notifier.PROFESSIONAL: _("A professional (identity not disclosed)"),
        Notifier.CITIZEN: _("A citizen (identity not disclosed)"),
        Notifier.ANONYMOUS: _("Anonymous"),
    }
    return kinds.get(underretning.notifier_kind, _("Not disclosed"))


def referrals_sections(context):
    child = context.child
    redact = set()
    entries = []
    rows = Underretning.objects.filter(child=child).select_related("notifier")
    for u in rows.order_by("received_at", "pk"):
        redact |= _notifier_identity(u)
        entries.append(
            Entry(
                key=f"referrals.underretning:{u.pk}",
                title=_("Notification of concern: %(category)s")
                % {"category": u.get_category_display()},
                date=day(u.received_at),
                fields=text_fields(
                    (_("Route"), u.get_route_display()),
                    (_("Who notified"), _who_notified(u)),
                    (_("What the concern is about"), u.text),
                    (_("Status"), u.get_status_display()),
                    (_("Urgency"), u.get_triage_display() if u.triage else ""),
                    (_("Assessed"), day(u.assessed_at)),
                    (_("Assessment"), u.assessment_note),
                    (_("Outcome"), u.get_outcome_display() if u.outcome else ""),
                    (_("Review done"), day(u.review_done_at)),
                    (_("Investigation started"), day(u.investigation_started_at)),
                    (_("Investigation finished"), day(u.investigation_finished_at)),
                    (
                        _("Was the child heard?"),
                        u.get_child_heard_display() if u.child_heard else "",
                    ),
                    (_("Closed"), day(u.closed_at)),
                ),
                exception_path=u.suspected_violence,
            )
        )
    for d in DialogueUnderretning.objects.filter(child=child).select_related("unit"):
        entries.append(
            Entry(
                key=f"referrals.dialogue:{d.pk}",
                title=_("Dialogue-based notification: %(category)s")
                % {"category": d.get_category_display()},
                date=day(d.created_at),
                fields=text_fields(
                    (_("Unit"), d.unit),
                    (_("The conversation with the parents"), d.parents_conversation),
                    (_("The parents agreed"), day(d.parents_agreed_at)),
                ),
            )
        )
    for r in Referral.objects.filter(child=child).select_related("from_unit", "to_unit"):
        entries.append(
            Entry(
                key=f"referrals.referral:{r.pk}",
                title=_("Referral: %(from)s → %(to)s") % {"from": r.from_unit, "to": r.to_unit},
                date=day(r.sent_at),
                fields=text_fields(
                    (_("What the referral is about"), r.reason),
                    (_("We propose"), r.get_proposal_display()),
                    (_("Status"), r.get_status_display()),
                    (_("Reason for the answer"), r.answer_reason),
                ),
            )
        )
    return [
        Section(
            "referrals",
            _("Notifications of concern, their handling, and referrals"),
            90,
            entries,
            note=_("Who made a notification is not disclosed."),
            redact=redact,
        )
    ]
