from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Social workers and volunteers")
    # The volunteer's phone (and ID) may be revealed from the detail page with a reason (core's reveal view).
    portal_revealable = ("volunteers.Volunteer",)
