from django.core.management.base import BaseCommand

from core.tasks import run_supervision_checks


class Command(BaseCommand):
    help = "Run every supervision check now (what beat runs nightly)."

    def add_arguments(self, parser):
        parser.add_argument("--rule", action="append", help="only this rule (repeatable)")

    def handle(self, *args, rule=None, **options):
        result = run_supervision_checks.apply(kwargs={"only": rule}).get()
        for name, counts in (result or {}).items():
            self.stdout.write(f"{name}: {counts}")
