from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("Grids and community work")

    def ready(self):
        from . import listing

        listing.connect()  # the incident list's cached counters follow every change of an incident
