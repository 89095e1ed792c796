from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = (
        "Builds the demo municipalities, people and children. Safe to run again: what exists "
        "is kept as it is, so changes made by demo users survive."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_PASSWORD_ALLOWED:
            raise CommandError("seed_demo only runs with TRIVSEL_MODE=demo or test.")
        # Each app may have a `demo.py` with seed(context). They run in INSTALLED_APPS order, so
        # a higher app builds on what a lower one made without the lower one importing it.
        context = {"summary": {}}
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "demo"):
                    import_module(f"{app_config.name}.demo").seed(context)
        summary = ", ".join(f"{count} {what}" for what, count in context["summary"].items())
        self.stdout.write(f"Demo data ready: {summary}")
