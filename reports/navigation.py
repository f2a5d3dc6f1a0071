from django.utils.translation import gettext_lazy as _

from core.navigation import NavEntry

ENTRIES = [NavEntry(_("Indicators"), "reports-dashboard", "reports.view_indicatorvalue", 5)]
