"""The bell, the notifications page, mark as read and the digest choice."""

import pytest
from django.utils import timezone

from trivsel.notifications.models import Notification, NotificationPreference


def notify(user, n=1, **kwargs):
    return [
        Notification.objects.create(
            recipient=user,
            key=f"test:{user.pk}:{i}:{kwargs.get('stage', 'reminder')}",
            kind="cases.task",
            stage=kwargs.get("stage", "reminder"),
            link="/opgaver/",
            due_at=timezone.now(),
        )
        for i in range(n)
    ]


def test_it_shows_the_unread_count_in_the_bell(world, login):
    notify(world.paedagog, 3)
    notify(world.teacher, 5)
    response = login(world.paedagog).get("/notifikationer/antal/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert ">3<" in response.content.decode()
    assert "3 ulæste" in response.content.decode()


def test_the_bell_is_empty_with_nothing_unread(world, login):
    response = login(world.paedagog).get("/notifikationer/antal/")
    assert "badge" not in response.content.decode()


def test_the_bell_stops_polling_when_signed_out(client):
    assert client.get("/notifikationer/antal/").status_code == 286


def test_polling_the_bell_does_not_keep_an_idle_session_alive(world, login):
    client = login(world.paedagog)
    client.get("/notifikationer/")  # real activity writes the session
    session = client.session
    session["_active_at"] = 0  # long ago
    session.save()
    client.get("/notifikationer/antal/")
    assert client.session["_active_at"] == 0


def test_every_page_has_the_bell(world, login):
    page = login(world.paedagog).get("/").content.decode()
    assert 'hx-get="/notifikationer/antal/"' in page
    assert 'aria-live="polite"' in page


def test_the_page_lists_my_notifications_only(world, login):
    notify(world.paedagog, 2)
    notify(world.teacher, 1)
    page = login(world.paedagog).get("/notifikationer/").content.decode()
    assert page.count('<tr id="notification-') == 2
    assert "Du har 2 ulæste notifikationer." in page
    assert "En opfølgningsopgave forfalder" in page


def test_the_page_shows_an_escalation_as_such(world, login):
    notify(world.leader, stage="escalation")
    page = login(world.leader).get("/notifikationer/").content.decode()
    assert "sendt videre til dig som leder" in page


@pytest.mark.parametrize("persona", ["teacher", "leader", "outsider", "guardian"])
def test_nobody_marks_another_users_notification(world, login, persona):
    (mine,) = notify(world.paedagog)
    response = login(getattr(world, persona)).post(f"/notifikationer/{mine.pk}/laest/")
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_marking_read_changes_the_count_and_never_access(world, login):
    (mine,) = notify(world.paedagog)
    client = login(world.paedagog)
    before = client.get(f"/boern/{world.child.pk}/").status_code
    response = client.post(f"/notifikationer/{mine.pk}/laest/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Læst" in response.content.decode()
    assert "notifications-changed" in response["HX-Trigger"]
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/boern/{world.child.pk}/").status_code == before == 200
    assert "badge" not in client.get("/notifikationer/antal/").content.decode()


def test_marking_read_for_an_outsider_never_opens_the_child(world, login):
    (theirs,) = notify(world.outsider)
    client = login(world.outsider)
    client.post(f"/notifikationer/{theirs.pk}/laest/")
    assert client.get(f"/boern/{world.child.pk}/").status_code == 404


def test_mark_all_read_without_javascript(world, login):
    notify(world.paedagog, 3)
    notify(world.teacher, 1)
    response = login(world.paedagog).post("/notifikationer/alle-laest/", follow=True)
    assert "Alle notifikationer er markeret som læst." in response.content.decode()
    assert not Notification.objects.filter(recipient=world.paedagog, read_at=None).exists()
    assert Notification.objects.filter(recipient=world.teacher, read_at=None).count() == 1


def test_the_daily_digest_is_a_choice_per_user(world, login):
    client = login(world.paedagog)
    response = client.post("/notifikationer/indstillinger/", {"daily_digest": "on"}, follow=True)
    assert "én e-mail om dagen" in response.content.decode()
    assert NotificationPreference.objects.get(user=world.paedagog).daily_digest
    assert "checked" in client.get("/notifikationer/").content.decode()
    client.post("/notifikationer/indstillinger/", {})
    assert not NotificationPreference.objects.get(user=world.paedagog).daily_digest
    assert not NotificationPreference.objects.filter(user=world.teacher).exists()


def test_the_page_needs_a_login(client):
    response = client.get("/notifikationer/")
    assert response.status_code == 302
    assert "/log-ind/" in response["Location"]


def test_the_list_page_has_a_constant_number_of_queries(
    world, login, django_assert_max_num_queries
):
    notify(world.paedagog, 40)
    client = login(world.paedagog)
    client.get("/notifikationer/")
    with django_assert_max_num_queries(12):
        assert client.get("/notifikationer/").status_code == 200
