from django.core.management.base import BaseCommand, CommandError

from core import services
from core.tabular import TableError


class Command(BaseCommand):
    help = ("Load areas from CSV or XLSX with columns code,name,level,kind,parent_code "
            "(or 区划代码,名称,层级,城乡类型,上级代码). All or nothing: any bad row and nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            report = services.import_areas(actor=None, source=file, filename=file)
        except (TableError, FileNotFoundError) as exc:
            raise CommandError(str(exc))
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} bad rows; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}"))
