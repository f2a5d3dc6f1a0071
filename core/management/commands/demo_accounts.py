from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Q

from core.demo import DEMO_PASSWORD
from core.middleware import requires_second_factor


def demo_accounts():
    """[(username, what they are)]: every account with a role, and every volunteer's own account
    (README's account table is compared with this list by tests/core/test_demo_accounts.py)."""
    User = get_user_model()
    accounts = Q(grants__isnull=False)
    if any(f.name == "volunteer" for f in User._meta.get_fields()):
        accounts |= Q(volunteer__isnull=False)
    users = User.objects.filter(accounts).distinct().order_by("id").prefetch_related("grants__area")
    out = []
    for user in users:
        grants = "; ".join(f"{g.get_role_display()} @ {g.area.name} {g.area.code}" for g in user.grants.all())
        out.append((user, grants or "volunteer (own account: my service)"))
    return out


class Command(BaseCommand):
    help = "Print the demo accounts: one per role, with their areas."

    def handle(self, *args, **options):
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for user, what in demo_accounts():
            otp = f"  [one-time code: python manage.py demo_totp {user.username}]" if requires_second_factor(
                user) else ""
            self.stdout.write(f"  {user.username:<18} {what}{otp}")
        self.stdout.write("")
