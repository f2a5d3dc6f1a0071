from core import services
from core.management.importing import ImportCommand


class Command(ImportCommand):
    help = ("Load population per area and year from CSV or XLSX: code,year,resident,registered "
            "(or 区划代码,年份,常住人口,户籍人口). All or nothing.")

    def run(self, path):
        return services.import_population(actor=None, source=path, filename=path)
