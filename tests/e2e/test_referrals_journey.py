"""A teacher sends a notification; the socialrådgiver sees it arrive in the intake queue,
assesses it within the clock, sends the receipt and the feedback; the teacher sees the status.
A citizen uses the public page. axe-core checks every page on the way."""

import re

import pytest

from cases.access import grants_rebuild
from referrals.models import Underretning
from tests import factories as f
from trivsel.organisation.models import UnitType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_notifies_and_the_intake_handles_it(world, log_in, axe_violations):
    f.EnrolmentFactory(child=world.child, group=world.school_class)
    intake = f.UnitFactory(municipality=world.solby, name="Modtagelsen", type=UnitType.INTAKE)
    world.social_worker.staff_profile.units.add(intake)
    grants_rebuild(child_ids=[world.child.pk])

    sara = log_in("sara")
    sara.get_by_role("link", name="Modtagelse").click()
    sara.get_by_text("Ingen underretninger i denne liste.").wait_for()
    assert axe_violations(sara) == []

    teacher = log_in("jonas")
    teacher.goto("/underretninger/ny/")
    assert axe_violations(teacher) == []
    teacher.get_by_role("button", name="Send underretningen").click()
    teacher.get_by_text("Vælg barnet, eller skriv barnets navn.").first.wait_for()
    teacher.locator("#id_child").select_option(label="Alma Hansen")
    teacher.get_by_label("Din enhed").select_option(label="Åskolen")
    teacher.get_by_label("Hvad drejer bekymringen sig om?").select_option(
        label="Barnets adfærd eller trivsel"
    )
    teacher.get_by_label("Beskriv din bekymring").fill("Alma er ofte sulten og træt.")
    teacher.get_by_role("button", name="Send underretningen").click()
    teacher.get_by_text("Din underretning er sendt til modtagelsen.").wait_for()
    assert axe_violations(teacher) == []

    # The queue refreshes itself (htmx polling); trigger the refresh instead of waiting.
    sara.evaluate("htmx.trigger('#queue', 'refresh')")
    sara.get_by_text("Alma Hansen").wait_for()
    assert sara.get_by_text(re.compile("frist om")).first.is_visible()
    sara.get_by_role("link", name=re.compile(r"\d\d\.\d\d\.\d{4}")).first.click()
    assert axe_violations(sara) == []
    sara.get_by_text("Undersøgelse nødvendig").click()
    sara.get_by_label("Udfald").select_option(label="Børnefaglig undersøgelse (§ 20)")
    sara.get_by_role("button", name="Gem vurderingen").click()
    sara.get_by_text("Vurderingen er gemt.").wait_for()
    assert sara.get_by_text("udført til tiden").first.is_visible()
    sara.get_by_role("button", name="Send kvitteringen").click()
    sara.get_by_text("Kvitteringen er sendt.").wait_for()
    sara.get_by_role("button", name="Giv underretteren tilbagemelding").click()
    sara.get_by_text("Tilbagemeldingen er sendt.").wait_for()
    assert axe_violations(sara) == []
    n = Underretning.objects.get()
    assert n.assessed_at and n.receipt_sent_at and not n.assessed_late

    teacher.goto("/underretninger/mine/")
    assert teacher.get_by_text("Der er iværksat en undersøgelse").is_visible()
    assert axe_violations(teacher) == []
    # The notifier's status page gives no access to the intake's side.
    assert teacher.goto(f"/underretninger/{n.pk}/").status == 404


def test_a_citizen_uses_the_public_page(world, page, axe_violations):
    page.goto("/underret/901/")
    assert axe_violations(page) == []
    page.get_by_text("Jeg vil være anonym").click()
    page.get_by_label("Barnets navn").fill("Et barn på Solvej")
    page.get_by_label("Hvad drejer bekymringen sig om?").select_option(label="Omsorgssvigt")
    page.get_by_label("Beskriv hvad du har set eller hørt").fill("Barnet er alene hjemme.")
    page.wait_for_timeout(3100)  # the form refuses answers sent faster than a person types
    page.get_by_role("button", name="Send underretningen").click()
    page.get_by_text("har modtaget din underretning").wait_for()
    assert axe_violations(page) == []
    assert Underretning.objects.get().notifier_kind == "anonymous"
