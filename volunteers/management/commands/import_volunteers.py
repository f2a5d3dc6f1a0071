import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.tabular import TableError
from volunteers.imports import default_workers, import_volunteers


class Command(BaseCommand):
    help = ("Import volunteers from an export of the national volunteer information system (CSV or XLSX, "
            "Chinese or English headers). Valid rows are written, the others reported; re-running changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as-user", help="username whose areas limit the import (default: system)")
        parser.add_argument("--max-errors", type=int, default=200, help="errors to print (all are counted)")

    def handle(self, *args, file, as_user=None, max_errors=200, **options):
        actor = get_user_model().objects.get(username=as_user) if as_user else None
        started = time.perf_counter()
        try:
            report = import_volunteers(actor=actor, source=file, filename=file, workers=default_workers(),
                                       progress=lambda n: self.stderr.write(f"\r{n:,} rows staged", ending=""))
        except TableError as exc:
            raise CommandError(str(exc))
        self.stderr.write("")
        for error in report.errors[:max_errors]:
            self.stdout.write(str(error))
        self.stdout.write(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
                          f"errors {len(report.errors)} in {time.perf_counter() - started:.1f} s")
