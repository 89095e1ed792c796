"""docs/access.md is written from the code's one place: its tables are what `manage.py
access_rules` prints, so the page a data-protection officer checks cannot drift from the code."""

from pathlib import Path

from cases.management.commands.access_rules import END, START, access_rules_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"


def test_the_access_page_shows_what_the_code_decides():
    text = DOC.read_text()
    generated = text[text.index(START) : text.index(END) + len(END)] + "\n"
    assert generated == access_rules_markdown(), (
        "The access rules changed: run `manage.py access_rules` and put its output in "
        "docs/access.md"
    )


def test_the_page_tells_that_no_consent_reaches_notifications():
    markdown = access_rules_markdown()
    consent_row = next(line for line in markdown.splitlines() if line.startswith("| Consent |"))
    # Basic, screening, minutes, handover: yes; notifications: no.
    assert consent_row.split("|")[2:7] == [" yes ", " yes ", " yes ", " yes ", " – "]
