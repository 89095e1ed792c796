"""Insight requests (GDPR art. 15): who may ask and download, who prepares, the one-month clock,
redaction of the notifier and the exception path's withheld entries."""

import json
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.access import grants_rebuild
from cases.insight import services
from cases.insight.selectors import insight_pending_child_ids
from cases.models import Consent, InsightDecision, InsightRequest, InsightStatus
from referrals.models import Notifier, Route, Underretning
from tests import factories as f
from trivsel.audit.models import AccessLogEntry, Action, Basis
from trivsel.notifications.models import Notification
from trivsel.notifications.services import reminders_sweep
from trivsel.organisation.models import Role

CPH = ZoneInfo("Europe/Copenhagen")
NOTIFIER = "Birthe Bagger"
NOTIFIER_EMAIL = "birthe.bagger@example.org"


@pytest.fixture
def family(world):
    """Another family in Solby (a guardian who must see nothing of Alma) and an administrator
    of Nabo (the other municipality's preparer)."""
    other_child = f.ChildFactory(municipality=world.solby, first_name="Otto", last_name="Vang")
    f.EnrolmentFactory(child=other_child, group=world.room)
    other = f.UserFactory(username="olga", municipality=world.solby, first_name="Olga")
    f.GuardianshipFactory(
        child=other_child, guardian=f.GuardianFactory(municipality=world.solby, user=other)
    )
    grants_rebuild(child_ids=[other_child.pk])
    world.other_guardian = other
    world.other_child = other_child
    world.nabo_admin = f.StaffFactory(
        user=f.UserFactory(username="nina", municipality=world.nabo_kommune),
        roles=[Role.ADMINISTRATOR],
    ).user
    return world


def ask(world):
    return services.insight_request_create(actor=world.guardian, child=world.child)


def notification(world, **extra):
    return Underretning.objects.create(
        municipality=world.solby,
        route=Route.CLASSIC,
        category="child_wellbeing",
        child=world.child,
        text=f"{NOTIFIER} så Alma græde ved afhentning. Skriv til {NOTIFIER_EMAIL}.",
        notifier_kind=Notifier.CITIZEN,
        notifier_name=NOTIFIER,
        notifier_email=NOTIFIER_EMAIL,
        notifier_phone="12345678",
        received_at=timezone.now() - timedelta(days=3),
        **extra,
    )


def logged(user, action=None, **filters):
    rows = AccessLogEntry.objects.filter(actor=user, **filters)
    return rows.filter(action=action) if action else rows


# --- Asking -------------------------------------------------------------------------------------


def test_it_lets_the_guardian_ask_from_her_childs_page(family, login):
    client = login(family.guardian)
    page = client.get(reverse("cases:child_detail", args=[family.child.pk]))
    assert "Bed om indsigt" in page.content.decode()

    response = client.post(reverse("cases:insight_request_create", args=[family.child.pk]))
    assert response.status_code == 302
    request = InsightRequest.objects.get(child=family.child)
    assert request.requested_by == family.guardian
    assert 28 <= (request.due_date - timezone.localdate()).days <= 31
    assert logged(family.guardian, Action.CREATE, object_id=str(request.pk)).exists()
    # The administrators are told in the app; the title says nothing about the child.
    told = Notification.objects.get(recipient=family.administrator)
    assert told.link == reverse("cases:insight_detail", args=[request.pk])
    assert "Alma" not in told.title

    page = client.get(reverse("cases:child_detail", args=[family.child.pk])).content.decode()
    assert "Bed om indsigt" not in page  # one open request at a time
    assert request.due_date.strftime("%d.%m.%Y") in page


def test_asking_twice_starts_no_second_clock(family, login):
    client = login(family.guardian)
    url = reverse("cases:insight_request_create", args=[family.child.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "allerede bedt om indsigt" in response.content.decode()
    assert InsightRequest.objects.count() == 1


@pytest.mark.parametrize(
    "persona", ["other_guardian", "paedagog", "teacher", "social_worker", "outsider"]
)
def test_nobody_else_may_ask(family, login, persona):
    user = getattr(family, persona)
    client = login(user)
    response = client.post(reverse("cases:insight_request_create", args=[family.child.pk]))
    assert response.status_code == 404
    assert not InsightRequest.objects.exists()
    assert logged(user, basis=Basis.DENIED).exists() or logged(user, Action.READ).exists()
    page = client.get(reverse("cases:child_detail", args=[family.child.pk]))
    assert "Bed om indsigt" not in page.content.decode()


# --- Preparing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["administrator", "social_worker"])
def test_the_preparers_see_the_request(family, login, persona):
    request = ask(family)
    user = getattr(family, persona)
    client = login(user)
    listing = client.get(reverse("cases:insight_list"))
    assert listing.status_code == 200
    assert "Alma Hansen" in listing.content.decode()
    page = client.get(reverse("cases:insight_detail", args=[request.pk]))
    assert page.status_code == 200
    assert logged(user, Action.READ, object_type="cases.insightrequest").exists()


@pytest.mark.parametrize(
    "persona",
    ["guardian", "other_guardian", "paedagog", "teacher", "leader", "outsider", "nabo_admin"],
)
def test_everyone_else_gets_404_on_the_preparers_pages(family, login, persona):
    request = ask(family)
    user = getattr(family, persona)
    client = login(user)
    for name in ("insight_detail", "insight_draft_pdf"):
        assert client.get(reverse(f"cases:{name}", args=[request.pk])).status_code == 404
    for name in ("insight_prepare", "insight_release"):
        assert client.post(reverse(f"cases:{name}", args=[request.pk])).status_code == 404
    listing = client.get(reverse("cases:insight_list"))
    if persona == "nabo_admin":  # her own municipality's list: without Alma
        assert listing.status_code == 200 and "Alma" not in listing.content.decode()
    else:
        assert listing.status_code == 404
    assert logged(user, basis=Basis.DENIED).count() >= 4  # every refused request
    request.refresh_from_db()
    assert request.status == InsightStatus.REQUESTED


def test_the_list_reads_a_fixed_number_of_queries(family, login, django_assert_max_num_queries):
    ask(family)
    for child in [f.ChildFactory(municipality=family.solby) for _ in range(5)]:
        guardian = f.UserFactory(municipality=family.solby)
        f.GuardianshipFactory(
            child=child, guardian=f.GuardianFactory(municipality=family.solby, user=guardian)
        )
        grants_rebuild(child_ids=[child.pk])
        services.insight_request_create(actor=guardian, child=child)
    client = login(family.administrator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cases:insight_list")).status_code == 200


# --- The package: redaction, the exception path, the download -------------------------------


def pdf_text(pdf):
    return subprocess.run(
        ["pdftotext", "-", "-"], input=bytes(pdf), capture_output=True, check=True
    ).stdout.decode()


def test_no_notifier_reaches_the_answer(family, login):
    notification(family)
    request = ask(family)
    client = login(family.administrator)
    assert client.post(reverse("cases:insight_prepare", args=[request.pk])).status_code == 302
    request.refresh_from_db()
    assert request.status == InsightStatus.PREPARED
    text = pdf_text(request.pdf)
    data = json.dumps(request.package, ensure_ascii=False)
    for answer in (text, data):
        assert "græde ved afhentning" in answer  # the concern itself is there
        assert NOTIFIER not in answer
        assert NOTIFIER_EMAIL not in answer
        assert "12345678" not in answer
        assert "[skjult]" in answer
        assert "Alma Hansen" in answer
    assert "Side 1 af" in text
    info = subprocess.run(["pdfinfo", "-"], input=bytes(request.pdf), capture_output=True)
    assert "Tagged:          yes" in info.stdout.decode()
    assert logged(family.administrator, Action.EXPORT, object_id=str(request.pk)).exists()


def test_the_guardian_downloads_the_released_answer_and_nobody_else(family, login):
    request = ask(family)
    services.insight_package_prepare(actor=family.social_worker, request=request)
    client = login(family.guardian)
    pdf_url = reverse("cases:insight_answer_pdf", args=[request.pk])
    json_url = reverse("cases:insight_answer_json", args=[request.pk])
    assert client.get(pdf_url).status_code == 404  # prepared, not released

    services.insight_release(actor=family.social_worker, request=request)
    assert Notification.objects.filter(recipient=family.guardian).exists()
    page = client.get(reverse("cases:child_detail", args=[family.child.pk])).content.decode()
    assert pdf_url in page and json_url in page
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Alma" not in response["Content-Disposition"]
    data = json.loads(client.get(json_url).content)
    assert data["child"]["name"] == "Alma Hansen"
    kinds = [s["kind"] for s in data["sections"]]
    assert kinds[0] == "cases.child" and "audit.access_log" in kinds and "screening" in kinds
    assert logged(family.guardian, Action.EXPORT, object_id=str(request.pk)).count() == 2
    assert InsightRequest.objects.get().released_at is not None
    assert not insight_pending_child_ids().exists()

    for persona in ("other_guardian", "paedagog", "administrator", "outsider"):
        other = login(getattr(family, persona))
        assert other.get(pdf_url).status_code == 404
        assert other.get(json_url).status_code == 404


def test_an_entry_on_the_exception_path_is_withheld_on_a_recorded_decision(family, login):
    suspected = notification(family, suspected_violence=True)
    request = ask(family)
    key = f"referrals.underretning:{suspected.pk}"
    assert list(insight_pending_child_ids()) == [family.child.pk]

    client = login(family.social_worker)
    page = client.get(reverse("cases:insight_detail", args=[request.pk])).content.decode()
    assert "græde ved afhentning" in page  # the preparer reads it to decide
    response = client.post(reverse("cases:insight_prepare", args=[request.pk]), follow=True)
    assert "Beslut først" in response.content.decode()
    request.refresh_from_db()
    assert request.status == InsightStatus.REQUESTED

    # A decision without a reason is refused, and nothing typed is lost.
    url = reverse("cases:insight_detail", args=[request.pk])
    prefix = f"entry-referrals-underretning-{suspected.pk}"
    response = client.post(
        url, {"entry": key, f"{prefix}-decision": "withhold", f"{prefix}-reason": ""}
    )
    assert response.status_code == 200
    assert "Giv begrundelsen" in response.content.decode()
    assert not InsightDecision.objects.exists()

    reason = "Mistanke om vold fra forælder; politiet er ikke færdige (§ 22, stk. 1, nr. 4)."
    client.post(url, {"entry": key, f"{prefix}-decision": "withhold", f"{prefix}-reason": reason})
    decision = InsightDecision.objects.get()
    assert (decision.decision, decision.reason, decision.decided_by) == (
        "withhold",
        reason,
        family.social_worker,
    )
    assert logged(family.social_worker, Action.CHANGE, detail__startswith=key).exists()

    client.post(reverse("cases:insight_prepare", args=[request.pk]))
    request.refresh_from_db()
    data = json.dumps(request.package, ensure_ascii=False)
    assert "græde ved afhentning" not in data
    assert "græde ved afhentning" not in pdf_text(request.pdf)
    assert reason not in data
    # The guardian's own log tells nothing of the preparation or the decision.
    guardian_log = AccessLogEntry.objects.filter(
        child_id=family.child.pk, guardian_visible_from__isnull=False
    )
    assert not guardian_log.filter(object_type="cases.insightrequest").exists()


def test_other_children_in_the_group_and_at_the_meeting_are_redacted(school, family):
    from meetings.models import AgendaItem, Forum, Meeting
    from screening import services as screening_services

    screening_services.rating_save(
        rater=school.paedagog,
        round_=school.round,
        child=school.child,
        position="gul",
        comment="Leger mest med Bo Berg og bliver ked af det.",
    )
    screening_services.rating_save(
        rater=school.colleague, round_=school.round, child=school.child2, position="groen"
    )
    forum = Forum.objects.create(
        municipality=school.solby, unit=school.kindergarten, name="Team Mejsen", kind="tvaerfagligt"
    )
    meeting = Meeting.objects.create(
        municipality=school.solby,
        forum=forum,
        title="Teammøde",
        starts_at=timezone.now(),
        place="Personalerummet",
        tovholder=school.leader,
        created_by=school.leader,
    )
    for child, text in ((school.child, "Alma og Otto slås ved frokost"), (family.other_child, "")):
        AgendaItem.objects.create(
            meeting=meeting,
            kind="child",
            child=child,
            title="Samspil",
            description=text,
            submitted_by=school.paedagog,
            # The forum's basis for discussing the child (built here as a row: the forum's own
            # consent flow is the meetings tests' business).
            consent=Consent.objects.create(
                child=child,
                guardian=child.guardians.first(),
                kinds=["basic"],
                purpose="Drøftelse i teamet",
                valid_from=timezone.localdate(),
                valid_until=timezone.localdate() + timedelta(days=30),
                status="given",
                recorded_by=school.paedagog,
            ),
        )
    request = ask(school)
    request = services.insight_package_prepare(actor=school.administrator, request=request)
    data = json.dumps(request.package, ensure_ascii=False)
    assert "Leger mest med" in data and "slås ved frokost" in data
    assert "Bo Berg" not in data
    assert "Otto" not in data
    assert "Alma" in data  # her own name stays


# --- The clock ----------------------------------------------------------------------------------


def at(day, hour=9):
    return datetime.combine(day, datetime.min.time(), tzinfo=CPH).replace(hour=hour)


def test_the_administrators_are_reminded_before_the_month_is_up_and_told_when_overdue(
    family, time_machine
):
    today = timezone.localdate()
    time_machine.move_to(at(today))
    request = ask(family)
    due = request.due_date

    def reminders():
        return Notification.objects.filter(recipient=family.administrator, kind="cases.insight")

    reminders_sweep()
    assert not reminders().exists()

    time_machine.move_to(at(due - timedelta(days=7)))
    reminders_sweep()
    reminder = reminders().get()
    assert reminder.stage == "reminder"
    assert due.strftime("%d.%m.%Y") in reminder.title
    assert "Alma" not in reminder.title
    assert not Notification.objects.filter(recipient=family.nabo_admin).exists()

    time_machine.move_to(at(due))
    reminders_sweep()
    assert reminders().count() == 1

    time_machine.move_to(at(due + timedelta(days=1)))
    reminders_sweep()
    reminders_sweep()  # twice: nothing twice
    overdue = reminders().get(stage="escalation")
    assert "ikke" in overdue.title
    assert reminders().count() == 2


def test_an_answer_released_in_time_stops_the_clock(family, time_machine):
    today = timezone.localdate()
    time_machine.move_to(at(today))
    request = ask(family)
    services.insight_package_prepare(actor=family.administrator, request=request)
    services.insight_release(actor=family.administrator, request=request)
    time_machine.move_to(at(request.due_date + timedelta(days=5)))
    reminders_sweep()
    assert not Notification.objects.filter(kind="cases.insight").exists()


# --- The demo -----------------------------------------------------------------------------------


def test_the_demo_parent_has_a_request_waiting_with_the_administrators(db):
    from django.core.management import call_command

    from trivsel.organisation.models import User

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # run again: still one request
    request = InsightRequest.objects.get()
    assert request.requested_by.username == "foraelder"
    assert list(insight_pending_child_ids()) == [request.child_id]
    admin = User.objects.get(username="admin")
    assert Notification.objects.filter(recipient=admin, kind="cases.insight_requested").exists()


@pytest.mark.parametrize("persona", ["administrator", "social_worker"])
def test_mit_overblik_lists_the_waiting_request_for_its_preparers_only(family, login, persona):
    request = ask(family)
    home = login(getattr(family, persona)).get("/").content.decode()
    asked = timezone.localtime(request.requested_at).strftime("%d.%m.%Y")
    assert f"Anmodning om indsigt af {asked}" in home
    assert reverse("cases:insight_detail", args=[request.pk]) in home
    # The line does not name the child: her name is on the request's page, where it is logged.
    assert "Alma" not in home.split("Anmodninger om indsigt")[1].split("</section>")[0]
    for other in (family.paedagog, family.nabo_admin):
        assert "Anmodning om indsigt af" not in login(other).get("/").content.decode()
    # Answered, the request leaves the list.
    InsightRequest.objects.filter(pk=request.pk).update(released_at=timezone.now())
    assert (
        "Anmodning om indsigt af" not in login(getattr(family, persona)).get("/").content.decode()
    )
