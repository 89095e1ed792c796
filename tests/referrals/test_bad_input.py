"""Random input on every form of the app: a Danish error or a redirect, never a 500, and the
pages of others answer 404."""

import random
import string

import pytest

from referrals import services

pytestmark = pytest.mark.django_db

FIELDS = [
    "child",
    "unit",
    "category",
    "text",
    "child_name_given",
    "suspected_violence",
    "notifier_kind",
    "channel",
    "received_day",
    "received_time",
    "notifier_role",
    "notifier_workplace",
    "receipt-via",
    "feedback-via",
    "notifier_name",
    "notifier_email",
    "triage",
    "outcome",
    "note",
    "caseworker",
    "cpr",
    "parents_conversation",
    "parents_agreed",
    "social_worker",
    "day",
    "time",
    "place",
    "from_unit",
    "to_unit",
    "reason",
    "proposal",
    "accept",
    "topic",
    "voice-child_heard",
    "voice-child_heard_note",
    "voice-bisidder_present",
]


def noise(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return str(rng.randint(-(10**12), 10**12))
    if kind == 1:
        return ""
    if kind == 2:
        return "x" * rng.randint(1, 5000)
    return "".join(rng.choice(string.printable + "æøåÆØÅ§") for _ in range(rng.randint(1, 80)))


def test_random_posts_never_give_a_500(intake, login):
    n = services.underretning_submit(
        actor=intake.teacher, category="neglect", text="-", child=intake.child, unit=intake.school
    )
    dialogue = services.dialogue_start(
        actor=intake.paedagog,
        child=intake.child,
        unit=intake.kindergarten,
        category="neglect",
        parents_conversation="-",
        parents_agreed=True,
        suspected_violence=False,
    )
    urls = {
        intake.teacher: ["/underretninger/ny/", "/henvisninger/ny/"],
        intake.paedagog: [f"/underretninger/dialog/{dialogue.pk}/", "/underretninger/dialog/ny/"],
        intake.leader: [
            f"/underretninger/dialog/{dialogue.pk}/",
            f"/underretninger/dialog/{dialogue.pk}/barnets-perspektiv/",
        ],
        intake.social_worker: [
            "/underretninger/modtaget/",
            "/sparring/",
            *[
                f"/underretninger/{n.pk}/{action}/"
                for action in (
                    "vurder",
                    "tildel",
                    "barn",
                    "kvittering",
                    "afslut",
                    "opfoelgning",
                    "barnets-perspektiv",
                )
            ],
        ],
    }
    case = f"/underretninger/{n.pk}/"
    rng = random.Random(11)
    for user, paths in urls.items():
        client = login(user)
        for path in paths:
            for _ in range(12):
                data = {field: noise(rng) for field in rng.sample(FIELDS, rng.randint(0, 12))}
                response = client.post(path, data)
                assert response.status_code in (200, 302), (path, data, response.status_code)
            # Afterwards the page still opens: a form's own page, or the underretning an action
            # (a POST-only address) belongs to.
            page = case if path.startswith(case) else path.removesuffix("barnets-perspektiv/")
            assert client.get(page).status_code == 200, (path, page)


def test_other_peoples_pages_are_404(intake, login):
    dialogue = services.dialogue_start(
        actor=intake.paedagog,
        child=intake.child,
        unit=intake.kindergarten,
        category="neglect",
        parents_conversation="-",
        parents_agreed=True,
        suspected_violence=False,
    )
    for user in (intake.teacher, intake.outsider, intake.guardian, intake.social_worker):
        assert login(user).get(f"/underretninger/dialog/{dialogue.pk}/").status_code == 404
    assert login(intake.guardian).get("/underretninger/ny/").status_code == 404
    assert login(intake.guardian).get("/underretninger/mine/").status_code == 404
    assert login(intake.outsider).get("/underretninger/999999/").status_code == 404
