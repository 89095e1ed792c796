"""A pædagog prepares a handover to the school, the parent writes her view and consents through
her own login, the pædagog sends it, the school leader acknowledges it and reads only what the
consent covers. axe-core checks every page on the way."""

import pytest

from cases.models import Handover
from tests import factories as f
from trivsel.organisation.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_prepare_consent_send_and_acknowledge_a_handover(world, log_in, axe_violations):
    f.StaffFactory(
        user=f.UserFactory(username="soeren", municipality=world.solby, first_name="Søren"),
        roles=[Role.LEADER],
        units=[world.school],
    )
    paedagog = log_in("mette")
    paedagog.goto(f"/boern/{world.child.pk}/")
    paedagog.get_by_role("link", name="Forbered en overlevering").click()
    assert axe_violations(paedagog) == []
    paedagog.get_by_label("Overgang", exact=True).select_option(label="Børnehave → skole og SFO")
    paedagog.get_by_label("Modtagende enhed").select_option(label="Åskolen")
    paedagog.get_by_label("Dato for overgangen").fill("01.08.2027")
    paedagog.get_by_label("Barnets ressourcer og styrker").fill("Alma er nysgerrig og hjælpsom.")
    paedagog.get_by_label("Hvad der hjælper barnet").fill("Ro og forudsigelighed ved skift.")
    # Barnets lov § 5: from the municipality's age (0 by default) the form asks how.
    paedagog.get_by_label("Hørt i en samtale").check()
    paedagog.get_by_label("Hvordan barnet blev hørt, eller hvorfor ikke").fill(
        "Vi talte med Alma om skolen under frileg."
    )
    paedagog.get_by_role("button", name="Gem").click()
    paedagog.get_by_text("Overleveringen er gemt").wait_for()
    assert axe_violations(paedagog) == []
    handover_url = paedagog.url

    paedagog.get_by_role("link", name="Bed forældrene om samtykke").click()
    assert axe_violations(paedagog) == []
    paedagog.get_by_role("button", name="Gem").click()
    paedagog.get_by_text("Forældrene er spurgt").wait_for()

    parent = log_in("maria")
    parent.goto(handover_url)
    assert axe_violations(parent) == []
    parent.get_by_label("Jeres eget syn som forældre").fill("Hun glæder sig til at gå i skole.")
    parent.get_by_text("Ja, overleveringen må sendes som beskrevet").click()
    parent.get_by_role("button", name="Send mit svar").click()
    parent.get_by_text("Tak. Jeres svar og jeres syn er gemt.").wait_for()

    school = log_in("soeren")
    response = school.goto(handover_url)
    assert response.status == 404  # consent alone sends nothing

    paedagog.reload()
    paedagog.get_by_role("button", name="Send overleveringen").click()
    paedagog.get_by_text("Overleveringen er sendt").wait_for()

    school.goto("/overleveringer/")
    assert axe_violations(school) == []
    school.get_by_role("link", name="Alma Hansen").first.click()
    assert school.get_by_text("Hun glæder sig til at gå i skole.").is_visible()
    assert axe_violations(school) == []
    school.get_by_role("button", name="Kvittér for modtagelsen").click()
    school.get_by_text("Der er kvitteret for overleveringen").wait_for()
    assert Handover.objects.get().acknowledged_at is not None
    # Only what the consent covers: no screening history.
    assert school.goto(f"/trivsel/barn/{world.child.pk}/").status == 404

    paedagog.reload()
    assert paedagog.get_by_text("Modtaget og kvitteret").is_visible()
