from grids.imports import IncidentImporter

from ._import import ImportCommand


class Command(ImportCommand):
    help = ("Import an incident file (事件台账, CSV or XLSX with the template's Chinese headers): each row filed "
            "and routed through the grids services; a numbered incident is filed once however often it is run.")
    importer = IncidentImporter
