"""Guardians see the meetings they take part in — a parent row naming them — and nothing of any
other meeting about their child: not in Møder, not its page or minutes, not on the child's
timeline, not in their access log (meetings.selectors.meetings_the_family_takes_part_in and
log_topic)."""

import pytest
from django.core import mail
from django.utils import timezone

from cases import services as case_services
from cases.access import grants_rebuild
from cases.models import TimelineEntry, TimelineKind
from meetings import services
from tests import factories as f
from tests.meetings.conftest import at, confirm, write_minutes
from trivsel.audit.models import AccessLogEntry, Basis, Topic
from trivsel.notifications.models import OutgoingEmail
from trivsel.notifications.services import email_outbox_drain

PURPOSE = "Myndighedens drøftelse af bekymring for hjemmet"


@pytest.fixture
def concern(world):
    """Lone (leader) plans a network meeting about Alma with the social worker; no parents on
    the list. The minutes are written and approved."""
    meeting = services.network_meeting_create(
        actor=world.leader,
        child=world.child,
        purpose=PURPOSE,
        starts_at=at(3),
        place="Børnehaven Mejsen",
        tovholder=world.leader,
    )
    world.meeting = meeting
    world.guardian_row = world.child.guardians.get()
    return world


def caseworker_takes_over(world):
    """Sara (the social-work side), involved with Alma on the statutory basis — which reaches the
    minutes, unlike Lone's enrolment basis — becomes the tovholder and writes the minutes."""
    case_services.statutory_involvement_add(
        actor=world.social_worker,
        child=world.child,
        person=world.social_worker,
        role="Socialrådgiver",
        purpose="Underretning",
        start=timezone.localdate(),
    )
    services.meeting_hand_over(
        actor=world.leader, meeting=world.meeting, tovholder=world.social_worker
    )
    return world.social_worker


def approve(world, meeting, actor):
    minutes = write_minutes(world, meeting, actor=actor, agreements="Aftaler om næste skridt")
    return services.minutes_approve(actor=actor, minutes=minutes)


def main_of(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_a_guardian_not_on_the_list_sees_nothing_of_the_meeting(concern, login):
    client = login(concern.guardian)
    meetings = main_of(client.get("/moeder/"))
    assert PURPOSE not in meetings
    assert f"/moeder/{concern.meeting.pk}/" not in meetings
    AccessLogEntry.objects.all().delete()
    assert client.get(f"/moeder/{concern.meeting.pk}/").status_code == 404
    assert AccessLogEntry.objects.filter(actor=concern.guardian, basis=Basis.DENIED).exists()
    child_page = main_of(client.get(f"/boern/{concern.child.pk}/"))
    assert "Netværksmøde planlagt" not in child_page
    assert PURPOSE not in child_page


def test_nor_its_minutes_once_they_are_approved(concern, login):
    minutes = approve(concern, concern.meeting, caseworker_takes_over(concern))
    client = login(concern.guardian)
    for variant in ("", "?udgave=parent"):
        assert client.get(f"/moeder/referat/{minutes.pk}/pdf/{variant}").status_code == 404
    assert "Referat af" not in main_of(client.get(f"/boern/{concern.child.pk}/"))


def test_the_staffs_looks_at_it_stay_out_of_the_parents_log(concern, login):
    AccessLogEntry.objects.all().delete()
    assert login(concern.leader).get(f"/moeder/{concern.meeting.pk}/").status_code == 200
    look = AccessLogEntry.objects.get(actor=concern.leader, child_id=concern.child.pk)
    assert (look.topic, look.guardian_visible_from) == (Topic.INTERNAL, None)
    log = main_of(login(concern.guardian).get(f"/boern/{concern.child.pk}/adgangslog/"))
    assert "Mødeside" not in log


def test_once_on_the_list_the_guardian_sees_it_everywhere(concern, login):
    services.participant_add(
        actor=concern.leader, meeting=concern.meeting, kind="parent", guardian=concern.guardian_row
    )
    services.participant_add(
        actor=concern.leader, meeting=concern.meeting, kind="staff", user=concern.paedagog
    )
    services.network_consent_record(
        actor=concern.leader,
        meeting=concern.meeting,
        guardian=concern.guardian_row,
        paper_date=timezone.localdate(),
    )
    minutes = approve(concern, concern.meeting, concern.leader)
    client = login(concern.guardian)
    assert f"/moeder/{concern.meeting.pk}/" in main_of(client.get("/moeder/"))
    assert PURPOSE in main_of(client.get(f"/moeder/{concern.meeting.pk}/"))
    assert client.get(f"/moeder/referat/{minutes.pk}/pdf/").status_code == 200
    child_page = main_of(client.get(f"/boern/{concern.child.pk}/"))
    assert "Netværksmøde planlagt" in child_page and "Referat af" in child_page
    # The professionals' looks now concern a meeting the parents take part in.
    AccessLogEntry.objects.all().delete()
    login(concern.leader).get(f"/moeder/{concern.meeting.pk}/")
    look = AccessLogEntry.objects.get(actor=concern.leader, child_id=concern.child.pk)
    assert look.topic == Topic.MEETING and look.guardian_visible_from is not None


def test_the_other_guardian_not_on_the_list_sees_nothing(concern, login):
    father_login = f.UserFactory(username="peter", municipality=concern.solby, first_name="Peter")
    father = f.GuardianFactory(municipality=concern.solby, user=father_login, first_name="Peter")
    f.GuardianshipFactory(child=concern.child, guardian=father)
    grants_rebuild(child_ids=[concern.child.pk])
    services.participant_add(
        actor=concern.leader, meeting=concern.meeting, kind="parent", guardian=concern.guardian_row
    )
    client = login(father_login)
    assert client.get(f"/boern/{concern.child.pk}/").status_code == 200
    assert client.get(f"/moeder/{concern.meeting.pk}/").status_code == 404
    assert f"/moeder/{concern.meeting.pk}/" not in main_of(client.get("/moeder/"))
    assert "Netværksmøde planlagt" not in main_of(client.get(f"/boern/{concern.child.pk}/"))
    assert login(concern.guardian).get(f"/moeder/{concern.meeting.pk}/").status_code == 200


def test_a_login_that_came_after_the_listing_counts(concern, login):
    """Maria was put on the list before she had a login: her guardian row names her."""
    row = concern.guardian_row
    maria = row.user
    row.user = None
    row.save()
    services.participant_add(
        actor=concern.leader, meeting=concern.meeting, kind="parent", guardian=row
    )
    row.user = maria
    row.save()
    grants_rebuild(child_ids=[concern.child.pk])
    assert login(maria).get(f"/moeder/{concern.meeting.pk}/").status_code == 200


def test_an_old_meeting_entry_without_its_meeting_is_not_shown_to_guardians(concern, login):
    TimelineEntry.objects.create(
        child=concern.child,
        kind=TimelineKind.MEETING,
        data_kind="minutes",
        text="Netværksmøde om bekymring for hjemmet",
        at=concern.meeting.created_at,
    )
    assert "bekymring for hjemmet" not in main_of(
        login(concern.guardian).get(f"/boern/{concern.child.pk}/")
    )


def test_a_dialogue_meeting_stays_off_the_parents_log_until_its_minutes_are_approved(
    confirming, login
):
    """The minutes of a meeting everyone must confirm are a dialogue-based notification: until
    they are approved, the looks belong to the social-work side."""
    world = confirming
    AccessLogEntry.objects.all().delete()
    login(world.kim).get(f"/moeder/{world.meeting.pk}/")
    look = AccessLogEntry.objects.get(actor=world.kim, child_id=world.child.pk)
    assert (look.topic, look.guardian_visible_from) == (Topic.SOCIAL_WORK, None)

    everyone = list(world.meeting.participants.values_list("pk", flat=True))
    services.attendance_record(actor=world.paedagog, minutes=world.minutes, present=everyone)
    for user in (world.leader, world.paedagog, world.kim, world.guardian):
        confirm(user, world.minutes)
    services.minutes_approve(actor=world.paedagog, minutes=world.minutes)
    AccessLogEntry.objects.all().delete()
    login(world.kim).get(f"/moeder/{world.meeting.pk}/")
    look = AccessLogEntry.objects.get(actor=world.kim, child_id=world.child.pk)
    assert look.topic == Topic.MEETING and look.guardian_visible_from is not None


def test_the_invitations_go_to_the_participants_only(concern):
    services.participant_add(
        actor=concern.leader, meeting=concern.meeting, kind="staff", user=concern.paedagog
    )
    services.network_consent_record(
        actor=concern.leader,
        meeting=concern.meeting,
        guardian=concern.guardian_row,
        paper_date=timezone.localdate(),
    )
    mail.outbox.clear()
    services.meeting_invite(actor=concern.leader, meeting=concern.meeting)
    email_outbox_drain()
    invitations = OutgoingEmail.objects.filter(template=services.INVITATION_TEMPLATE)
    assert all(invitations.values_list("sent_at", flat=True))
    recipients = set(invitations.values_list("to_address", flat=True))
    assert recipients == {concern.leader.email, concern.paedagog.email}
    assert all(PURPOSE not in message.body for message in mail.outbox)


def test_the_guardians_meeting_list_keeps_its_queries_constant(
    concern, login, django_assert_max_num_queries
):
    for day in range(10):
        meeting = services.network_meeting_create(
            actor=concern.leader,
            child=concern.child,
            purpose=f"Møde {day}",
            starts_at=at(4 + day),
            place="Børnehaven",
            tovholder=concern.leader,
        )
        if day % 2:
            services.participant_add(
                actor=concern.leader, meeting=meeting, kind="parent", guardian=concern.guardian_row
            )
    client = login(concern.guardian)
    client.get("/")
    with django_assert_max_num_queries(12):
        page = main_of(client.get("/moeder/"))
    assert page.count("/moeder/") == 5


def test_the_migration_names_the_meeting_of_existing_timeline_entries(concern, forum, login):
    import importlib

    from django.apps import apps

    from meetings.models import AgendaKind

    migration = importlib.import_module(
        "meetings.migrations.0006_timeline_entries_name_their_meeting"
    )
    case_services.exchange_grant_create(
        actor=forum.paedagog,
        child=forum.child,
        purpose="Tidlig forebyggende indsats",
        participants=[forum.leader, forum.paedagog],
        meeting_date=forum.forum_meeting.starts_at.date(),
    )
    services.agenda_item_add(
        actor=forum.paedagog,
        meeting=forum.forum_meeting,
        kind=AgendaKind.CHILD,
        child=forum.child,
        title="Almas sprog",
    )
    # (Once the social-work side is involved, the cross-disciplinary team no longer takes her up.)
    services.participant_add(
        actor=concern.leader, meeting=concern.meeting, kind="parent", guardian=concern.guardian_row
    )
    approve(concern, concern.meeting, caseworker_takes_over(concern))
    entries = TimelineEntry.objects.filter(kind=TimelineKind.MEETING)
    assert entries.count() == 3
    # As before the rule: no entry named its meeting, so the mother sees none of them.
    entries.update(source_type="", source_id="")
    assert "Netværksmøde planlagt" not in main_of(
        login(concern.guardian).get(f"/boern/{concern.child.pk}/")
    )
    migration.backfill(apps, None)
    assert sorted(entries.values_list("source_id", flat=True)) == sorted(
        [str(concern.meeting.pk)] * 2 + [str(forum.forum_meeting.pk)]
    )
    child_page = main_of(login(concern.guardian).get(f"/boern/{concern.child.pk}/"))
    assert "Netværksmøde planlagt" in child_page and "Referat af" in child_page
    assert "På dagsordenen" not in child_page
