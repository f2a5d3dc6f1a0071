from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Like the admin: import every app's indicators.py; two indicators with one code stop start-up.
        from .registry import autodiscover

        autodiscover()

        # The dashboard keeps the list of computed periods in the cache (selectors.periods_with_values):
        # any run saved or deleted by other paths than a run's end (admin, fixtures) forgets it too.
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from .models import ReportRun
        from .selectors import forget_periods

        def forget(**kwargs):
            transaction.on_commit(forget_periods)

        post_save.connect(forget, sender=ReportRun, weak=False, dispatch_uid="reports.forget_periods.save")
        post_delete.connect(forget, sender=ReportRun, weak=False, dispatch_uid="reports.forget_periods.delete")
