from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Like the admin: import every app's indicators.py; two indicators with one code stop start-up.
        from .registry import autodiscover

        autodiscover()
