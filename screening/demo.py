"""A screening round for paedagog's group in the demo, opened by the leader (seed_demo)."""

from datetime import date, timedelta

from trivsel.organisation.models import User

from .defaults import install_default_templates
from .models import FormTemplate, Round


def seed(context):
    install_default_templates(FormTemplate)
    group = context["groups"]["Børnehuset Solsikken/Solstuen"]
    if Round.objects.filter(group=group).exists():
        return
    Round.objects.create(
        group=group,
        template=FormTemplate.objects.get(municipality=None, sector="boernehave", version=1),
        deadline=date.today() + timedelta(days=14),
        opened_by=User.objects.get(username="leder"),
    )
    context["summary"]["screening rounds"] = Round.objects.count()
