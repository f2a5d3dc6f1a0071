from django.core.management.base import BaseCommand, CommandError

from core import services
from core.tabular import TableError


class Command(BaseCommand):
    help = ("Load population per area and year from CSV or XLSX: code,year,resident,registered "
            "(or 区划代码,年份,常住人口,户籍人口). All or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            report = services.import_population(actor=None, source=file, filename=file)
        except (TableError, FileNotFoundError) as exc:
            raise CommandError(str(exc))
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} bad rows; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"))
