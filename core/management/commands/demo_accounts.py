from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD
from core.middleware import requires_second_factor


class Command(BaseCommand):
    help = "Print the demo accounts: one per role, with their areas."

    def handle(self, *args, **options):
        User = get_user_model()
        users = User.objects.filter(grants__isnull=False).distinct().order_by("id").prefetch_related("grants__area")
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for user in users:
            grants = "; ".join(f"{g.get_role_display()} @ {g.area.name} {g.area.code}" for g in user.grants.all())
            otp = f"  [one-time code: python manage.py demo_totp {user.username}]" if requires_second_factor(
                user) else ""
            self.stdout.write(f"  {user.username:<18} {grants}{otp}")
        self.stdout.write("")
