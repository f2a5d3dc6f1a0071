from django.core.management.base import BaseCommand

from volunteers import ledger


class Command(BaseCommand):
    help = "Verify every team's hash chain of approved service-hour records; exit 1 if any link is broken."

    def add_arguments(self, parser):
        parser.add_argument("--team", type=int, help="only this team id")

    def handle(self, *args, team=None, **options):
        problems = ledger.verify_team_chain(team) if team else ledger.verify_all_chains()
        for problem in problems:
            self.stdout.write(f"BROKEN {problem}")
        if problems:
            self.stdout.write(f"{len(problems)} problem(s) found")
            raise SystemExit(1)
        self.stdout.write("All chains intact.")
