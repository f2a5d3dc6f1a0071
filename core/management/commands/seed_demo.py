import time

from django.core.management.base import BaseCommand
from django.db import transaction

from core.discovery import app_modules
from core.models import Area
from portal.urls import DOMAIN_APPS


class Command(BaseCommand):
    help = ("Load the demo world (Bengbu, 2020): core territory first, then each app's demo.py "
            "``load``; then every app's ``finish`` (e.g. aggregating the indicators of 2020).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.01,
                            help="scale of people-records and population (1 = the city's real size)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if areas exist already")

    def handle(self, *args, scale, if_empty, **options):
        if if_empty and Area.objects.exists():
            self.stdout.write("Demo data present; nothing to do.")
            return
        modules = app_modules("demo", ["core", *DOMAIN_APPS])
        for step in ("load", "finish"):
            for app, module in modules:
                if not hasattr(module, step):
                    continue
                started = time.monotonic()
                with transaction.atomic():
                    getattr(module, step)(scale=scale, stdout=self.stdout)
                self.stdout.write(f"  {app}.{step}: {time.monotonic() - started:.1f} s")
        self.stdout.write(self.style.SUCCESS("Demo world loaded."))
