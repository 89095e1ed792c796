"""The rules of meetings: consent before invitations, agenda bases, minutes locking, versions,
action items as tasks and carried over to the next agenda."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import services as case_services
from cases.models import DataKind, Task, TaskStatus
from meetings import rules, services
from meetings.models import AgendaKind, ForumConsent, ForumKind, Meeting, Minutes, MinutesStatus
from tests import factories as f
from tests.meetings.conftest import at, write_minutes
from trivsel.notifications.models import Notification
from trivsel.notifications.services import email_outbox_drain
from trivsel.organisation.models import Role


def test_a_meeting_always_has_one_tovholder(network):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=network.meeting.pk).update(tovholder=None)
    names = {p.name for p in network.meeting.participants.all()}
    assert {"Mette", "Lone", "Maria"} <= {n.split()[0] for n in names}


def test_inviting_before_consent_is_refused_with_the_reason(network):
    with pytest.raises(ValidationError) as error:
        services.meeting_invite(actor=network.leader, meeting=network.meeting)
    assert "samtykke" in " ".join(error.value.messages)
    assert not network.meeting.participants.filter(invited_at__isnull=False).exists()


def test_the_invite_page_says_why_nothing_was_sent(network, login):
    response = login(network.leader).post(f"/moeder/{network.meeting.pk}/inviter/", follow=True)
    page = response.content.decode()
    assert "Invitationerne blev ikke sendt" in page
    assert "samtykke" in page


def test_consent_awaiting_the_guardian_or_refused_blocks_invitations(network):
    services.network_consent_record(
        actor=network.leader, meeting=network.meeting, guardian=network.guardian_row, paper=False
    )
    assert "ikke bekræftet" in rules.consent_problem(network.meeting)
    services.network_consent_record(
        actor=network.leader,
        meeting=network.meeting,
        guardian=network.guardian_row,
        refused=True,
        paper_date=timezone.localdate(),
    )
    assert "afvist" in rules.consent_problem(network.meeting)


def test_staff_added_after_the_consent_must_be_consented_to(consented):
    assert rules.consent_problem(consented.meeting) is None
    services.participant_add(
        actor=consented.leader, meeting=consented.meeting, kind="staff", user=consented.teacher
    )
    problem = rules.consent_problem(consented.meeting)
    assert "Jonas" in problem


def test_invitations_carry_a_day_and_a_link_only_and_go_once(
    consented, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://t"
    consented.meeting.participants.filter(kind="parent").update(email="maria@example.invalid")
    # Only the invitations in the outbox: the notifications' own e-mails are not counted here.
    Notification.objects.update(email_state="")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = services.meeting_invite(actor=consented.leader, meeting=consented.meeting)
    # Queued in the outbox in the transaction, the drain handed to the workers after the commit.
    assert count == 3 and callbacks and not mail.outbox
    assert email_outbox_drain() == {"sent": 3, "failed": 0}
    assert email_outbox_drain() == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 3
    day = timezone.localdate(consented.meeting.starts_at).strftime("%d.%m.%Y")
    for message in mail.outbox:
        text = message.subject + message.body
        assert f"https://t/moeder/{consented.meeting.pk}/" in text and day in text
        for secret in ("Alma", "Hansen", "sprog", "Mejsen", "1705"):
            assert secret not in text


def test_the_consent_lets_the_participants_read_the_minutes_and_no_more(consented):
    from cases.selectors import child_capabilities

    kinds = child_capabilities(consented.paedagog, consented.child.pk).kinds
    assert kinds >= {DataKind.BASIC, DataKind.MINUTES}
    assert DataKind.NOTIFICATIONS not in kinds


# --- Agenda -------------------------------------------------------------------------------------


def test_a_child_without_a_basis_is_refused_on_the_agenda(forum):
    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(
            actor=forum.paedagog,
            meeting=forum.forum_meeting,
            kind=AgendaKind.CHILD,
            child=forum.child,
            title="Alma",
        )
    assert "grundlag" in " ".join(error.value.messages)


def _consent_to_forum(world, people):
    # A consent recorded for this forum (as services.forum_consent_record does), naming `people`.
    consent = case_services.consent_record(
        actor=world.paedagog,
        child=world.child,
        guardian=world.child.guardians.get(),
        kinds=[DataKind.BASIC],
        people=people,
        purpose="Drøftelse i det tværfaglige team",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=90),
        paper_date=timezone.localdate(),
    )
    ForumConsent.objects.create(forum=world.forum, consent=consent)
    return consent


def test_a_consent_naming_the_members_is_a_basis(forum):
    consent = _consent_to_forum(forum, [forum.leader, forum.paedagog])
    item = services.agenda_item_add(
        actor=forum.paedagog,
        meeting=forum.forum_meeting,
        kind=AgendaKind.CHILD,
        child=forum.child,
        title="Sprog",
    )
    assert item.consent == consent


def test_a_consent_naming_only_some_members_is_not(forum):
    _consent_to_forum(forum, [forum.leader])
    with pytest.raises(ValidationError):
        services.agenda_item_add(
            actor=forum.paedagog,
            meeting=forum.forum_meeting,
            kind=AgendaKind.CHILD,
            child=forum.child,
            title="Sprog",
        )


def test_the_one_meeting_exchange_is_a_basis_for_its_day(forum):
    exchange = case_services.exchange_grant_create(
        actor=forum.paedagog,
        child=forum.child,
        purpose="Tidlig forebyggende indsats",
        participants=[forum.leader, forum.paedagog],
        meeting_date=timezone.localdate(forum.forum_meeting.starts_at),
    )
    item = services.agenda_item_add(
        actor=forum.paedagog,
        meeting=forum.forum_meeting,
        kind=AgendaKind.CHILD,
        child=forum.child,
        title="Sprog",
    )
    assert item.exchange == exchange


def test_the_cross_disciplinary_team_refuses_a_child_with_an_open_authority_case(forum):
    _consent_to_forum(forum, [forum.leader, forum.paedagog])
    case_services.statutory_involvement_add(
        actor=forum.social_worker,
        child=forum.child,
        person=forum.social_worker,
        role="Socialrådgiver",
        purpose="Sag",
        start=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(
            actor=forum.paedagog,
            meeting=forum.forum_meeting,
            kind=AgendaKind.CHILD,
            child=forum.child,
            title="Sprog",
        )
    assert "tværfaglige team" in " ".join(error.value.messages)


def test_the_sparring_forum_never_takes_a_named_child(forum):
    forum.forum.kind = ForumKind.PROFESSIONAL_SPARRING
    forum.forum.save()
    _consent_to_forum(forum, [forum.leader, forum.paedagog])
    with pytest.raises(ValidationError):
        services.agenda_item_add(
            actor=forum.paedagog,
            meeting=forum.forum_meeting,
            kind=AgendaKind.CHILD,
            child=forum.child,
            title="Sprog",
        )


@pytest.mark.parametrize(
    "text", ["Hvordan har Alma Hansen det?", "Om barnet 170521-4123", "Om 1705214123"]
)
def test_a_theme_naming_a_child_or_a_cpr_number_asks_for_confirmation(forum, text):
    themes = forum.forum_meeting.agenda_items.filter(kind=AgendaKind.THEME)
    with pytest.raises(services.NeedsConfirmation):
        services.agenda_item_add(
            actor=forum.paedagog,
            meeting=forum.forum_meeting,
            kind=AgendaKind.THEME,
            title="Tema",
            description=text,
        )
    assert not themes.exists()  # nothing reaches the agenda until the submitter confirms
    services.agenda_item_add(
        actor=forum.paedagog,
        meeting=forum.forum_meeting,
        kind=AgendaKind.THEME,
        title="Tema",
        description=text,
        confirmed=True,
    )
    # Confirmed, the theme is on the agenda as the submitter wrote it.
    assert list(themes.values_list("title", "description")) == [("Tema", text)]


def test_a_plain_theme_needs_no_confirmation(forum):
    services.agenda_item_add(
        actor=forum.paedagog,
        meeting=forum.forum_meeting,
        kind=AgendaKind.THEME,
        title="Sprogarbejde",
        description="Dialogisk læsning i små grupper",
    )
    themes = forum.forum_meeting.agenda_items.filter(kind=AgendaKind.THEME)
    assert list(themes.values_list("title", flat=True)) == ["Sprogarbejde"]


def test_the_agenda_closes_at_the_deadline_except_for_the_organisers(forum):
    Meeting.objects.filter(pk=forum.forum_meeting.pk).update(starts_at=at(2))
    forum.forum_meeting.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(
            actor=forum.paedagog,
            meeting=forum.forum_meeting,
            kind=AgendaKind.THEME,
            title="Sent",
        )
    assert "Fristen" in " ".join(error.value.messages)
    services.agenda_item_add(
        actor=forum.leader,
        meeting=forum.forum_meeting,
        kind=AgendaKind.THEME,
        title="Sent",
    )


# --- Minutes ------------------------------------------------------------------------------------


def test_two_editors_at_once_get_a_conflict_not_an_overwrite(consented):
    minutes = services.minutes_start(actor=consented.paedagog, meeting=consented.meeting)
    lock = minutes.lock
    services.minutes_update(actor=consented.paedagog, minutes=minutes, lock=lock, going_well="A")
    with pytest.raises(services.EditConflict):
        services.minutes_update(actor=consented.leader, minutes=minutes, lock=lock, going_well="B")
    minutes.refresh_from_db()
    assert minutes.going_well == "A"


def _approvable(world):
    minutes = write_minutes(world, world.meeting, agreements="Små legegrupper")
    services.decision_add(
        actor=world.paedagog, minutes=minutes, text="Legegrupper", reason="Hun taler mere"
    )
    services.action_item_add(
        actor=world.paedagog,
        minutes=minutes,
        what="Observation",
        owner=world.leader,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    return minutes


def test_only_the_tovholder_approves(consented):
    minutes = _approvable(consented)
    with pytest.raises(ValidationError) as error:
        services.minutes_approve(actor=consented.leader, minutes=minutes)
    assert "tovholder" in " ".join(error.value.messages)


def test_approval_without_an_active_tovholder_is_refused(consented):
    minutes = _approvable(consented)
    consented.paedagog.is_active = False
    consented.paedagog.save()
    with pytest.raises(ValidationError) as error:
        services.minutes_approve(actor=consented.paedagog, minutes=minutes)
    assert "ingen aktiv tovholder" in " ".join(error.value.messages)


def test_action_items_need_an_owner_and_a_date_before_approval(consented):
    minutes = _approvable(consented)
    services.action_item_add(actor=consented.paedagog, minutes=minutes, what="Ringe til PPR")
    with pytest.raises(ValidationError) as error:
        services.minutes_approve(actor=consented.paedagog, minutes=minutes)
    text = " ".join(error.value.messages)
    assert "Ringe til PPR" in text and "hvem" in text and "hvornår" in text
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.DRAFT


def test_colour_words_in_parent_facing_text_stop_approval(consented):
    minutes = _approvable(consented)
    services.minutes_update(
        actor=consented.paedagog, minutes=minutes, lock=minutes.lock, assessment="Rød position"
    )
    with pytest.raises(ValidationError) as error:
        services.minutes_approve(actor=consented.paedagog, minutes=minutes)
    assert "farveord" in " ".join(error.value.messages)


def test_approval_locks_and_makes_tasks_once(consented):
    minutes = _approvable(consented)
    services.minutes_approve(actor=consented.paedagog, minutes=minutes)
    task = Task.objects.get(source_type="meetings.action")
    assert (task.owner, task.child, task.data_kind) == (
        consented.leader,
        consented.child,
        DataKind.MINUTES,
    )
    with pytest.raises(services.MinutesLocked):
        services.minutes_update(
            actor=consented.paedagog, minutes=minutes, lock=minutes.lock + 5, going_well="x"
        )
    with pytest.raises(services.MinutesLocked):
        services.decision_add(actor=consented.paedagog, minutes=minutes, text="x", reason="y")

    correction = services.minutes_new_version(
        actor=consented.paedagog, minutes=minutes, reason="Forkert dato"
    )
    assert (correction.number, correction.previous_id) == (2, minutes.pk)
    assert correction.agreements == "Små legegrupper"
    assert correction.decisions.count() == 1 and correction.action_items.count() == 1
    services.minutes_approve(actor=consented.paedagog, minutes=correction)
    assert Task.objects.filter(source_type="meetings.action").count() == 1
    assert Minutes.objects.get(pk=minutes.pk).status == MinutesStatus.SUPERSEDED


def test_the_tovholder_marks_each_decision_as_told_to_the_parents(consented):
    minutes = _approvable(consented)
    services.minutes_approve(actor=consented.paedagog, minutes=minutes)
    decision = minutes.decisions.get()
    with pytest.raises(ValidationError):
        services.decision_mark_parents_informed(actor=consented.leader, decision=decision)
    services.decision_mark_parents_informed(actor=consented.paedagog, decision=decision)
    decision.refresh_from_db()
    assert decision.parents_informed_by == consented.paedagog


def test_open_action_items_carry_over_to_the_forums_next_agenda(forum):
    minutes = write_minutes(forum, forum.forum_meeting, agreements="Tema om sprog")
    services.action_item_add(
        actor=forum.leader,
        minutes=minutes,
        what="Finde materiale om dialogisk læsning",
        owner=forum.paedagog,
        due_date=timezone.localdate() + timedelta(days=20),
    )
    services.minutes_approve(actor=forum.leader, minutes=minutes)
    later = services.forum_meeting_create(
        actor=forum.leader,
        forum=forum.forum,
        title="Næste teammøde",
        starts_at=at(42),
        place="Personalerummet",
        tovholder=forum.leader,
    )
    from meetings.selectors import carried_over_actions

    assert [a.what for a in carried_over_actions(later, user=forum.leader)] == [
        "Finde materiale om dialogisk læsning"
    ]
    task = Task.objects.get(source_type="meetings.action")
    case_services.task_complete(actor=forum.paedagog, task=task)
    assert carried_over_actions(later, user=forum.leader) == []
    assert task.status == TaskStatus.DONE


def test_a_network_meeting_needs_a_writer_basis(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.network_meeting_create(
            actor=world.teacher,
            child=world.child,
            purpose="x",
            starts_at=at(2),
            place="x",
            tovholder=world.teacher,
        )


def test_a_tovholder_from_another_municipality_is_refused(world):
    with pytest.raises(ValidationError):
        services.network_meeting_create(
            actor=world.leader,
            child=world.child,
            purpose="x",
            starts_at=at(2),
            place="x",
            tovholder=world.outsider,
        )


def test_a_social_worker_can_call_a_network_meeting_on_statutory_basis(world):
    case_services.statutory_involvement_add(
        actor=world.social_worker,
        child=world.child,
        person=world.social_worker,
        role="Socialrådgiver",
        purpose="Sag",
        start=timezone.localdate(),
    )
    ppr = f.StaffFactory(
        user=f.UserFactory(username="per", municipality=world.solby), roles=[Role.PPR_PSYCHOLOGIST]
    ).user
    meeting = services.network_meeting_create(
        actor=world.social_worker,
        child=world.child,
        purpose="Fælles plan",
        starts_at=at(2),
        place="Rådhuset",
        tovholder=ppr,
    )
    assert meeting.tovholder == ppr
