from core import services
from core.management.importing import ImportCommand


class Command(ImportCommand):
    help = ("Load areas from CSV or XLSX with columns code,name,level,kind,parent_code "
            "(or 区划代码,名称,层级,城乡类型,上级代码). All or nothing: any bad row and nothing is written.")

    def run(self, path):
        return services.import_areas(actor=None, source=path, filename=path)
