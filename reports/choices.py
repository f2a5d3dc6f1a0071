from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly schedule")
    DASHBOARD = "dashboard", _("Dashboard")
    API = "api", _("API")
    COMMAND = "command", _("Command line")
    DEMO = "demo", _("Demo data")
