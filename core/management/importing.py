"""Base of the import commands: run an import service on a file, print every bad row, fail if any."""

from django.core.management.base import BaseCommand, CommandError

from core.tabular import TableError


class ImportCommand(BaseCommand):
    """Subclasses set ``help`` and implement ``run(path) -> ImportReport``."""

    def add_arguments(self, parser):
        parser.add_argument("file")

    def run(self, path):
        raise NotImplementedError

    def handle(self, *args, file, **options):
        try:
            report = self.run(file)
        except (TableError, FileNotFoundError) as exc:
            raise CommandError(str(exc))
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} bad rows; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"))
