"""An administrator imports the sample enrolments file: she sees in the preview what it would
create and, in Danish, the row it cannot take (a unit her municipality does not have), confirms,
and the children are there; axe-core checks both pages."""

from pathlib import Path

import pytest

from cases.models import Child, Enrolment, ImportRun
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import" / "indskrivninger.csv"


def test_the_administrator_previews_and_confirms_the_sample_file(world, log_in, axe_violations):
    for unit_name, group_names in {
        "Børnehuset Solsikken": ["Solstuen", "Månestuen"],
        "Vuggestuen Mælkebøtten": ["Myrestuen"],
        "Bakkeskolen": ["0.A", "3.B"],
    }.items():
        unit = f.UnitFactory(municipality=world.solby, name=unit_name)
        for name in group_names:
            f.GroupFactory(unit=unit, name=name)

    page = log_in("henrik")
    page.get_by_role("link", name="Import", exact=True).first.click()
    page.get_by_role("heading", name="Import", exact=True).wait_for()
    page.get_by_label("Indskrivninger").check()
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Vis forhåndsvisning").click()

    page.get_by_role("heading", name="Forhåndsvisning: intet er ændret endnu").wait_for()
    errors = page.get_by_role("region", name="Rækker, der ikke kan tages med (1)")
    assert errors.get_by_role("cell", name="6", exact=True).is_visible()
    assert errors.get_by_text("Ukendt enhed »SFO Bakken«").is_visible()
    assert page.get_by_text("Nyt barn: Asta Nørgaard (140321-XXXX)").is_visible()
    assert "1403219702" not in page.content()
    assert axe_violations(page) == []
    assert not Child.objects.filter(municipality=world.solby, cpr="1403219702").exists()

    page.get_by_role("button", name="Bekræft importen").click()
    page.get_by_text("Importen er gennemført").wait_for()
    assert page.get_by_text("Filen er slettet.").is_visible()
    assert axe_violations(page) == []
    assert Enrolment.objects.filter(child__cpr="1403219702", group__name="Solstuen").exists()
    assert ImportRun.objects.get().content is None
