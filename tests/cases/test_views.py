"""Every page that shows a child's data: the right people see it (and it is logged with their
basis), everyone else gets 404 (and the attempt is logged as denied)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Consent, DataKind
from trivsel.audit.models import AccessLogEntry, Basis

PERSONAS = [
    "paedagog",
    "leader",
    "teacher",
    "social_worker",
    "administrator",
    "outsider",
    "guardian",
]


@pytest.fixture
def forlob(world):
    return services.forlob_open(
        actor=world.leader,
        child=world.child,
        title="Sprog og samspil",
        tovholder=world.paedagog,
        review_date=timezone.localdate() + timedelta(days=90),
    )


def urls(world, forlob):
    child = world.child.pk
    staff = {"paedagog": Basis.ENROLMENT, "leader": Basis.ENROLMENT}
    everyone = {**staff, "guardian": Basis.GUARDIAN}
    return [
        ("get", f"/boern/{child}/", everyone),
        ("post", f"/boern/{child}/cpr/", everyone),
        ("get", f"/boern/{child}/samtykke/ny/", staff),
        ("get", f"/boern/{child}/forloeb/ny/", staff),
        ("get", f"/forloeb/{forlob.pk}/plan/", staff),
        ("get", f"/forloeb/{forlob.pk}/tovholder/", staff),
        ("get", f"/forloeb/{forlob.pk}/afslut/", staff),
        ("get", f"/boern/{child}/involvering/ny/", staff),
        ("get", f"/boern/{child}/udveksling/ny/", staff),
        ("get", f"/boern/{child}/adgangslog/", {"guardian": Basis.GUARDIAN}),
    ]


def test_the_permission_matrix(world, forlob, login):
    for method, url, allowed in urls(world, forlob):
        for persona in PERSONAS:
            user = getattr(world, persona)
            AccessLogEntry.objects.all().delete()
            response = getattr(login(user), method)(url)
            looks = AccessLogEntry.objects.filter(actor=user, child_id=world.child.pk)
            if persona in allowed:
                assert response.status_code == 200, (persona, url, response.status_code)
                assert looks.filter(basis=allowed[persona]).exists(), (persona, url)
                assert "Alma" in response.content.decode()
            else:
                assert response.status_code == 404, (persona, url, response.status_code)
                assert "Alma" not in response.content.decode()
                assert not looks.exists()


def test_a_denied_look_is_logged(world, login):
    login(world.teacher).get(f"/boern/{world.child.pk}/")
    assert AccessLogEntry.objects.filter(actor=world.teacher, basis=Basis.DENIED).exists()


def test_the_children_list_shows_only_visible_children_and_logs_each(world, login):
    from tests.factories import ChildFactory

    ChildFactory(municipality=world.solby, first_name="Usynlig")
    page = login(world.paedagog).post("/boern/", {"q": ""}).content.decode()
    assert "Alma Hansen" in page and "Usynlig" not in page
    assert AccessLogEntry.objects.filter(
        actor=world.paedagog, child_id=world.child.pk, basis=Basis.ENROLMENT
    ).exists()
    assert login(world.outsider).get("/boern/").content.decode().count("Alma") == 0
    assert login(world.guardian).get("/boern/").status_code == 404


def test_the_list_searches_by_name_and_by_exact_cpr_with_the_term_masked(world, login):
    client = login(world.paedagog)
    assert "Alma" in client.post("/boern/", {"q": "alm"}).content.decode()
    assert "Alma" not in client.post("/boern/", {"q": "viggo"}).content.decode()
    page = client.post("/boern/", {"q": "170521-4123"}).content.decode()
    results = page[page.index('id="results"') :]
    assert "Alma" in results
    # The list shows the masked number; only the search field keeps what the user typed.
    assert "170521-XXXX" in results
    assert "1705214123" not in results and "170521-4123" not in results
    search = (
        AccessLogEntry.objects.filter(actor=world.paedagog, action="search").order_by("pk").last()
    )
    assert search.detail == "170521-XXXX"


def test_a_cpr_number_never_appears_in_a_page_link_or_log(world, login, caplog):
    client = login(world.paedagog)
    detail = client.get(f"/boern/{world.child.pk}/").content.decode()
    assert "170521-XXXX" in detail
    assert "1705214123" not in detail
    for html in (detail, client.get("/boern/").content.decode()):
        for link in re.findall(r'(?:href|action|hx-post|hx-get)="([^"]+)"', html):
            assert not re.search(r"\d{6}-?\d{4}", link), link
    assert "1705214123" not in caplog.text


def test_show_cpr_reveals_the_number_and_logs_it(world, login):
    response = login(world.paedagog).post(f"/boern/{world.child.pk}/cpr/", HTTP_HX_REQUEST="true")
    assert "170521-4123" in response.content.decode()
    assert AccessLogEntry.objects.filter(actor=world.paedagog, purpose="Vis CPR-nummer").exists()


def test_the_list_keeps_its_queries_constant(world, login, django_assert_max_num_queries):
    from cases.access import grants_rebuild
    from tests.factories import ChildFactory, EnrolmentFactory

    children = [ChildFactory(municipality=world.solby) for _ in range(60)]
    for child in children:
        EnrolmentFactory(child=child, group=world.room)
    grants_rebuild(child_ids=[c.pk for c in children])
    client = login(world.paedagog)
    with django_assert_max_num_queries(14):
        assert client.get("/boern/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.post("/boern/", {"q": "barn"}).status_code == 200


def test_recording_a_consent_through_the_form(world, login):
    client = login(world.paedagog)
    guardian = world.child.guardians.get()
    response = client.post(
        f"/boern/{world.child.pk}/samtykke/ny/",
        {
            "giver": f"guardian-{guardian.pk}",
            "kinds": [DataKind.BASIC],
            "recipient_units": [world.school.pk],
            "purpose": "Overlevering",
            "valid_from": timezone.localdate().strftime("%d.%m.%Y"),
            "valid_until": (timezone.localdate() + timedelta(days=30)).strftime("%d.%m.%Y"),
            "evidence": "paper",
            "paper_date": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    assert login(world.teacher).get(f"/boern/{world.child.pk}/").status_code == 200


def test_a_consent_form_without_scope_explains_in_danish_and_keeps_the_input(world, login):
    guardian = world.child.guardians.get()
    response = login(world.paedagog).post(
        f"/boern/{world.child.pk}/samtykke/ny/",
        {
            "giver": f"guardian-{guardian.pk}",
            "purpose": "Mit formål",
            "valid_from": "31.02.2026",
            "valid_until": "",
            "evidence": "paper",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Indtast en gyldig dato" in page
    assert "Mit formål" in page
    assert not Consent.objects.exists()


def test_a_guardian_withdraws_their_consent_and_the_school_loses_access(world, login):
    consent = services.consent_record(
        actor=world.paedagog,
        child=world.child,
        guardian=world.child.guardians.get(),
        kinds=[DataKind.BASIC],
        units=[world.school],
        purpose="Overlevering",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=9),
        paper_date=timezone.localdate(),
    )
    assert login(world.teacher).get(f"/boern/{world.child.pk}/").status_code == 200
    login(world.guardian).post(f"/samtykke/{consent.pk}/tilbagekald/")
    assert login(world.teacher).get(f"/boern/{world.child.pk}/").status_code == 404


def test_the_plan_editor_warns_about_a_conflict_and_keeps_the_text(world, forlob, login):
    stale = forlob.version
    services.forlob_plan_update(actor=world.leader, forlob=forlob, version=stale, goal="Lones mål")
    response = login(world.paedagog).post(
        f"/forloeb/{forlob.pk}/plan/",
        {
            "version": stale,
            "title": forlob.title,
            "goal": "Mettes mål",
            "ladder_step": "universal",
            "review_date": "01.03.2027",
            "sub_goals": "",
            "child_heard": "conversation",
            "child_heard_note": "Vi talte med Alma i legen.",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lones mål" in page and "Mettes mål" in page
    forlob.refresh_from_db()
    assert forlob.goal == "Lones mål"


def test_my_tasks_shows_only_my_open_tasks(world, login):
    services.task_create(
        child=world.child,
        title="Ring til forældrene",
        owner=world.paedagog,
        due_date=timezone.localdate(),
    )
    services.task_create(
        child=world.child, title="Lones opgave", owner=world.leader, due_date=timezone.localdate()
    )
    page = login(world.paedagog).get("/opgaver/").content.decode()
    assert "Ring til forældrene" in page and "Lones opgave" not in page


def test_the_guardian_sees_dates_and_purposes_of_look_ups_but_not_who(world, login):
    login(world.paedagog).get(f"/boern/{world.child.pk}/")
    page = login(world.guardian).get(f"/boern/{world.child.pk}/adgangslog/").content.decode()
    assert "Barnets side" in page
    assert "Mette" not in page and "mette" not in page


def test_an_invalid_cpr_search_is_explained_in_danish(world, login):
    page = login(world.paedagog).post("/boern/", {"q": "311399-1234"}).content.decode()
    assert "ikke et gyldigt CPR-nummer" in page


def test_the_admin_refuses_an_invalid_cpr_in_danish(world, login):
    from django.contrib.auth.models import Permission

    from trivsel.organisation.demo import _administrator_permissions

    world.administrator.user_permissions.set(
        list(_administrator_permissions())
        + list(Permission.objects.filter(codename__in=["add_child", "view_child", "change_child"]))
    )
    response = login(world.administrator).post(
        "/admin/cases/child/add/",
        {
            "municipality": world.solby.pk,
            "first_name": "Ny",
            "last_name": "Elev",
            "cpr": "3113991234",
            "language_needs": "",
            "enrolments-TOTAL_FORMS": "0",
            "enrolments-INITIAL_FORMS": "0",
            "guardianship_set-TOTAL_FORMS": "0",
            "guardianship_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "gyldigt CPR-nummer" in response.content.decode()


def test_the_childs_page_keeps_its_queries_constant(
    world, forlob, login, django_assert_max_num_queries
):
    for i in range(10):
        services.task_create(
            child=world.child,
            title=f"Opgave {i}",
            owner=world.paedagog,
            due_date=timezone.localdate(),
        )
        services.consent_record(
            actor=world.paedagog,
            child=world.child,
            guardian=world.child.guardians.get(),
            kinds=[DataKind.BASIC],
            units=[world.school],
            purpose=f"Formål {i}",
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate(),
            paper_date=timezone.localdate(),
        )
    client = login(world.paedagog)
    with django_assert_max_num_queries(25):
        assert client.get(f"/boern/{world.child.pk}/").status_code == 200


def test_a_guardian_does_not_see_internal_tasks(world, login):
    services.task_create(
        child=world.child,
        title="Intern opgave",
        owner=world.paedagog,
        due_date=timezone.localdate(),
    )
    assert (
        "Intern opgave"
        not in login(world.guardian).get(f"/boern/{world.child.pk}/").content.decode()
    )


def test_registering_who_works_with_the_child(world, login):
    response = login(world.leader).post(
        f"/boern/{world.child.pk}/involvering/ny/",
        {
            "person": world.teacher.pk,
            "role": "AKT-lærer",
            "purpose": "Sparring om samspil",
            "start": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    page = login(world.paedagog).get(f"/boern/{world.child.pk}/").content.decode()
    assert "Sparring om samspil" in page
    # Being in the register is not a basis: without consent the teacher still sees nothing.
    assert login(world.teacher).get(f"/boern/{world.child.pk}/").status_code == 404


def test_only_the_social_work_side_registers_a_social_worker(world, login):
    page = (
        login(world.leader)
        .post(
            f"/boern/{world.child.pk}/involvering/ny/",
            {
                "person": world.social_worker.pk,
                "role": "Socialrådgiver",
                "purpose": "Sag",
                "start": timezone.localdate().strftime("%d.%m.%Y"),
            },
        )
        .content.decode()
    )
    assert "Kun myndighedssiden" in page or "myndighed" in page.lower()
    assert login(world.social_worker).get(f"/boern/{world.child.pk}/").status_code == 404


def test_a_guardian_does_not_learn_of_the_social_work_sides_involvement(world, login):
    services.statutory_involvement_add(
        actor=world.social_worker,
        child=world.child,
        person=world.social_worker,
        role="Socialrådgiver",
        purpose="Vurdering af underretning",
        start=timezone.localdate(),
    )
    login(world.social_worker).get(f"/boern/{world.child.pk}/")
    client = login(world.guardian)
    assert (
        "Vurdering af underretning" not in client.get(f"/boern/{world.child.pk}/").content.decode()
    )
    assert (
        "Myndighedshjemmel"
        not in client.get(f"/boern/{world.child.pk}/adgangslog/").content.decode()
    )


def test_a_recipient_by_consent_may_look_but_not_change_the_record(world, login):
    services.consent_record(
        actor=world.paedagog,
        child=world.child,
        guardian=world.child.guardians.get(),
        kinds=[DataKind.BASIC],
        units=[world.school],
        purpose="Overlevering",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=9),
        paper_date=timezone.localdate(),
    )
    client = login(world.teacher)
    assert client.get(f"/boern/{world.child.pk}/").status_code == 200
    for url in ("samtykke/ny/", "udveksling/ny/", "involvering/ny/", "forloeb/ny/"):
        assert client.get(f"/boern/{world.child.pk}/{url}").status_code == 404, url


def test_a_cpr_search_typed_with_spaces_is_logged_masked(world, login):
    login(world.paedagog).post("/boern/", {"q": "17 05 21 41 23"})
    details = list(AccessLogEntry.objects.filter(action="search").values_list("detail", flat=True))
    assert details and all(d == "170521-XXXX" for d in details)


def test_a_far_future_date_is_refused_with_a_message(world, login):
    guardian = world.child.guardians.get()
    response = login(world.paedagog).post(
        f"/boern/{world.child.pk}/samtykke/ny/",
        {
            "giver": f"guardian-{guardian.pk}",
            "kinds": [DataKind.BASIC],
            "recipient_units": [world.school.pk],
            "purpose": "Overlevering",
            "valid_from": "01.01.2026",
            "valid_until": "31.12.9999",
            "evidence": "paper",
        },
    )
    assert response.status_code == 200
    assert "1900" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_garbled_consent_answer_changes_nothing(world, login):
    consent = services.consent_record(
        actor=world.paedagog,
        child=world.child,
        guardian=world.child.guardians.get(),
        kinds=[DataKind.BASIC],
        units=[world.school],
        purpose="Overlevering",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=9),
        paper=False,
    )
    login(world.guardian).post(f"/samtykke/{consent.pk}/svar/", {"answer": "måske"})
    assert Consent.objects.get(pk=consent.pk).status == "awaiting"


def test_my_tasks_hides_a_task_about_a_child_i_can_no_longer_see(world, login):
    services.task_create(
        child=world.child,
        title="Hemmelig opgave",
        owner=world.teacher,
        due_date=timezone.localdate(),
    )
    assert "Hemmelig opgave" not in login(world.teacher).get("/opgaver/").content.decode()


def test_an_exchange_is_marked_as_such_on_the_childs_page(world, login):
    login(world.leader).post(
        f"/boern/{world.child.pk}/udveksling/ny/",
        {
            "purpose": "Tværfagligt team",
            "participants": [world.teacher.pk],
            "meeting_date": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    page = login(world.teacher).get(f"/boern/{world.child.pk}/").content.decode()
    assert "uden samtykke" in page
    assert "tidligere servicelovens § 49 a" in page


def test_siblings_show_only_when_the_user_may_see_them(world, login):
    from tests.factories import ChildFactory, EnrolmentFactory, GuardianshipFactory

    sister = ChildFactory(municipality=world.solby, first_name="Søster")
    GuardianshipFactory(child=sister, guardian=world.child.guardians.get())
    assert "Søster" not in login(world.paedagog).get(f"/boern/{world.child.pk}/").content.decode()
    EnrolmentFactory(child=sister, group=world.room)
    from cases.access import grants_rebuild

    grants_rebuild(child_ids=[sister.pk])
    assert "Søster" in login(world.paedagog).get(f"/boern/{world.child.pk}/").content.decode()
