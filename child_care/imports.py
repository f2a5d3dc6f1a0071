"""The education bureau's enrolment roster (学籍名册) on core's staged import (``core.imports``).

A province-sized roster takes minutes to stage and compare, far past a web request, so the supervisor
uploads it on core's pages (``/imports/school_roster/``, or the form of the roster list, which hands the
file to the same staging): the preview only reads and checks the file (every bad cell by line and the
file's own header; nothing written), and the confirmed run, a Celery task on core's job runner, stages
the rows and compares them with the registry through child_care's own services (``stage_roster``,
``reconcile_roster``: scope, set-wise writes, audit). The roster it makes is linked to the job, whose
result page leads to the comparison.
"""

from django.utils.translation import gettext_lazy

from core.choices import AreaLevel
from core.imports import Column, Importer, register
from core.tabular import ImportReport

from . import services
from .choices import RosterStatus
from .models import RosterImport

_EXAMPLES = {"name": "张伟", "id_number": "", "birth_date": "2013-04-05", "sex": "男", "school": "第一小学",
             "enrolment": "在读", "left_behind": "是", "area": "340302001001"}


@register
class RosterImporter(Importer):
    """学籍名册: one row per pupil; compared with the registry of the area the file is for."""

    key = "school_roster"
    label = gettext_lazy("School enrolment roster")
    permission = "child_care.add_rosterimport"
    area_levels = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.COMMUNITY)  # as the roster form offered
    pages = True  # a bulk importer (it overrides ``run``) on core's generic pages
    columns = [Column(field, names[0], tuple(names[1:]), required=field in services.ROSTER_REQUIRED,
                      example=_EXAMPLES.get(field, ""))
               for field, names in services.ROSTER_COLUMNS.items()]

    def check(self, source, *, filename: str = "") -> ImportReport:
        """The preview: the file read and every cell checked as the staging will (nothing written); the
        good rows are counted as "created" (the rows the comparison will stage)."""
        report = ImportReport()
        for _values in services.read_roster(area=self.area, source=source, filename=filename, report=report):
            report.created += 1
        report.errors.sort(key=lambda e: e.line)
        return report

    def run(self, source, *, filename: str = "", progress=None) -> ImportReport:
        """Stage the rows and compare them (child_care's services, as the person who uploaded the file).
        A run taken over from a dead worker carries on with the roster it had already staged."""
        report = ImportReport()
        roster = RosterImport.objects.filter(staged_import=self.job).first() if self.job is not None else None
        if roster is None:
            roster = services.stage_roster(actor=self.actor, area=self.area, source=source, filename=filename,
                                           report=report, staged_import=self.job, progress=progress)
        else:  # its bad cells as the file says them, read again
            report = self.check(source, filename=filename)
        if roster.status == RosterStatus.STAGED:
            roster = services.reconcile_roster(actor=self.actor, roster=roster)
        report.created = roster.rows
        report.errors.sort(key=lambda e: e.line)
        return report

    def result_url(self) -> str:
        roster = RosterImport.objects.filter(staged_import=self.job).only("pk").first() if self.job else None
        return roster.get_absolute_url() if roster else ""
