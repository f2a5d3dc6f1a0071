"""Workbench items of grids (core/workbench.py): incidents still open in the user's areas."""

from django.utils.translation import gettext_lazy as _

from core.workbench import WorkItem


def _open_incidents(user):
    from .choices import State
    from .models import Incident

    return Incident.objects.restrict(user, "change").filter(
        state__in=[State.FILED, State.ROUTED, State.IN_PROGRESS, State.RESOLVED])


ITEMS = [
    WorkItem("grids.incidents", _("Incidents to handle"), "grids.change_incident", "grids:incident-list",
             todo=_open_incidents,
             done_actions=("grids.incident.file", "grids.incident.start", "grids.incident.resolve",
                           "grids.incident.verify", "grids.incident.close"), order=50),
]
