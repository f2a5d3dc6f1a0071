"""The commands' shared run of a grids importer on a file, as a user (whose areas limit it) or the system."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.imports.base import error_rows
from core.tabular import TableError


class ImportCommand(BaseCommand):
    importer = None

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as-user", help="username whose areas limit the import (default: the system)")
        parser.add_argument("--max-errors", type=int, default=200, help="errors to print (all are counted)")

    def handle(self, *args, file, as_user=None, max_errors=200, **options):
        actor = get_user_model().objects.get(username=as_user) if as_user else None
        started = time.perf_counter()
        try:
            report = self.importer(actor=actor).run(file, filename=file)
        except TableError as exc:
            raise CommandError(str(exc))
        for row in error_rows(report, self.importer.headers(), max_errors):
            self.stdout.write(f"{row['line']} [{row['column']}] {row['reason']}")
        self.stdout.write(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
                          f"errors {len(report.errors)} in {time.perf_counter() - started:.1f} s")
