"""`manage.py scim_token --municipality KODE [--name NAVN]`: a new token for the municipality's
identity provider to provision staff over SCIM 2.0 (/scim/v2/). Printed once; only its hash is
kept. Delete the row in /admin/ (Provisioning tokens) to revoke it."""

from django.core.management.base import BaseCommand, CommandError

from trivsel.organisation.models import Municipality
from trivsel.organisation.scim import token_create


class Command(BaseCommand):
    help = "Create a SCIM provisioning token for a municipality's identity provider."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="The municipality's code.")
        parser.add_argument("--name", default="Identitetsudbyder")

    def handle(self, *args, municipality, name, **options):
        try:
            found = Municipality.objects.get(code=municipality)
        except Municipality.DoesNotExist:
            raise CommandError(f"Ingen kommune med koden {municipality}.") from None
        self.stdout.write(token_create(municipality=found, name=name))
