from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from core import services
from core.choices import Role


class Command(BaseCommand):
    help = "Create a staff user or give an existing one another role at an area (12-digit code)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--area", required=True, help="division code of the area")
        parser.add_argument("--password")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--id-number", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--by", default="", metavar="USERNAME",
                            help="act for this staff user: the grant must be within their ceiling (what they "
                                 "may grant, as in the admin) and the audit log names them; without it the "
                                 "command acts as the system")

    def handle(self, *args, **o):
        actor = None
        if o["by"]:
            actor = get_user_model().objects.filter(username=o["by"], is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {o['by']!r}.")
        try:
            user = services.add_staff(actor=actor, username=o["username"], role=o["role"], area_code=o["area"],
                                      password=o["password"], full_name=o["name"], id_number=o["id_number"],
                                      phone=o["phone"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        except (PermissionDenied, Http404) as exc:
            raise CommandError(str(exc) or "refused")
        grants = ", ".join(f"{g.role}@{g.area.code}" for g in user.grants.select_related("area"))
        self.stdout.write(self.style.SUCCESS(f"{user.username}: {grants}"))
