"""A forum with a planned meeting, and a held network meeting with approved minutes around the
demo parent's child (seed_demo). Made once, through the services, like real use. Besides, a
year of held network meetings in the kindergartens and schools, so that the meeting figures of
/tal/ show something above the threshold of small numbers."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from cases.models import Child, Enrolment, Guardian
from trivsel.organisation.models import Role, StaffProfile, User

from .models import (
    ActionItem,
    ActionStatus,
    AgendaKind,
    Decision,
    Forum,
    ForumKind,
    Meeting,
    Minutes,
    MinutesStatus,
    Participant,
    ParticipantKind,
)
from .services.agenda import agenda_item_add
from .services.meetings import forum_meeting_create, network_meeting_create
from .services.minutes import (
    action_item_add,
    decision_add,
    minutes_approve,
    minutes_start,
    minutes_update,
)
from .services.participants import network_consent_record, participant_add

FORUM_NAME = "Tværfagligt team, Børnehuset Solsikken"
HISTORY_TITLE = "Netværksmøde"
HISTORY_MONTHS = 12
HISTORY_PER_MONTH = 8


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed(context):
    _seed_young_person_meetings(context)
    demo = context["demo"]
    if Forum.objects.filter(municipality=demo, name=FORUM_NAME).exists():
        return
    users = {u.username: u for u in User.objects.filter(municipality=demo)}
    leder, paedagog, ppr = users["leder"], users["paedagog"], users["ppr"]
    today = timezone.localdate()

    forum = Forum.objects.create(
        municipality=demo,
        unit=context["units"]["Børnehuset Solsikken"],
        name=FORUM_NAME,
        kind=ForumKind.CROSS_DISCIPLINARY,
        invited_roles=["sundhedsplejerske"],
        cadence_days=28,
        agenda_deadline_days=7,
    )
    forum.members.set([leder, paedagog, ppr])
    meeting = forum_meeting_create(
        actor=leder,
        forum=forum,
        title="Tværfagligt team",
        starts_at=_at(today + timedelta(days=14), 9),
        place="Børnehuset Solsikken, personalerummet",
        tovholder=leder,
        chair=leder,
    )
    agenda_item_add(
        actor=paedagog,
        meeting=meeting,
        kind=AgendaKind.CLASS,
        group=context["groups"]["Børnehuset Solsikken/Solstuen"],
        title="Samspil i den frie leg",
        description="Hvordan støtter vi de stille børn i at komme med i legen?",
    )
    agenda_item_add(
        actor=leder,
        meeting=meeting,
        kind=AgendaKind.THEME,
        title="Sprogarbejde i hverdagen",
        description="Erfaringer med dialogisk læsning i små grupper.",
    )

    guardian = Guardian.objects.get(user__username="foraelder")
    child = guardian.children.order_by("pk").first()
    network = network_meeting_create(
        actor=leder,
        child=child,
        purpose="At lave fælles aftaler om, hvordan vi støtter sprog og samspil hjemme og i "
        "børnehaven.",
        starts_at=_at(today + timedelta(days=1), 14),
        place="Børnehuset Solsikken, mødelokalet",
        tovholder=paedagog,
    )
    participant_add(actor=leder, meeting=network, kind="parent", guardian=guardian)
    participant_add(actor=leder, meeting=network, kind="staff", user=ppr)
    network_consent_record(actor=leder, meeting=network, guardian=guardian, paper_date=today)
    # The demo shows a meeting that has been held: move it a week back.
    Meeting.objects.filter(pk=network.pk).update(starts_at=_at(today - timedelta(days=7), 14))
    network.refresh_from_db()
    minutes = minutes_start(actor=paedagog, meeting=network)
    minutes_update(
        actor=paedagog,
        minutes=minutes,
        lock=minutes.lock,
        going_well="Hun er glad for at komme i børnehaven og leger godt med én fast veninde.",
        challenges="Hun siger sjældent noget i samling og trækker sig, når legen bliver larmende.",
        options="Legegrupper med 3–4 børn; legeaftaler hjemme; PPR observerer på stuen.",
        agreements="Vi prøver små legegrupper i seks uger og mødes igen.",
        assessment="Vi vurderer, at hun har brug for trygge rammer for at bruge sproget.",
        child_view="Hun fortæller, at hun bedst kan lide at lege i dukkekrogen med Sofie.",
        parents_view="Forældrene oplever hende som snakkesalig derhjemme og er glade for planen.",
        evaluation="God stemning; forældrene følte sig hørt.",
        next_meeting=today + timedelta(days=42),
        internal_notes="PPR tager observationen med på næste teammøde.",
    )
    decision_add(
        actor=paedagog,
        minutes=minutes,
        text="Små legegrupper to gange om ugen i seks uger",
        reason="Hun taler mere, når der er få børn, og kan øve samspil i trygge rammer.",
    )
    action_item_add(
        actor=paedagog,
        minutes=minutes,
        what="Observation på stuen",
        owner=ppr,
        due_date=today + timedelta(days=21),
    )
    action_item_add(
        actor=paedagog,
        minutes=minutes,
        what="Legeaftaler med en ven fra stuen",
        owner_name="Forældrene",
        due_date=today + timedelta(days=30),
    )
    minutes_approve(actor=paedagog, minutes=minutes)
    _history(context, excluded=guardian.children.all())
    context["summary"]["meetings"] = Meeting.objects.count()


def _seed_young_person_meetings(context):
    """Two network meetings about the `ung` login's own record with the young person on the list:
    one held, with approved minutes (they read the parents' copy), and the next one coming up."""
    child = Child.objects.filter(user__username="ung").first()
    if child is None or Meeting.objects.filter(child=child).exists():
        return
    laerer = User.objects.get(username="laerer")
    today = timezone.localdate()
    meetings = []
    for days in (1, 21):
        meeting = network_meeting_create(
            actor=laerer,
            child=child,
            purpose="At lægge en plan sammen med Asta for fremmøde og valg efter 9. klasse.",
            starts_at=_at(today + timedelta(days=days), 10),
            place="Bakkeskolen, mødelokale 2",
            tovholder=laerer,
        )
        participant_add(
            actor=laerer,
            meeting=meeting,
            kind="child",
            name=child.full_name,
            role="Eleven selv",
        )
        meetings.append(meeting)
    held = meetings[0]
    # The minutes are read under the parents' consent to the meeting's purpose and list.
    participant_add(
        actor=laerer, meeting=held, kind="staff", user=User.objects.get(username="skoleleder")
    )
    network_consent_record(
        actor=laerer,
        meeting=held,
        guardian=child.guardians.order_by("pk").first(),
        paper_date=today,
    )
    Meeting.objects.filter(pk=held.pk).update(starts_at=_at(today - timedelta(days=10), 10))
    held.refresh_from_db()
    minutes = minutes_start(actor=laerer, meeting=held)
    minutes_update(
        actor=laerer,
        minutes=minutes,
        lock=minutes.lock,
        going_well="Asta er glad for billedkunst og for sin faste makker i klassen.",
        challenges="Morgenerne er svære, og fraværet er steget siden efterårsferien.",
        agreements="Asta skriver til klasselæreren, når hun ikke kommer; vi mødes igen om tre "
        "uger.",
        child_view="Asta siger, at hun gerne vil i skole, men at det første kvarter er det "
        "sværeste.",
        next_meeting=today + timedelta(days=21),
        internal_notes="Klasselæreren taler med UU-vejlederen før næste møde.",
    )
    minutes_approve(actor=laerer, minutes=minutes)


def _history(context, *, excluded):
    """Eight held network meetings a month for a year, around children of the units that have a
    leader (the tovholder): parents mostly present, minutes mostly approved within a week,
    decisions mostly told, a few action items open and some of them overdue. Fictitious and made
    directly (the services would write a year of e-mails and log lines for it)."""
    demo = context["demo"]
    rng = random.Random(11)  # noqa: S311 (fictitious data)
    leaders = {}
    for profile in StaffProfile.objects.filter(
        user__municipality=demo, roles__contains=[Role.LEADER]
    ).prefetch_related("units"):
        for unit in profile.units.all():
            leaders.setdefault(unit.pk, profile.user)
    enrolled = list(
        Enrolment.objects.filter(
            child__municipality=demo,
            end__isnull=True,
            group__isnull=False,
            unit_id__in=leaders,
            child__guardians__isnull=False,
        )
        .exclude(child__in=excluded)
        .values_list("child_id", "unit_id")
        .distinct()
        .order_by("child_id")
    )
    today = timezone.localdate()
    picked = rng.sample(enrolled, min(len(enrolled), HISTORY_MONTHS * HISTORY_PER_MONTH))
    meetings = [
        Meeting(
            municipality=demo,
            child_id=child_id,
            title=HISTORY_TITLE,
            purpose="At lave fælles aftaler om barnets trivsel hjemme og i institutionen.",
            starts_at=_at(today - timedelta(days=20 + index * 365 // len(picked)), 10),
            place="Mødelokalet",
            tovholder=leaders[unit_id],
            created_by=leaders[unit_id],
        )
        for index, (child_id, unit_id) in enumerate(picked)
    ]
    Meeting.objects.bulk_create(meetings)
    parents = {}
    for child_id, guardian_id, first_name, last_name in (
        Guardian.objects.filter(children__in=[child for child, _unit in picked])
        .values_list("children", "pk", "first_name", "last_name")
        .order_by("pk")
    ):
        parents.setdefault(child_id, (guardian_id, f"{first_name} {last_name}"))
    Participant.objects.bulk_create(
        Participant(
            meeting=meeting,
            kind=ParticipantKind.PARENT,
            guardian_id=parents[meeting.child_id][0],
            name=parents[meeting.child_id][1],
            role="Forælder",
            present=rng.random() < 0.8,
        )
        for meeting in meetings
        if meeting.child_id in parents
    )
    minutes = [
        Minutes(
            meeting=meeting,
            status=MinutesStatus.APPROVED,
            agreements="Vi følger op på aftalerne ved næste møde.",
            approved_by=meeting.tovholder,
            approved_at=meeting.starts_at + timedelta(days=rng.choice([1, 2, 3, 5, 6, 6, 9, 13])),
        )
        for meeting in meetings
    ]
    Minutes.objects.bulk_create(minutes)
    Decision.objects.bulk_create(
        Decision(
            minutes=one,
            text="Barnet får en fast voksen i overgangene",
            reason="Det giver ro og tryghed i hverdagen.",
            parents_informed_at=one.approved_at + timedelta(days=1)
            if rng.random() < 0.85
            else None,
        )
        for one in minutes
        for _decision in range(rng.choice([1, 1, 2]))
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            minutes=one,
            what="Opfølgende samtale med forældrene",
            owner_name="Forældrene",
            due_date=one.meeting.starts_at.date() + timedelta(days=rng.choice([21, 42, 90])),
            status=ActionStatus.OPEN if rng.random() < 0.3 else ActionStatus.DONE,
        )
        for one in minutes
    )
