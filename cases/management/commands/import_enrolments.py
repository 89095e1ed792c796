"""The nightly sync: `manage.py import_enrolments PATH --municipality KODE` imports an enrolments
file (CSV or XLSX) for one municipality in one transaction, without a preview. Rows that cannot
be taken are counted and named (masked) in the run, shown on /drift/ and in the access log."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cases.imports.services import import_file_sync
from cases.models import ImportKind, ImportStatus
from trivsel.organisation.models import Municipality


class Command(BaseCommand):
    help = "Import (synchronise) a municipality's enrolments from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--municipality", required=True, help="The municipality's code.")
        parser.add_argument(
            "--kind",
            default=ImportKind.ENROLMENTS,
            choices=[k.value for k in ImportKind],
            help="What the file holds (default: enrolments).",
        )
        parser.add_argument(
            "--delete", action="store_true", help="Delete the file after the import."
        )

    def handle(self, *args, path, municipality, kind, delete, **options):
        translation.activate("da")
        try:
            found = Municipality.objects.get(code=municipality)
        except Municipality.DoesNotExist:
            raise CommandError(f"Ingen kommune med koden {municipality}.") from None
        run, content = import_file_sync(municipality=found, kind=kind, path=path)
        if delete and content is not None:
            # The file holds CPR numbers: once read and imported (or refused), it goes.
            Path(path).unlink(missing_ok=True)
        if run.status == ImportStatus.REFUSED:
            raise CommandError(f"{run.file_name}: {run.message}")
        self.stdout.write(f"{run.file_name}: {run.counts_text()}")
        if run.message:
            self.stdout.write(run.message)
