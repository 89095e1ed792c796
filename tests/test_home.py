from trivsel.audit.models import AccessLogEntry, Basis


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


def test_it_shows_a_paedagog_their_unit_and_group_with_the_child_count(world, login):
    response = login(world.paedagog).get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mit overblik" in page
    assert "Børnehaven Mejsen" in page
    assert "Mejsestuen" in page
    assert "1 barn indskrevet" in page
    # Another unit's group is not hers.
    assert "2.A" not in page


def test_it_shows_the_header_with_name_role_unit_and_municipality(world, login):
    page = login(world.paedagog).get("/").content.decode()
    assert "Mette" in page
    assert "Pædagog" in page
    assert "Solby Kommune" in page


def test_it_shows_a_teacher_their_class(world, login):
    page = login(world.teacher).get("/").content.decode()
    assert "Åskolen" in page
    assert "2.A" in page
    assert "Mejsestuen" not in page


def test_it_shows_a_leader_their_unit_without_groups_of_their_own(world, login):
    page = login(world.leader).get("/").content.decode()
    assert "Børnehaven Mejsen" in page
    assert "Du har ingen egne grupper." in page


def test_it_never_shows_another_municipality(world, login):
    page = login(world.outsider).get("/").content.decode()
    assert "Nabohaven" in page
    assert "Mejsen" not in page and "Solby" not in page


def test_it_shows_a_guardian_their_own_child_and_logs_the_look(world, login):
    page = login(world.guardian).get("/").content.decode()
    assert "Alma Hansen" in page
    entry = AccessLogEntry.objects.get(actor=world.guardian)
    assert entry.basis == Basis.GUARDIAN
    assert entry.child_id == world.child.pk


def test_it_does_not_show_a_guardian_other_children(world, login):
    from tests.factories import ChildFactory, EnrolmentFactory

    other = ChildFactory(municipality=world.solby, first_name="Viggo")
    EnrolmentFactory(child=other, group=world.room)
    page = login(world.guardian).get("/").content.decode()
    assert "Viggo" not in page


def test_it_keeps_its_queries_constant(world, login, django_assert_max_num_queries):
    from tests.factories import EnrolmentFactory, GroupFactory

    client = login(world.paedagog)
    for _ in range(5):
        group = GroupFactory(unit=world.kindergarten)
        world.paedagog.staff_profile.groups.add(group)
        EnrolmentFactory(group=group, child__municipality=world.solby)
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def test_it_speaks_danish_even_to_an_english_browser(world, login):
    page = login(world.paedagog).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Mit overblik" in page


def test_it_switches_to_english_when_the_user_asks(world, login):
    client = login(world.paedagog)
    client.post("/sprog/setlang/", {"language": "en", "next": "/"})
    assert "My overview" in client.get("/").content.decode()
    client.post("/sprog/setlang/", {"language": "da", "next": "/"})
    assert "Mit overblik" in client.get("/").content.decode()
