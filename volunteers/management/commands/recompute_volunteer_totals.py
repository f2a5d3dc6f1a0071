import time

from django.core.management.base import BaseCommand

from volunteers import ledger


class Command(BaseCommand):
    help = "Recompute every volunteer's approved hours and star level from the ledger (one set-wise UPDATE)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        changed = ledger.recompute_totals()
        self.stdout.write(f"{changed} volunteer(s) changed in {time.perf_counter() - started:.1f} s")
