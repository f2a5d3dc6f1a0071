from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.choices import RunStatus, RunTrigger
from reports.services import run_now


class Command(BaseCommand):
    help = "Compute every indicator for every area for one period, in this process (e.g. --period 2020)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2020, 2020Q3 or 2020-07")

    def handle(self, *args, period, **options):
        try:
            run = run_now(actor=None, period=period, trigger=RunTrigger.COMMAND)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        if run.status != RunStatus.DONE:
            raise CommandError(f"run #{run.pk} {run.status}: {run.message}")
        self.stdout.write(self.style.SUCCESS(
            f"run #{run.pk} {run.period}: {run.indicators} indicators, {run.areas} areas, "
            f"{run.values_written} values, {run.queries} grouped queries in {run.duration_ms} ms {run.timings}"))
