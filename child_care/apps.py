from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildCareConfig(AppConfig):
    name = "child_care"
    verbose_name = _("Minors and the three left-behind")
    default_auto_field = "django.db.models.BigAutoField"
