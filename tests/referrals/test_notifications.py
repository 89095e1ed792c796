"""The classic notification: a teacher notifies, the intake sees it, assesses it within the
clock and sends the receipt, the teacher sees the status — and nobody else sees anything."""

import socket
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from cases.models import DataKind, Involvement, TimelineEntry
from cases.selectors import child_list_visible_to
from referrals import services
from referrals.models import Notifier, Outcome, Status, Triage, Underretning
from tests import factories as f
from trivsel.audit.models import AccessLogEntry, Basis
from trivsel.notifications.services import email_outbox_drain

pytestmark = pytest.mark.django_db


def send(world, **kwargs):
    fields = {
        "actor": world.teacher,
        "category": "child_wellbeing",
        "text": "Alma er ofte sulten og træt om morgenen.",
        "child": world.child,
        "unit": world.school,
    }
    fields.update(kwargs)
    return services.underretning_submit(**fields)


def test_it_sends_a_notification_from_the_professional_form(intake, login):
    client = login(intake.teacher)
    response = client.get("/underretninger/ny/")
    assert "Send en underretning" in response.content.decode()
    response = client.post(
        "/underretninger/ny/",
        {
            "child": intake.child.pk,
            "unit": intake.school.pk,
            "category": "child_wellbeing",
            "text": "Alma er ofte sulten.",
        },
    )
    assert response.status_code == 302
    n = Underretning.objects.get()
    assert (n.notifier, n.notifier_kind, n.status) == (
        intake.teacher,
        Notifier.PROFESSIONAL,
        "received",
    )
    assert n.next_deadline == n.received_at + timedelta(hours=24)
    page = client.get("/underretninger/mine/").content.decode()
    assert "Barnets adfærd eller trivsel" in page
    assert "Ikke endnu" in page


def test_it_keeps_every_answer_when_a_field_is_missing(intake, login):
    client = login(intake.teacher)
    response = client.post(
        "/underretninger/ny/", {"unit": intake.school.pk, "text": "Min bekymring", "category": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Min bekymring" in page
    assert "Vælg barnet, eller skriv barnets navn." in page
    assert Underretning.objects.count() == 0


def test_only_the_social_work_side_sees_the_queue_and_the_notification(intake, login, client):
    n = send(intake)
    for user in (
        intake.teacher,
        intake.paedagog,
        intake.leader,
        intake.outsider,
        intake.guardian,
        intake.administrator,
    ):
        c = login(user)
        assert c.get("/underretninger/").status_code == 404, user
        assert c.get(f"/underretninger/{n.pk}/").status_code == 404, user
    assert AccessLogEntry.objects.filter(basis=Basis.DENIED).exists()
    for user in (intake.social_worker, intake.team_leader):
        c = login(user)
        assert c.get("/underretninger/").status_code == 200
        assert "Alma Hansen" in c.get(f"/underretninger/{n.pk}/").content.decode()
    assert AccessLogEntry.objects.filter(
        actor=intake.team_leader, basis=Basis.STATUTORY, object_id=str(n.pk)
    ).exists()
    client.logout()
    assert client.get(f"/underretninger/{n.pk}/").status_code == 302  # to the login


def test_the_notifier_sees_only_her_own_status(intake, login):
    send(intake)
    other = send(intake, actor=intake.paedagog, unit=intake.kindergarten)
    page = login(intake.teacher).get("/underretninger/mine/").content.decode()
    assert page.count("<tr>") == 2  # header + her own one
    assert "sulten og træt" not in page  # status only, not the assessment or the text
    assert login(intake.teacher).get(f"/underretninger/{other.pk}/").status_code == 404


def test_tenants_never_mix(intake, login):
    nabo = f.UnitFactory(
        municipality=intake.nabo_kommune, name="Nabo modtagelse", type="modtagelse"
    )
    nabo_worker = f.StaffFactory(
        user=f.UserFactory(username="nabosara", municipality=intake.nabo_kommune),
        roles=["socialraadgiver"],
        units=[nabo],
    ).user
    n = send(intake)
    client = login(nabo_worker)
    assert client.get(f"/underretninger/{n.pk}/").status_code == 404
    assert "Alma" not in client.get("/underretninger/").content.decode()


def test_assessment_registers_the_statutory_involvement_and_hides_it_from_the_parents(intake):
    n = send(intake)
    assert intake.child not in child_list_visible_to(intake.social_worker)
    services.underretning_assess(
        actor=intake.social_worker,
        underretning=n,
        triage=Triage.INVESTIGATION,
        outcome=Outcome.INVESTIGATION,
        note="Undersøgelse iværksættes.",
    )
    n.refresh_from_db()
    assert n.status == Status.INVESTIGATING and n.assigned_to == intake.social_worker
    assert not n.assessed_late
    assert Involvement.objects.filter(child=intake.child, person=intake.social_worker).exists()
    assert intake.child in child_list_visible_to(
        intake.social_worker, kind=DataKind.NOTIFICATIONS, bases=[Basis.STATUTORY]
    )
    # The guardian never sees notifications, nor the timeline entries about them.
    assert intake.child not in child_list_visible_to(intake.guardian, kind=DataKind.NOTIFICATIONS)
    assert TimelineEntry.objects.filter(data_kind=DataKind.NOTIFICATIONS).count() >= 2
    # The investigation clock is on.
    assert [c.label for c in n.clocks()][-1] == "Undersøgelsen afsluttet (4 måneder)"


def test_a_late_assessment_is_accepted_and_marked_late(intake, login):
    n = send(intake)
    with time_machine.travel(timezone.now() + timedelta(hours=30)):
        client = login(intake.social_worker)
        response = client.post(
            f"/underretninger/{n.pk}/vurder/", {"triage": "advice", "outcome": "", "note": ""}
        )
        assert response.status_code == 302
        page = client.get(f"/underretninger/{n.pk}/").content.decode()
    n.refresh_from_db()
    assert n.assessed_late
    assert "Vurderet efter 24-timers-fristen." in page
    assert "udført for sent" in page


def test_the_receipt_mail_carries_nothing_sensitive(
    intake, login, mailoutbox, django_capture_on_commit_callbacks
):
    n = send(intake)
    client = login(intake.social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(f"/underretninger/{n.pk}/kvittering/", {"receipt-via": "email"}).status_code
            == 302
        )
    email_outbox_drain()
    (mail,) = mailoutbox
    assert mail.to == [intake.teacher.email]
    assert "Alma" not in mail.body and "sulten" not in mail.body and "1705" not in mail.body
    n.refresh_from_db()
    assert n.receipt_sent_at
    # A second receipt is refused with a Danish message, not a 500.
    response = client.post(
        f"/underretninger/{n.pk}/kvittering/", {"receipt-via": "email"}, follow=True
    )
    assert "Kvitteringen er allerede sendt." in response.content.decode()


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_receipt_waits_out_a_mail_server_that_is_away_and_goes_once(
    intake, login, settings, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    n = send(intake)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        _closed_port(),
        2,
    )
    client = login(intake.social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/underretninger/{n.pk}/kvittering/", {"receipt-via": "email"}, follow=True
        )
    # The caseworker is told the receipt is sent, and its clock stops now: the municipality has
    # sent it; the mail server being away is the outbox's to wait out.
    assert "Kvitteringen er sendt." in response.content.decode()
    n.refresh_from_db()
    assert n.receipt_sent_at == timezone.now()
    assert email_outbox_drain() == {"sent": 0, "failed": 1}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.shift(timedelta(seconds=61))
    assert email_outbox_drain() == {"sent": 1, "failed": 0}
    assert email_outbox_drain() == {"sent": 0, "failed": 0}
    (mail,) = mailoutbox
    assert mail.to == [intake.teacher.email]
    assert "Kvittering for din underretning" in mail.subject
    assert (
        n.received_at.astimezone(timezone.get_current_timezone()).strftime("%d.%m.%Y") in mail.body
    )
    assert "/underretninger/mine/" in mail.body
    assert "Alma" not in mail.body and "sulten" not in mail.body


def test_feedback_tells_the_teacher_whether_an_investigation_started(intake, login):
    n = send(intake)
    services.underretning_assess(
        actor=intake.social_worker, underretning=n, triage="investigation", outcome="investigation"
    )
    services.underretning_send_feedback(
        actor=intake.social_worker, underretning=n, via="in_product"
    )
    page = login(intake.teacher).get("/underretninger/mine/").content.decode()
    assert "Der er iværksat en undersøgelse" in page


def test_repeat_notifications_are_grouped_never_merged(intake, login):
    send(intake)
    send(intake, actor=intake.paedagog, unit=intake.kindergarten, category="neglect")
    assert Underretning.objects.filter(child=intake.child).count() == 2
    page = login(intake.social_worker).get("/underretninger/").content.decode()
    assert "1 underretning mere om samme barn" in page
    assert page.count("Alma Hansen") == 1


def test_the_queue_is_sorted_by_the_nearest_clock_and_filtered(intake, login):
    old = send(intake)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        newer = services.underretning_submit_public(
            municipality=intake.solby,
            anonymous=True,
            category="neglect",
            text="Et barn er alene hjemme.",
            child_name="Ukendt",
        )
    client = login(intake.social_worker)
    page = client.get("/underretninger/").content.decode()
    assert page.index(f"/underretninger/{old.pk}/") < page.index(f"/underretninger/{newer.pk}/")
    receipt = client.get("/underretninger/?filter=receipt").content.decode()
    assert f"/underretninger/{old.pk}/" in receipt
    assert f"/underretninger/{newer.pk}/" not in receipt  # anonymous: no receipt
    partial = client.get("/underretninger/?filter=new", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and f"/underretninger/{newer.pk}/" in partial
    assert client.get("/underretninger/?filter=nonsense&side=abc").status_code == 200


def test_the_queue_has_a_constant_number_of_queries(intake, login, django_assert_max_num_queries):
    client = login(intake.social_worker)
    client.get("/underretninger/")
    children = [f.ChildFactory(municipality=intake.solby) for _ in range(20)]
    for i in range(60):
        n = send(intake, child=None, child_name_given=f"Barn {i}")
        n.child = children[i % 20]
        n.assigned_to = intake.caseworker2 if i % 2 else intake.social_worker
        n.save()
    cache.clear()  # the worst case: the counts and the caseload are computed, not cached
    with django_assert_max_num_queries(15):
        response = client.get("/underretninger/")
    assert response.status_code == 200
    assert "flere underretninger om samme barn" in response.content.decode()


def test_the_shared_queue_logs_every_look_and_shows_a_change_at_once(intake, login):
    """The rendered queue is shared from the cache by the whole intake: each viewer's look is
    still logged, a change made through the services shows on the next load, and nobody
    outside the social-work side is served the cached page."""
    n = send(intake)
    assert "Ikke tildelt" in login(intake.social_worker).get("/underretninger/").content.decode()
    for user in (intake.team_leader, intake.social_worker):  # served from the cache now
        login(user).get("/underretninger/", HTTP_HX_REQUEST="true")
    looks = AccessLogEntry.objects.filter(
        object_type="referrals.underretning", object_id=str(n.pk), basis=Basis.STATUTORY
    )
    assert looks.filter(actor=intake.social_worker).count() == 2
    assert looks.filter(actor=intake.team_leader).count() == 1
    assert looks.filter(child_id=intake.child.pk).count() == 3

    services.underretning_assign(
        actor=intake.team_leader, underretning=n, caseworker=intake.caseworker2
    )
    page = login(intake.social_worker).get("/underretninger/", HTTP_HX_REQUEST="true")
    page = page.content.decode()
    assert intake.caseworker2.get_full_name() in page and "Ikke tildelt" not in page

    for user in (intake.teacher, intake.leader, intake.outsider, intake.guardian):
        assert login(user).get("/underretninger/", HTTP_HX_REQUEST="true").status_code == 404


def test_caseload_is_shown_against_target_and_maximum(intake, login):
    for _ in range(26):
        n = send(intake)
        n.assigned_to = intake.caseworker2
        n.save(update_fields=["assigned_to"])
    page = login(intake.team_leader).get("/underretninger/").content.decode()
    assert "Over målet" in page


def test_the_intake_writes_down_a_phone_call_and_links_the_child(intake, login):
    client = login(intake.social_worker)
    response = client.post(
        "/underretninger/modtaget/",
        {
            "notifier_kind": "citizen",
            "channel": "phone",
            **f.received(hours_ago=1),
            "notifier_name": "En nabo",
            "child_name_given": "Alma",
            "category": "neglect",
            "text": "Naboen ringede om larm.",
        },
    )
    n = Underretning.objects.get()
    assert response.status_code == 302 and n.recorded_by == intake.social_worker
    response = client.post(f"/underretninger/{n.pk}/barn/", {"cpr": "999999-9999"})
    assert "Der er intet barn med det CPR-nummer i kommunen." in response.content.decode()
    client.post(f"/underretninger/{n.pk}/barn/", {"cpr": "170521-4123"})
    n.refresh_from_db()
    assert n.child == intake.child
    entry = AccessLogEntry.objects.filter(action="search").latest("pk")
    assert "1705214123" not in entry.detail


def test_bad_input_on_the_intake_forms_gives_danish_errors(intake, login):
    n = send(intake)
    client = login(intake.social_worker)
    page = client.post(f"/underretninger/{n.pk}/vurder/", {"triage": "red"}).content.decode()
    assert "Vælg hvor hastende underretningen er." in page
    page = client.post(f"/underretninger/{n.pk}/tildel/", {"caseworker": "x"}).content.decode()
    assert "Vælg en af modtagelsens sagsbehandlere." in page
    assert client.post(f"/underretninger/{n.pk}/ukendt/").status_code == 404
    response = client.post(f"/underretninger/{n.pk}/afslut/", follow=True)
    assert "Registrér udfaldet, før underretningen afsluttes." in response.content.decode()


def test_closing_ends_the_clocks_but_a_receipt_still_owed(intake):
    n = send(intake)
    services.underretning_assess(
        actor=intake.social_worker, underretning=n, triage="advice", outcome="no_action"
    )
    services.underretning_mark(actor=intake.social_worker, underretning=n, step="close")
    n.refresh_from_db()
    # The notifier is still owed her receipt (§ 137): that clock runs on.
    assert n.status == Status.CLOSED and n.next_deadline == n.receipt_due_at
    services.underretning_send_receipt(actor=intake.social_worker, underretning=n, via="letter")
    n.refresh_from_db()
    assert n.next_deadline is None and n.receipt_via == "letter"
