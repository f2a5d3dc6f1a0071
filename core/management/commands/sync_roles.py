from django.core.management.base import BaseCommand

from core.roles import sync_all_roles


class Command(BaseCommand):
    help = "Re-apply every app's role permissions (<app>/roles.py ROLE_PERMS) to the role groups."

    def handle(self, *args, **options):
        sync_all_roles()
        self.stdout.write(self.style.SUCCESS("Roles synchronised."))
