import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.tabular import TableError
from volunteers.imports import import_service_hours
from volunteers.models import Team


class Command(BaseCommand):
    help = ("Import service-hour records of one organising team (CSV or XLSX); they await the team manager's "
            "approval. Re-running the same file changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--team", type=int, required=True, help="id of the organising team")
        parser.add_argument("--as-user", help="username of the team's manager or recorder (default: system)")
        parser.add_argument("--max-errors", type=int, default=200)

    def handle(self, *args, file, team, as_user=None, max_errors=200, **options):
        actor = get_user_model().objects.get(username=as_user) if as_user else None
        try:
            team_obj = Team.objects.get(pk=team)
        except Team.DoesNotExist:
            raise CommandError(f"No team {team}")
        started = time.perf_counter()
        try:
            report = import_service_hours(actor=actor, source=file, team=team_obj, filename=file)
        except TableError as exc:
            raise CommandError(str(exc))
        for error in report.errors[:max_errors]:
            self.stdout.write(str(error))
        self.stdout.write(f"created {report.created}, unchanged {report.unchanged}, errors {len(report.errors)} "
                          f"in {time.perf_counter() - started:.1f} s")
