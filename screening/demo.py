"""Screening rounds in the demo (seed_demo): for paedagog's group, opened by the leader, and for
the teacher's class, opened by the school's leader."""

from datetime import date, timedelta

from trivsel.organisation.models import User

from .defaults import install_default_templates
from .models import FormTemplate, Round


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
    context["summary"]["screening rounds"] = Round.objects.count()
