"""A consent is a basis for a forum's agenda only if it was given for that forum (DOMAIN.md §5:
consent is specific to its purpose and recipients)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import services as case_services
from cases.models import DataKind
from meetings import services
from meetings.models import AgendaKind, Forum, ForumConsent, ForumKind


def _add_alma(world):
    return services.agenda_item_add(
        actor=world.paedagog,
        meeting=world.forum_meeting,
        kind=AgendaKind.CHILD,
        child=world.child,
        title="Sprog",
    )


def _forum_consent(world, forum=None):
    return services.forum_consent_record(
        actor=world.paedagog,
        forum=forum or world.forum,
        child=world.child,
        guardian=world.child.guardians.get(),
        purpose="Sprog og samspil",
        valid_until=timezone.localdate() + timedelta(days=90),
        paper_date=timezone.localdate(),
    )


def test_a_consent_recorded_for_the_forum_is_a_basis(forum):
    consent = _forum_consent(forum)
    assert set(consent.recipient_people.all()) == {forum.leader, forum.paedagog}
    assert ForumConsent.objects.get(consent=consent).forum == forum.forum
    assert _add_alma(forum).consent == consent


def test_a_network_meetings_consent_naming_the_members_is_not_a_basis(consented, forum):
    # The network meeting's consent names the leader and the pædagog: the forum's members.
    names = {u.pk for u in consented.meeting.consent.recipient_people.all()}
    assert {forum.leader.pk, forum.paedagog.pk} <= names
    with pytest.raises(ValidationError):
        _add_alma(forum)


def test_another_consent_naming_the_members_is_not_a_basis(forum):
    case_services.consent_record(
        actor=forum.paedagog,
        child=forum.child,
        guardian=forum.child.guardians.get(),
        kinds=[DataKind.BASIC],
        people=[forum.leader, forum.paedagog],
        purpose="Overlevering af sprogvurdering",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=90),
        paper_date=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        _add_alma(forum)


def test_a_consent_for_another_forum_is_not_a_basis(forum):
    other = Forum.objects.create(
        municipality=forum.solby,
        unit=forum.kindergarten,
        name="Småbørnsteam",
        kind=ForumKind.SMALL_CHILDREN_TEAM,
    )
    other.members.set([forum.leader, forum.paedagog])
    _forum_consent(forum, forum=other)
    with pytest.raises(ValidationError):
        _add_alma(forum)


def test_only_staff_around_the_child_record_a_forum_consent(forum):
    with pytest.raises(PermissionDenied):
        services.forum_consent_record(
            actor=forum.teacher,
            forum=forum.forum,
            child=forum.child,
            guardian=forum.child.guardians.get(),
            valid_until=timezone.localdate() + timedelta(days=90),
            paper_date=timezone.localdate(),
        )


def test_the_forum_consent_page_records_it(forum, login):
    client = login(forum.paedagog)
    url = f"/moeder/forum/{forum.forum.pk}/samtykke/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "child": forum.child.pk,
            "guardian": forum.child.guardians.get().pk,
            "valid_until": (timezone.localdate() + timedelta(days=90)).strftime("%d.%m.%Y"),
            "purpose": "Sprog",
            "evidence": "paper",
            "paper_date": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    assert ForumConsent.objects.filter(forum=forum.forum).count() == 1
    assert _add_alma(forum).consent_id is not None
    # Jonas is not a member of the forum: its consent page does not exist for him.
    assert login(forum.teacher).post(url, {"child": forum.child.pk}).status_code == 404
    assert ForumConsent.objects.count() == 1


# --- Network meetings: only writers widen the consent --------------------------------------------


@pytest.fixture
def consent_only_organiser(consented):
    """Jonas (a teacher with no enrolment basis) is covered by a new consent and becomes the
    tovholder: an organiser whose only basis for Alma is the parents' consent."""
    meeting = consented.meeting
    services.participant_add(
        actor=consented.leader, meeting=meeting, kind="staff", user=consented.teacher
    )
    services.network_consent_record(
        actor=consented.leader,
        meeting=meeting,
        guardian=consented.guardian_row,
        paper_date=timezone.localdate(),
    )
    services.meeting_hand_over(actor=consented.leader, meeting=meeting, tovholder=consented.teacher)
    meeting.refresh_from_db()
    return consented


def test_an_organiser_on_consent_alone_cannot_record_a_new_consent(consent_only_organiser):
    world = consent_only_organiser
    with pytest.raises(PermissionDenied):
        services.network_consent_record(
            actor=world.teacher,
            meeting=world.meeting,
            guardian=world.guardian_row,
            paper_date=timezone.localdate(),
        )


def test_an_organiser_on_consent_alone_cannot_add_participants(consent_only_organiser):
    world = consent_only_organiser
    with pytest.raises(PermissionDenied):
        services.participant_add(
            actor=world.teacher, meeting=world.meeting, kind="staff", user=world.social_worker
        )
    assert not world.meeting.participants.filter(user=world.social_worker).exists()


def test_the_page_offers_them_nothing_the_services_would_refuse(consent_only_organiser, login):
    from cases.models import Consent

    world = consent_only_organiser
    client = login(world.teacher)
    page = client.get(f"/moeder/{world.meeting.pk}/").content.decode()
    for form in ("samtykke", "deltagere", "tovholder"):
        assert f'action="/moeder/{world.meeting.pk}/{form}/"' not in page, form
    # The practical side is theirs: the list, the invitations.
    assert f'action="/moeder/{world.meeting.pk}/inviter/"' in page
    assert "Personale omkring barnet (hvor barnet er indskrevet" in page
    before = Consent.objects.count()
    response = client.post(
        f"/moeder/{world.meeting.pk}/samtykke/",
        {
            "guardian": world.guardian_row.pk,
            "evidence": "paper",
            "paper_date": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 404
    assert Consent.objects.count() == before
    response = client.post(
        f"/moeder/{world.meeting.pk}/deltagere/",
        {"kind": "staff", "user": world.social_worker.pk, "role": "Rådgiver"},
    )
    assert response.status_code == 404
    assert not world.meeting.participants.filter(user=world.social_worker).exists()
    response = client.post(
        f"/moeder/{world.meeting.pk}/tovholder/", {"tovholder": world.social_worker.pk}
    )
    assert response.status_code == 404
    world.meeting.refresh_from_db()
    assert world.meeting.tovholder == world.teacher
    # The leader, around the child by the enrolment, is offered all three.
    page = login(world.leader).get(f"/moeder/{world.meeting.pk}/").content.decode()
    for form in ("samtykke", "deltagere", "tovholder"):
        assert f'action="/moeder/{world.meeting.pk}/{form}/"' in page, form


def test_an_organiser_on_consent_alone_cannot_hand_the_role_over(consent_only_organiser):
    world = consent_only_organiser
    with pytest.raises(PermissionDenied):
        services.meeting_hand_over(
            actor=world.teacher, meeting=world.meeting, tovholder=world.social_worker
        )
    assert not world.meeting.participants.filter(user=world.social_worker).exists()
