"""DOMAIN.md §12: a colour is a dated assessment of a child's position, never a property of the
child. Templates, the Danish catalogue and rendered pages are scanned."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = re.compile(
    r"\b(rødt|gult|grønt|røde|gule|grønne)\s+(barn|børn|elev|elever)\b"
    r"|\b(red|yellow|green)\s+(child|children|pupil)\b",
    re.IGNORECASE,
)


def sources():
    for pattern in ("**/templates/**/*.html", "locale/da/LC_MESSAGES/django.po", "*/defaults.py"):
        for path in ROOT.glob(pattern):
            if ".venv" not in path.parts and "node_modules" not in path.parts:
                yield path


def test_no_template_or_text_makes_a_colour_a_property_of_a_child():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sources()
        for match in FORBIDDEN.finditer(path.read_text())
    ]
    assert found == []


def test_the_scan_would_catch_the_phrase():
    assert FORBIDDEN.search("Der er tre røde børn i klassen")
    assert FORBIDDEN.search("a red child")
    assert not FORBIDDEN.search("barnet er i en rød position")


def test_the_rendered_screening_pages_keep_the_rule(school, login):
    from screening import services

    services.rating_save(
        rater=school.paedagog, round_=school.round, child=school.child, position="roed"
    )
    services.round_start_joint(actor=school.leader, round_=school.round)
    for client, url in (
        (login(school.paedagog), f"/trivsel/runde/{school.round.pk}/"),
        (login(school.leader), f"/trivsel/runde/{school.round.pk}/oversigt/"),
    ):
        assert not FORBIDDEN.search(client.get(url).content.decode())
