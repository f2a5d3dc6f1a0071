"""The generic staged import as services, shared by core's pages and API.

1. ``stage(actor=, importer=, upload=, area=)``: the file is checked (size, type, that it reads at
   all), kept encrypted, and previewed (``base.preview``: the commit's own rules and services, in a
   transaction rolled back, so nothing is kept); the preview's counts and errors (the column as the
   file itself names it) land on a ``core.StagedImport``. A file that cannot be read is refused with
   the reason (``ValidationError`` on ``file``) and nothing is kept.
2. ``commit(actor=, job=)``: the person who uploaded it confirms; the job is queued for the
   background run (``core.imports.jobs``: a Celery task, or at once where there is no broker).

Who sees what: an import exists for a user who holds its importer's ``permission`` somewhere (404
otherwise); a job is seen by the person who uploaded it and by those holding that permission in the
job's area.
"""

import csv

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.choices import LEVEL_PREFIX, AreaLevel
from core.exceptions import NoPermission, OutOfScope, TransitionRefused
from core.scope import local_today, scope_for
from core.tabular import ImportReport, TableError, check_upload_size, mask_personal_text

from . import base
from .models import StagedImport, StagedImportStatus

PREVIEW_ERRORS_KEPT = 1000
UPLOAD_SUFFIXES = (".csv", ".xlsx")


# --- which imports a user may run ---------------------------------------------------------------------
def importers_for(user) -> list[type[base.Importer]]:
    """The registered importers with generic pages whose permission the user holds somewhere."""
    scope = scope_for(user)
    return sorted((imp for imp in base.registry().values()
                   if imp.has_pages() and imp.permission and scope.has_perm_somewhere(imp.permission)),
                  key=lambda imp: imp.key)


def importer_for(user, key: str) -> type[base.Importer]:
    """The importer ``key`` if the user may run it; otherwise it does not exist for them (404)."""
    importer = base.get(key)
    if (importer is None or not importer.has_pages() or not importer.permission
            or not scope_for(user).has_perm_somewhere(importer.permission)):
        raise OutOfScope(_("No such import."))
    return importer


def _within(prefixes, path: str = "code") -> Q:
    """Q of the rows whose ``path`` (an area code) lies under one of ``prefixes`` (a non-empty set)."""
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{path}__startswith": prefix})
    return q


def area_choices(user, importer):
    """The areas (of the importer's levels, valid today) a user may import a file for."""
    from core.models import Area

    areas = Area.objects.valid_on(local_today()).filter(level__in=importer.area_levels).order_by("code")
    prefixes = scope_for(user).prefixes_for(importer.permission)
    if prefixes is None:
        return areas
    if not prefixes:
        return areas.none()
    return areas.filter(_within(prefixes))


def home_area(user, importer):
    """Where an import that needs no area lies: the widest area where the user holds its permission."""
    from core.models import Area

    prefixes = scope_for(user).prefixes_for(importer.permission)
    if prefixes is None:
        return Area.objects.filter(level=AreaLevel.CITY).order_by("code").first() or Area.objects.order_by(
            Length("code"), "code").first()
    for prefix in sorted(prefixes, key=lambda p: (len(p), p)):
        levels = [level for level, n in LEVEL_PREFIX.items() if n == len(prefix)]
        area = Area.objects.filter(code__startswith=prefix, level__in=levels).order_by("code").first()
        if area is not None:
            return area
    return None


# --- which jobs a user sees ------------------------------------------------------------------------------
def jobs_visible_to(user):
    """The person who uploaded a job sees it (while the import exists for them); anyone else only
    with the importer's permission in the job's area."""
    scope = scope_for(user)
    q = Q(pk__in=[])
    for importer in importers_for(user):
        prefixes = scope.prefixes_for(importer.permission)
        if prefixes is None:
            q |= Q(key=importer.key)
        else:
            q |= Q(key=importer.key) & (Q(created_by=user) | _within(prefixes, "area__code"))
    return StagedImport.objects.filter(q).select_related("area", "created_by")


def job_for(user, pk) -> StagedImport:
    job = jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise OutOfScope(_("No such import."))
    return job


# --- staging: check, keep, preview ---------------------------------------------------------------------
def _refuse(message) -> ValidationError:
    return ValidationError({"file": [str(message)]})


def _chosen_area(actor, importer, area):
    if importer.needs_area():
        if area is None:
            raise ValidationError({"area": [_("Choose the area this file is for.")]})
        if not area_choices(actor, importer).filter(pk=area.pk).exists():
            raise OutOfScope(_("No such area."))
        return area
    area = home_area(actor, importer)
    if area is None:
        raise OutOfScope(_("No such import."))
    return area


def preview_of(report: ImportReport, importer) -> dict:
    return {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
            "error_count": len(report.errors),
            "errors": base.error_rows(report, importer.headers(), PREVIEW_ERRORS_KEPT)}


def stage(*, actor, importer, upload, area=None) -> StagedImport:
    """Keep ``upload`` (encrypted) and preview it; a file that cannot be read is refused with the
    reason and nothing is kept (no job, no file)."""
    importer = importer_for(actor, importer.key) if actor is not None else importer
    area = _chosen_area(actor, importer, area) if actor is not None else area
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise _refuse(_("Use a CSV or XLSX file."))
    try:
        check_upload_size(getattr(upload, "size", None))
    except TableError as exc:
        raise _refuse(exc)
    try:
        report = base.preview(importer(actor=actor, area=area), upload, filename=name)
    except (TableError, UnicodeError) as exc:  # the file as a whole does not read
        raise _refuse(mask_personal_text(str(exc))[:500])
    except csv.Error:  # NUL bytes, a binary file named .csv
        raise _refuse(_("The file cannot be read as CSV or XLSX."))
    with transaction.atomic():
        job = StagedImport(key=importer.key, area=area, filename=name, created_by=actor,
                           preview=preview_of(report, importer))
        if hasattr(upload, "seek"):
            upload.seek(0)
        job.file.save(name, upload, save=False)
        job.save()
        counts = {k: job.preview[k] for k in ("created", "updated", "unchanged", "error_count")}
        audit.record(actor=actor, action="core.stagedimport.submit", target=job, area=area,
                     changes={"file": [None, name], "import": [None, importer.key], **{
                         k: [None, v] for k, v in counts.items()}})
    return job


def would_write(job) -> int:
    return int(job.preview.get("created", 0)) + int(job.preview.get("updated", 0))


# --- commit ------------------------------------------------------------------------------------------------
@transaction.atomic
def commit(*, actor, job: StagedImport) -> StagedImport:
    """The person who uploaded the file confirms its preview: the job is queued (after the
    transaction commits) and runs through the importer's services, row by row, audited."""
    job = StagedImport.objects.select_for_update().select_related("area").get(pk=job.pk)
    if actor is not None:
        job_for(actor, job.pk)  # 404 first: out of sight nothing else is looked at
        importer = importer_for(actor, job.key)
        if job.created_by_id != actor.pk:
            raise NoPermission(_("Only the person who uploaded the file can confirm its import."))
        if not scope_for(actor).covers(importer.permission, job.area.code):
            raise OutOfScope(_("No such import."))
    if job.status != StagedImportStatus.STAGED:
        raise TransitionRefused(_("This import has already been confirmed or has expired."))
    if not job.file:
        raise TransitionRefused(_("The uploaded file is no longer kept; upload it again."))
    if not would_write(job):
        raise TransitionRefused(_("The preview found nothing to create or change; there is nothing to import."))
    job.status, job.committed_at = StagedImportStatus.QUEUED, timezone.now()
    job.save(update_fields=["status", "committed_at"])
    audit.record(actor=actor, action="core.stagedimport.confirm", target=job, area=job.area,
                 changes={"status": [StagedImportStatus.STAGED, StagedImportStatus.QUEUED]})
    from .tasks import queue_staged_import

    transaction.on_commit(lambda: queue_staged_import(job.pk))
    return job


def execute(job, source, progress) -> ImportReport:
    """The background run of a committed job (``jobs.run_job``'s ``execute``): the importer as the
    person who uploaded the file, for the job's area, then one audit event on the job."""
    importer = base.get(job.key)
    if importer is None:
        raise TableError(_("This import is no longer offered."))
    report = importer(actor=job.created_by, job=job, area=job.area).run(source, filename=job.filename,
                                                                       progress=progress)
    audit.record(actor=job.created_by, action="core.stagedimport.import", target=job, area=job.area,
                 changes={"created": [None, report.created], "updated": [None, report.updated],
                          "unchanged": [None, report.unchanged], "error_count": [None, len(report.errors)]})
    return report


def expire_staged(older_than) -> int:
    """Previews never confirmed: their file is deleted and they say so."""
    count = 0
    for job in StagedImport.objects.filter(status=StagedImportStatus.STAGED, created_at__lt=older_than):
        if job.file:
            job.file.delete(save=False)
        StagedImport.objects.filter(pk=job.pk, status=StagedImportStatus.STAGED).update(
            status=StagedImportStatus.EXPIRED, file="", finished_at=timezone.now())
        count += 1
    return count


# --- the error report as a file -----------------------------------------------------------------------------
def error_table(job: StagedImport) -> tuple[list, list]:
    """(header, rows) of the job's errors (the run's once it ran, else the preview's), for
    ``core.generic.export_response`` (cells neutralised: a cell quoted as ``=cmd|…`` stays text)."""
    errors = job.errors if job.status in (StagedImportStatus.DONE, StagedImportStatus.FAILED) else \
        job.preview.get("errors", [])
    header = [_("Line"), _("Column"), _("Reason")]
    return header, [[e.get("line"), e.get("column"), e.get("reason")] for e in errors]
