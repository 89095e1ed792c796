"""The weekly log review (Datatilsynet's catalogue): each unit's random sample of its staff's
look-ups is put to its leader, who answers whether each was part of the work; the municipality's
data-protection officer sees every sample and answer."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.access import grants_rebuild
from tests import factories as f
from tests.audit.conftest import look, this_monday
from trivsel.audit.models import AccessLogEntry, Basis, LookupSample, SampledLookup
from trivsel.audit.services import (
    access_log_record_many,
    lookup_samples_draw,
    sampled_lookup_answer,
)

LAST_WEEK = this_monday(hour=10) - timedelta(days=5)  # Wednesday of the week before


def drawn(unit):
    return SampledLookup.objects.filter(sample__unit=unit).select_related("entry")


@pytest.fixture
def looked_up(review_world, settings):
    """Last week: the pædagog opened Alma 6 times, the teacher the pupil twice, the leader of the
    kindergarten Alma once, the neighbour's pædagog her own child 4 times; a list page and this
    week's look-ups are not for the review."""
    w = review_world
    settings.AUDIT_REVIEW_SAMPLE_SIZE = 3
    w.mette_looks = [look(w.paedagog, w.child, at=LAST_WEEK + timedelta(hours=i)) for i in range(6)]
    w.jonas_looks = [look(w.teacher, w.pupil, at=LAST_WEEK + timedelta(hours=i)) for i in (1, 2)]
    w.lone_look = look(w.leader, w.child, at=LAST_WEEK)
    for i in range(4):
        look(w.outsider, w.nabo_child, at=LAST_WEEK + timedelta(hours=i))
    access_log_record_many(
        actor=w.paedagog, action="read", looks=[(w.child, w.child.pk, Basis.ENROLMENT)]
    )
    AccessLogEntry.objects.filter(listed=True).update(at=LAST_WEEK)
    look(w.paedagog, w.child, at=this_monday(hour=7))
    return w


def test_each_unit_gets_a_random_sample_of_its_staffs_lookups_of_last_week(looked_up):
    w = looked_up
    with time_machine.travel(this_monday(hour=9), tick=False):
        assert lookup_samples_draw() == 3 + 2 + 3

    kindergarten = drawn(w.kindergarten)
    assert kindergarten.count() == 3  # the sample size, out of the unit's 7
    assert {s.entry.actor_id for s in kindergarten} <= {w.paedagog.pk, w.leader.pk}
    assert all(not s.entry.listed and s.entry.at < this_monday(0) for s in kindergarten)
    assert {s.entry_id for s in drawn(w.school)} == {e.pk for e in w.jonas_looks}
    assert not drawn(w.authority).exists()  # nobody there looked anything up
    # The neighbouring municipality has its own sample, and no look-up crosses over.
    assert drawn(w.nabo_unit).count() == 3
    for sample in LookupSample.objects.all():
        assert set(sample.lookups.values_list("entry__municipality", flat=True)) <= {
            sample.municipality_id
        }
    # Every unit's week is claimed, the quiet ones too.
    assert set(LookupSample.objects.values_list("week", flat=True)) == {
        (this_monday() - timedelta(days=7)).date()
    }


def test_it_draws_once_a_week_however_often_it_runs(looked_up):
    w = looked_up
    with time_machine.travel(this_monday(hour=9), tick=False):
        lookup_samples_draw()
        first = set(drawn(w.kindergarten).values_list("entry_id", flat=True))
    with time_machine.travel(this_monday(hour=9) + timedelta(days=3), tick=False):
        assert lookup_samples_draw() == 0
    assert set(drawn(w.kindergarten).values_list("entry_id", flat=True)) == first
    # The next week samples this week's look-up (the Monday morning one).
    with time_machine.travel(this_monday(hour=9) + timedelta(days=7), tick=False):
        assert lookup_samples_draw() == 1
    assert LookupSample.objects.filter(unit=w.kindergarten).count() == 2


def _sample(world, entries):
    with time_machine.travel(this_monday(hour=9), tick=False):
        lookup_samples_draw(size=10)
    return {s.entry_id: s for s in SampledLookup.objects.filter(entry__in=entries)}


def test_the_leader_answers_for_her_unit_and_the_answer_is_kept_and_logged(looked_up, login):
    w = looked_up
    sample = _sample(w, w.mette_looks)[w.mette_looks[0].pk]
    client = login(w.leader)
    page = client.get(reverse("audit:lookup_review")).content.decode()
    assert "Mette" in page and "Barnets side" in page and "Alma Hansen" in page
    assert "Var dette opslag en del af arbejdet?" in page

    response = client.post(
        reverse("audit:sampled_lookup", args=[sample.pk]),
        {f"l{sample.pk}-part_of_work": "no", f"l{sample.pk}-comment": "Ikke hendes barn"},
    )
    assert response.status_code == 302
    sample.refresh_from_db()
    assert (sample.part_of_work, sample.comment, sample.answered_by) == (
        False,
        "Ikke hendes barn",
        w.leader,
    )
    assert sample.answered_at is not None
    assert AccessLogEntry.objects.filter(
        actor=w.leader, object_type="audit.sampledlookup", object_id=str(sample.pk)
    ).exists()
    page = client.get(reverse("audit:lookup_review")).content.decode()
    assert "Nej: ikke en del af arbejdet" in page and "Ikke hendes barn" in page


def test_a_child_the_leader_may_not_see_is_masked(review_world, login):
    """The pædagog looked up the school's pupil (on a consent, say): her leader learns who, when
    and why, not which child."""
    w = review_world
    entry = look(w.paedagog, w.pupil, at=LAST_WEEK, basis=Basis.CONSENT)
    _sample(w, [entry])
    page = login(w.leader).get(reverse("audit:lookup_review")).content.decode()
    assert "Mette" in page
    assert "Sofie" not in page and "Skov" not in page
    assert f"adgangslogpost nr. {entry.pk}" in page
    # The name she did see is logged as her look; the masked one is not a look at the child.
    assert not AccessLogEntry.objects.filter(actor=w.leader, child_id=w.pupil.pk).exists()


def test_a_no_without_a_comment_is_refused_in_danish_and_nothing_is_saved(looked_up, login):
    w = looked_up
    sample = _sample(w, w.mette_looks)[w.mette_looks[0].pk]
    response = login(w.leader).post(
        reverse("audit:sampled_lookup", args=[sample.pk]), {f"l{sample.pk}-part_of_work": "no"}
    )
    assert response.status_code == 400
    assert "Skriv, hvad du ved om opslaget" in response.content.decode()
    sample.refresh_from_db()
    assert sample.answered_at is None


def test_a_leader_does_not_answer_about_her_own_lookup(looked_up, login):
    w = looked_up
    own = _sample(w, [w.lone_look])[w.lone_look.pk]
    client = login(w.leader)
    assert f'action="{reverse("audit:sampled_lookup", args=[own.pk])}"' not in (
        client.get(reverse("audit:lookup_review")).content.decode()
    )
    response = client.post(
        reverse("audit:sampled_lookup", args=[own.pk]), {f"l{own.pk}-part_of_work": "yes"}
    )
    assert "Dit eget opslag" in response.content.decode()
    own.refresh_from_db()
    assert own.answered_at is None


@pytest.mark.parametrize(
    "persona", ["school_leader", "paedagog", "dpo", "administrator", "guardian", "outsider"]
)
def test_only_the_units_leader_opens_a_sampled_lookup(looked_up, login, persona):
    w = looked_up
    sample = _sample(w, w.mette_looks)[w.mette_looks[0].pk]
    user = getattr(w, persona)
    client = login(user)
    url = reverse("audit:sampled_lookup", args=[sample.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {f"l{sample.pk}-part_of_work": "yes"}).status_code == 404
    sample.refresh_from_db()
    assert sample.answered_at is None
    if persona != "guardian":  # a guardian is turned away before any lookup (not staff)
        assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()


@pytest.mark.parametrize("persona", ["paedagog", "dpo", "guardian", "outsider"])
def test_the_review_page_is_for_leaders_only(looked_up, login, persona):
    assert login(getattr(looked_up, persona)).get(reverse("audit:lookup_review")).status_code == 404


def test_the_leader_finds_her_review_on_her_work_list(looked_up, login):
    w = looked_up
    _sample(w, w.mette_looks)
    client = login(w.leader)
    page = client.get(reverse("home")).content.decode()
    # Her own look-up is not hers to answer.
    assert 'Opslag til gennemgang <span class="trivsel-worklist-count">(6)</span>' in page
    assert f"Opslag nr. {w.mette_looks[0].pk} · Mette" in page
    assert f"Opslag nr. {w.lone_look.pk}" not in page
    assert "Alma" not in page.split("Opslag til gennemgang")[1]  # never the child here
    assert reverse("audit:lookup_review") in page
    assert "Opslag til gennemgang" not in login(w.paedagog).get(reverse("home")).content.decode()


# --- The data-protection officer --------------------------------------------------------------


@pytest.fixture
def answered(looked_up):
    w = looked_up
    samples = _sample(w, w.mette_looks + w.jonas_looks)
    first, second = (samples[e.pk] for e in w.mette_looks[:2])
    sampled_lookup_answer(actor=w.leader, lookup=first, part_of_work=True)
    sampled_lookup_answer(
        actor=w.leader, lookup=second, part_of_work=False, comment="Ukendt formål"
    )
    return w


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("dpo", 200),
        ("administrator", 200),
        ("leader", 404),
        ("school_leader", 404),
        ("paedagog", 404),
        ("social_worker", 404),
        ("guardian", 404),
        ("outsider", 404),
    ],
)
def test_the_data_protection_page_persona_matrix(answered, login, persona, status):
    user = getattr(answered, persona)
    response = login(user).get(reverse("audit:data_protection"))
    assert response.status_code == status
    if status == 404:
        assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()
    else:
        assert AccessLogEntry.objects.filter(
            actor=user, basis=Basis.ADMINISTRATION, purpose="Databeskyttelse: logkontrol"
        ).exists()


def test_the_dpo_sees_every_unit_answered_and_not_and_never_a_child(answered, login):
    w = answered
    page = login(w.dpo).get(reverse("audit:data_protection")).content.decode()
    assert "Børnehaven Mejsen" in page and "Åskolen" in page
    assert "Ja: en del af arbejdet" in page
    assert "Nej: ikke en del af arbejdet" in page and "Ukendt formål" in page
    assert "Ikke besvaret endnu." in page
    assert "Alma" not in page and "Sofie" not in page
    assert "Nabohaven" not in page  # the other municipality's samples are its own DPO's
    only_no = login(w.dpo).get(reverse("audit:data_protection"), {"state": "no"})
    assert "Ja: en del af arbejdet" not in only_no.content.decode()


def test_the_neighbouring_dpo_sees_only_her_own_municipality(answered, login):
    page = login(answered.nabo_dpo).get(reverse("audit:data_protection")).content.decode()
    assert "Nabohaven" in page and "Børnehaven Mejsen" not in page and "Mette" not in page


def test_a_second_leader_answering_the_same_lookup_is_told_who_answered_first(looked_up):
    from django.core.exceptions import ValidationError

    from trivsel.organisation.models import Role

    w = looked_up
    deputy = f.StaffFactory(
        user=f.UserFactory(username="vice", municipality=w.solby),
        roles=[Role.LEADER],
        units=[w.kindergarten],
    ).user
    sample = _sample(w, w.mette_looks)[w.mette_looks[0].pk]
    stale = SampledLookup.objects.get(pk=sample.pk)  # read before the first answer
    sampled_lookup_answer(actor=w.leader, lookup=sample, part_of_work=True)
    with pytest.raises(ValidationError, match="Lone .* har allerede svaret"):
        sampled_lookup_answer(actor=deputy, lookup=stale, part_of_work=False, comment="Nej")
    sample.refresh_from_db()
    assert (sample.part_of_work, sample.answered_by) == (True, w.leader)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_review_pages_cost_the_same_queries_with_more_samples(looked_up, login):
    w = looked_up
    first = _sample(w, w.mette_looks[:1])[w.mette_looks[0].pk]
    sampled_lookup_answer(actor=w.leader, lookup=first, part_of_work=True)
    leader, dpo = login(w.leader), Client()
    dpo.force_login(w.dpo, backend="trivsel.organisation.backends.StaffModelBackend")
    review, overview = reverse("audit:lookup_review"), reverse("audit:data_protection")
    queries_for(leader, review), queries_for(dpo, overview)  # the caches of a first request
    before = queries_for(leader, review), queries_for(dpo, overview)
    # A second week with more look-ups of more children, answered and not.
    more = [f.ChildFactory(municipality=w.solby) for _ in range(4)]
    for child in more:
        f.EnrolmentFactory(child=child, group=w.room)
    grants_rebuild(child_ids=[c.pk for c in more])
    for i, child in enumerate(more):
        look(w.paedagog, child, at=this_monday(10) + timedelta(hours=i))
    with time_machine.travel(this_monday(9) + timedelta(days=7), tick=False):
        lookup_samples_draw(size=10)
    sampled_lookup_answer(
        actor=w.leader, lookup=SampledLookup.objects.order_by("-pk").first(), part_of_work=True
    )
    assert SampledLookup.objects.filter(sample__unit=w.kindergarten).count() == 7 + 5
    assert (queries_for(leader, review), queries_for(dpo, overview)) == before
    assert before[0] <= 12 and before[1] <= 12


def test_the_dpo_browses_the_access_log_of_her_municipality(answered, login):
    page = login(answered.dpo).get(reverse("audit:access_log")).content.decode()
    assert "mette" in page and "ida" not in page
    menu = login(answered.dpo).get(reverse("home")).content.decode()
    assert reverse("audit:data_protection") in menu and reverse("audit:access_log") in menu


def test_a_bad_filter_is_explained_in_danish(answered, login):
    response = login(answered.dpo).get(reverse("audit:data_protection"), {"week": "31.02.2026"})
    assert response.status_code == 200
    assert "Indtast en gyldig dato" in response.content.decode()
