"""Screening rounds in the demo (seed_demo): for paedagog's group, opened by the leader, and for
the teacher's class, opened by the school's leader; and two years of closed rounds behind them,
so the leaders' figures (/tal/) have a history to show."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cases.selectors import current_enrolments
from trivsel.organisation.models import StaffProfile, User

from .defaults import install_default_templates
from .models import FormTemplate, JointAssessment, Position, Rating, Round, RoundStatus

# The groups with a screening history, their form's sector and the leader who ran the rounds.
HISTORY = (
    ("Børnehuset Solsikken/Solstuen", "boernehave", "leder"),
    ("Børnehuset Solsikken/Månestuen", "boernehave", "leder"),
    ("Bakkeskolen/3.B", "skole_sfo", "skoleleder"),
)
# Closed rounds every half year, the newest this many days ago.
HISTORY_DAYS_AGO = (45, 227, 410, 592)


def seed(context):
    install_default_templates(FormTemplate)
    for key, sector, leader, days in (
        ("Børnehuset Solsikken/Solstuen", "boernehave", "leder", 14),
        ("Bakkeskolen/3.B", "skole_sfo", "skoleleder", 10),
    ):
        group = context["groups"][key]
        if Round.objects.filter(group=group).exists():
            continue
        Round.objects.create(
            group=group,
            template=FormTemplate.objects.get(municipality=None, sector=sector, version=1),
            deadline=date.today() + timedelta(days=days),
            opened_by=User.objects.get(username=leader),
        )
    _history(context)
    context["summary"]["screening rounds"] = Round.objects.count()


def _history(context):
    """Closed rounds with marks and agreed positions (mostly green, some yellow, a few red),
    built once; the rounds a demo user opens are the open ones above."""
    rng = random.Random(18)  # noqa: S311 (fictitious data)
    zone = timezone.get_default_timezone()
    for key, sector, leader_name in HISTORY:
        group = context["groups"][key]
        if Round.objects.filter(group=group, status=RoundStatus.CLOSED).exists():
            continue
        leader = User.objects.get(username=leader_name)
        rater = (
            StaffProfile.objects.filter(groups=group).select_related("user").first()
            or leader.staff_profile
        ).user
        children = list(current_enrolments().filter(group=group).values_list("child_id", flat=True))
        template = FormTemplate.objects.get(municipality=None, sector=sector, version=1)
        for days_ago in HISTORY_DAYS_AGO:
            deadline = date.today() - timedelta(days=days_ago)
            round_ = Round.objects.create(
                group=group,
                template=template,
                deadline=deadline,
                opened_by=leader,
                status=RoundStatus.CLOSED,
                closed_at=timezone.make_aware(datetime.combine(deadline, time(15)), zone),
            )
            marks, positions = [], []
            for child_id in children:
                position = rng.choices(
                    [Position.GREEN, Position.YELLOW, Position.RED], weights=[80, 15, 5]
                )[0]
                if rng.random() < 0.9:  # a few children were rated after the deadline
                    marks.append(
                        Rating(round=round_, child_id=child_id, rater=rater, position=position)
                    )
                positions.append(
                    JointAssessment(
                        round=round_, child_id=child_id, position=position, decided_by=leader
                    )
                )
            Rating.objects.bulk_create(marks)
            JointAssessment.objects.bulk_create(positions)
            # auto_now stamped them today: they were saved by the deadline.
            saved = timezone.make_aware(datetime.combine(deadline, time(12)), zone)
            Rating.objects.filter(round=round_).update(updated_at=saved)
            JointAssessment.objects.filter(round=round_).update(decided_at=saved)
