import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.deletion import ProtectedError

from cases.models import DataKind, Task
from screening import selectors, services
from screening.models import Rating, RoundStatus
from trivsel.audit.models import AccessLogEntry, Basis


def rate(world, rater, child, position, comment=""):
    return services.rating_save(
        rater=rater, round_=world.round, child=child, position=position, comment=comment
    )


def test_a_second_save_of_the_same_mark_updates_it(school):
    rate(school, school.paedagog, school.child, "gul")
    rate(school, school.paedagog, school.child, "groen", "glad i dag")
    mark = Rating.objects.get()
    assert (mark.position, mark.comment) == ("groen", "glad i dag")


def test_the_rating_page_saves_per_click_and_counts_progress(school, login):
    client = login(school.paedagog)
    page = client.get(f"/trivsel/runde/{school.round.pk}/").content.decode()
    assert "0 af 2 vurderet" in page
    response = client.post(
        f"/trivsel/runde/{school.round.pk}/markering/",
        {"child": school.child.pk, "position": "gul", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "1 af 2 vurderet" in response.content.decode()
    # Reloading shows the saved mark: nothing is lost.
    page = client.get(f"/trivsel/runde/{school.round.pk}/").content.decode()
    assert re.search(r'value="gul"\s+checked', page)


def test_marks_are_private_until_the_joint_session(school, login):
    rate(school, school.paedagog, school.child, "roed", "bekymret")
    page = login(school.colleague).get(f"/trivsel/runde/{school.round.pk}/").content.decode()
    assert "bekymret" not in page
    assert (
        login(school.leader).get(f"/trivsel/runde/{school.round.pk}/oversigt/").status_code == 404
    )
    services.round_start_joint(actor=school.leader, round_=school.round)
    page = login(school.leader).get(f"/trivsel/runde/{school.round.pk}/oversigt/").content.decode()
    assert "bekymret" in page


def test_a_mark_outside_an_open_round_is_refused_clearly(school, login):
    from tests.factories import ChildFactory

    stranger = ChildFactory(municipality=school.solby)
    with pytest.raises(ValidationError):
        rate(school, school.paedagog, stranger, "gul")
    services.round_start_joint(actor=school.leader, round_=school.round)
    response = login(school.paedagog).post(
        f"/trivsel/runde/{school.round.pk}/markering/",
        {"child": school.child.pk, "position": "gul"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "ikke længere åben" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_nonsense_position_is_refused(school, login):
    response = login(school.paedagog).post(
        f"/trivsel/runde/{school.round.pk}/markering/",
        {"child": school.child.pk, "position": "lilla"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422


def test_only_the_units_leader_runs_the_joint_session(school):
    with pytest.raises(PermissionDenied):
        services.round_start_joint(actor=school.paedagog, round_=school.round)
    services.round_start_joint(actor=school.leader, round_=school.round)
    assert school.round.status == RoundStatus.JOINT


def rule_tasks(child):
    return set(
        Task.objects.filter(child=child, source_type="screening.rule").values_list(
            "source_id", flat=True
        )
    )


def test_two_yellow_marks_and_an_agreed_yellow_give_the_parent_and_plan_tasks(school):
    rate(school, school.paedagog, school.child, "gul")
    rate(school, school.colleague, school.child, "gul")
    services.round_start_joint(actor=school.leader, round_=school.round)
    assessment = services.joint_assessment_save(
        actor=school.leader,
        round_=school.round,
        child=school.child,
        position="gul",
        reflection="Stille i samling",
    )
    assert rule_tasks(school.child) == {f"{assessment.pk}:parents", f"{assessment.pk}:plan"}
    # Saving again does not create the tasks twice.
    services.joint_assessment_save(
        actor=school.leader, round_=school.round, child=school.child, position="gul"
    )
    assert Task.objects.filter(source_type="screening.rule").count() == 2


def test_an_agreed_red_sends_the_child_to_the_cross_disciplinary_team(school):
    services.round_start_joint(actor=school.leader, round_=school.round)
    assessment = services.joint_assessment_save(
        actor=school.leader, round_=school.round, child=school.child2, position="roed"
    )
    assert rule_tasks(school.child2) == {f"{assessment.pk}:team"}
    assert selectors.red_team_pending(school.child2, unit=school.kindergarten)


def test_red_in_health_visiting_suggests_a_notification(school):
    from trivsel.organisation.models import UnitType

    school.kindergarten.type = UnitType.HEALTH_VISITING
    school.kindergarten.save()
    services.round_start_joint(actor=school.leader, round_=school.round)
    assessment = services.joint_assessment_save(
        actor=school.leader, round_=school.round, child=school.child, position="roed"
    )
    task = Task.objects.get(source_id=f"{assessment.pk}:notification")
    assert task.data_kind == DataKind.NOTIFICATIONS


def test_the_joint_session_through_the_page_creates_the_tasks(school, login):
    rate(school, school.paedagog, school.child, "gul")
    rate(school, school.colleague, school.child, "gul")
    client = login(school.leader)
    client.post(f"/trivsel/runde/{school.round.pk}/faelles/")
    response = client.post(
        f"/trivsel/runde/{school.round.pk}/vurdering/{school.child.pk}/",
        {"position": "gul", "reflection": "Vi undrer os", "involve_parents": "on"},
    )
    assert response.status_code == 302
    tasks = client.get("/opgaver/").content.decode()
    assert "Inddrag forældrene" in tasks or "forældrene" in tasks


def test_rounds_are_visible_only_to_the_group_and_its_leaders(school, login):
    url = f"/trivsel/runde/{school.round.pk}/"
    for user in (school.paedagog, school.colleague, school.leader):
        assert login(user).get(url).status_code == 200
    for user in (school.teacher, school.social_worker, school.outsider, school.guardian):
        assert login(user).get(url).status_code == 404


def test_looking_at_the_round_is_logged_with_the_screening_basis(school, login):
    login(school.paedagog).get(f"/trivsel/runde/{school.round.pk}/")
    entry = AccessLogEntry.objects.get(actor=school.paedagog, child_id=school.child.pk)
    assert entry.basis == Basis.ENROLMENT


def test_a_used_form_cannot_be_deleted(school):
    with pytest.raises(ProtectedError):
        school.round.template.delete()


def test_the_pages_keep_their_queries_constant(school, login, django_assert_max_num_queries):
    from cases.access import grants_rebuild
    from tests.factories import ChildFactory, EnrolmentFactory

    extra = [ChildFactory(municipality=school.solby) for _ in range(25)]
    for child in extra:
        EnrolmentFactory(child=child, group=school.room)
    grants_rebuild(child_ids=[c.pk for c in extra])
    for child in extra:
        rate(school, school.paedagog, child, "groen")
        rate(school, school.colleague, child, "gul")
    client = login(school.paedagog)
    client.get("/")  # the first request after signing in writes the session; later ones do not
    with django_assert_max_num_queries(14):
        assert client.get(f"/trivsel/runde/{school.round.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        response = client.post(
            f"/trivsel/runde/{school.round.pk}/markering/",
            {"child": extra[0].pk, "position": "gul"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
    services.round_start_joint(actor=school.leader, round_=school.round)
    leader = login(school.leader)
    leader.get("/")
    with django_assert_max_num_queries(14):
        assert leader.get(f"/trivsel/runde/{school.round.pk}/oversigt/").status_code == 200


def agree(school, position, summary=""):
    services.round_start_joint(actor=school.leader, round_=school.round)
    return services.joint_assessment_save(
        actor=school.leader,
        round_=school.round,
        child=school.child,
        position=position,
        reflection="Intern refleksion",
        parent_summary=summary,
    )


def test_the_history_shows_staff_the_agreed_positions_and_parents_only_their_summary(school, login):
    agree(
        school,
        "gul",
        "Alma leger mest alene. Vi vil gerne tale med jer om, hvordan vi sammen kan støtte hende.",
    )
    url = f"/trivsel/barn/{school.child.pk}/"
    staff_page = login(school.paedagog).get(url).content.decode()
    assert "Intern refleksion" in staff_page and "Gul position" in staff_page
    parent_page = login(school.guardian).get(url).content.decode()
    assert "leger mest alene" in parent_page
    assert "Intern refleksion" not in parent_page
    for colour in ("grøn", "gul", "rød", "green", "yellow", "red"):
        main = parent_page[parent_page.index("<main") : parent_page.index("</main>")]
        assert colour not in main.lower(), colour
    for user in (school.teacher, school.outsider):
        assert login(user).get(url).status_code == 404


def test_parents_see_nothing_when_the_municipality_says_so(school, login):
    from screening.models import RuleSet

    agree(school, "groen", "Alma trives.")
    RuleSet.objects.update_or_create(
        municipality=school.solby, defaults={"parents_see_written_assessment": False}
    )
    assert login(school.guardian).get(f"/trivsel/barn/{school.child.pk}/").status_code == 404


def test_editing_a_used_form_makes_a_new_version(school, login):
    from screening.models import FormTemplate

    copy = FormTemplate.objects.get(pk=school.round.template.pk)
    copy.pk, copy.municipality = None, school.solby
    copy.save()
    school.round.template = copy
    school.round.save()
    from django.contrib.auth.models import Permission

    from trivsel.organisation.demo import _administrator_permissions  # noqa: F401

    school.administrator.user_permissions.set(
        Permission.objects.filter(codename__in=["change_formtemplate", "view_formtemplate"])
    )
    data = {
        "sector": copy.sector,
        "name": "Vores skema",
        "areas": '[{"title": "Leg", "questions": []}]',
        "green_text": "g",
        "yellow_text": "y",
        "red_text": "r",
    }
    response = login(school.administrator).post(
        f"/admin/screening/formtemplate/{copy.pk}/change/", data
    )
    assert response.status_code == 302
    school.round.refresh_from_db()
    assert school.round.template.name == copy.name  # the round keeps the version it used
    newest = FormTemplate.objects.get(name="Vores skema")
    assert (newest.version, newest.previous_id, newest.is_current) == (2, copy.pk, True)


def test_a_decided_action_becomes_a_task_for_its_owner(school, login):
    client = login(school.leader)
    client.post(f"/trivsel/runde/{school.round.pk}/faelles/")
    client.post(
        f"/trivsel/runde/{school.round.pk}/vurdering/{school.child.pk}/",
        {
            "position": "groen",
            "action_title": "Følg op på legerelationer",
            "action_owner": school.paedagog.pk,
            "action_due": "01.02.2027",
        },
    )
    task = Task.objects.get(source_type="screening.action")
    assert (task.owner, task.due_date.isoformat()) == (school.paedagog, "2027-02-01")
    assert "Følg op på legerelationer" in login(school.paedagog).get("/opgaver/").content.decode()


def test_a_decided_action_without_owner_is_explained_and_saves_nothing(school, login):
    client = login(school.leader)
    client.post(f"/trivsel/runde/{school.round.pk}/faelles/")
    response = client.post(
        f"/trivsel/runde/{school.round.pk}/vurdering/{school.child.pk}/",
        {"position": "groen", "action_title": "Noget"},
        follow=True,
    )
    assert "ansvarlig" in response.content.decode() or "frist" in response.content.decode()
    assert not Task.objects.filter(source_type="screening.action").exists()


def test_the_leader_plans_the_year(school, login):
    from screening.models import Round

    template = school.round.template
    response = login(school.leader).post(
        "/trivsel/planlaeg/",
        {
            "groups": [school.room.pk],
            "template": template.pk,
            "deadlines": "15.01.2030, 15.04.2030, 15.10.2030",
        },
    )
    assert response.status_code == 302
    assert Round.objects.filter(group=school.room).count() == 4
    page = (
        login(school.leader)
        .post(
            "/trivsel/planlaeg/",
            {
                "groups": [school.room.pk],
                "template": template.pk,
                "deadlines": "i morgen",
            },
        )
        .content.decode()
    )
    assert "i morgen" in page
    assert Round.objects.filter(group=school.room).count() == 4
