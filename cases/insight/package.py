"""The insight package: everything held about one child, grouped by kind, redacted, as JSON and
as a tagged PDF/UA-1.

cases is the lowest app layer and cannot import the apps above it (DESIGN.md §2), so each app
adds its own part from its `insight.py` in its AppConfig.ready():

    insight_sections        function(context) -> list[Section]: the app's records of the child
    insight_exception_path  function(child) -> bool: is the child on the exception path
                            (DOMAIN.md §5: violence or abuse by a parent suspected)?

A section names its entries on the exception path (Entry.exception_path); those leave the
package unless the preparer decided to disclose them (InsightDecision). A section also gives the
strings that identify other people — a notifier's name, e-mail and phone, other children at the
same meeting — in `redact`: they are replaced wherever they occur in the package, free text
included, so a name typed into a note does not slip through either."""

import json
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from trivsel.extension_points import ExtensionPoint
from trivsel.pdf import html_to_pdf

from ..models import InsightDecisionKind

FORMAT = "trivsel-insight/1"
# Shorter strings would blank out ordinary words.
MIN_REDACTED_LENGTH = 3

insight_sections = ExtensionPoint("insight sections")
insight_exception_path = ExtensionPoint("insight exception path")


@dataclass
class Entry:
    key: str  # stable across builds: "referrals.underretning:12"
    title: str
    date: str = ""
    fields: list = field(default_factory=list)  # [(label, value)]
    exception_path: bool = False


@dataclass
class Section:
    kind: str
    title: str
    order: int
    entries: list = field(default_factory=list)
    note: str = ""
    redact: set = field(default_factory=set, repr=False)


@dataclass(frozen=True)
class Context:
    child: object
    # Some app says the child is on the exception path: the apps mark more of their entries.
    exception_path: bool


def day(value):
    """A date or time as the package shows it (d.m.Y), or "" for none."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return formats.date_format(value, "d.m.Y")


def period(start, end):
    return f"{day(start)} – {day(end)}" if end else f"{day(start)} –"


def text_fields(*pairs):
    """(label, value) pairs without the empty ones."""
    return [(str(label), str(value)) for label, value in pairs if value not in (None, "")]


def other_children(names, child):
    """The strings to redact for other children (first and last names from `names`): the full
    name, and the first name alone — a note says "Alma og Otto" — unless it is this child's own
    or one of her guardians'."""
    own = {child.first_name.lower()} | {
        g.first_name.lower() for g in child.guardians.all() if g.first_name
    }
    terms = set()
    for first, last in names:
        terms.add(f"{first} {last}")
        if first and first.lower() not in own:
            terms.add(first)
    return terms


def context_for(child):
    return Context(child=child, exception_path=any(insight_exception_path.call_each(child)))


def sections_for(child):
    """Every app's sections about the child, in their order (Danish, as the package is)."""
    with translation.override("da"):
        context = context_for(child)
        sections = [s for answer in insight_sections.call_each(context) for s in answer]
    return sorted(sections, key=lambda s: (s.order, s.kind))


def exception_entries(sections):
    return [(s, e) for s in sections for e in s.entries if e.exception_path]


def _redactor(sections):
    terms = {
        term.strip()
        for s in sections
        for term in s.redact
        if term and len(term.strip()) >= MIN_REDACTED_LENGTH
    }
    if not terms:
        return lambda value: value
    # Longest first, so a full name goes before a part of it.
    # Whole words only: a name must not blank out the middle of another word.
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    with translation.override("da"):
        hidden = _("[redacted]")
    return lambda value: pattern.sub(hidden, value)


def package_build(request, *, sections=None):
    """The answer as a JSON-ready dict: the sections with the withheld entries left out (only
    the exception path's entries the preparer decided to disclose stay) and other people's
    identities redacted everywhere."""
    sections = sections if sections is not None else sections_for(request.child)
    disclosed = set(
        request.decisions.filter(decision=InsightDecisionKind.DISCLOSE).values_list(
            "entry_key", flat=True
        )
    )
    redact = _redactor(sections)
    child = request.child
    with translation.override("da"):
        package = {
            "format": FORMAT,
            "title": _("Answer to a request for insight"),
            "municipality": child.municipality.name,
            "child": {
                "name": redact(child.full_name),
                "birth_date": day(child.birth_date),
                "cpr": child.cpr_masked,
            },
            "requested": day(request.requested_at),
            "answered": day(timezone.now()),
            "note": _(
                "This is the information the municipality holds about the child in Trivsel+, "
                "grouped by kind. Other people's identities, such as the person who made a "
                "notification, are not shown. Information may be left out where the law "
                "allows it (databeskyttelseslovens § 22)."
            ),
            "sections": [],
        }
        for section in sections:
            entries = [
                {
                    "title": redact(entry.title),
                    "date": entry.date,
                    "fields": [
                        {"label": label, "value": redact(value)} for label, value in entry.fields
                    ],
                }
                for entry in section.entries
                if not entry.exception_path or entry.key in disclosed
            ]
            package["sections"].append(
                {
                    "kind": section.kind,
                    "title": section.title,
                    "note": section.note,
                    "entries": entries,
                }
            )
    return package


def package_pdf(package):
    """(PDF bytes, pages): the package through the same page template as the minutes."""
    with translation.override("da"):
        html = render_to_string("cases/insight_pdf.html", {"package": package})
    return html_to_pdf(html)


def package_json(package):
    return json.dumps(package, ensure_ascii=False, indent=2)
