from grids.imports import WorkerRosterImporter

from ._import import ImportCommand


class Command(ImportCommand):
    help = ("Import a community-worker roster (社区工作者花名册, CSV or XLSX with the template's Chinese headers): "
            "each row hired through the grids services; re-running changes nothing.")
    importer = WorkerRosterImporter
