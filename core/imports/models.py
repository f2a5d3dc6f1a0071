"""The job of a staged import run on core's generic pages and API (``core.StagedImport``).

Imported into ``core.models`` (its app is ``core``). The upload is kept encrypted from the preview
to the end of the commit; the preview's counts and errors, and then the run's, are kept on the row.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.querysets import RestrictedQuerySet


def staged_import_storage():
    """Uploaded files live under var/imports/core/ (never under static or media), encrypted."""
    from .storage import EncryptedFileSystemStorage

    return EncryptedFileSystemStorage(location=settings.VAR_DIR / "imports")


class StagedImportStatus(models.TextChoices):
    STAGED = "staged", _("previewed, awaiting confirmation")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired without confirmation")


class StagedImport(models.Model):
    """One uploaded file of a registered importer: previewed, then committed in the background."""

    key = models.CharField(_("import"), max_length=60)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="staged_imports")
    file = models.FileField(_("file"), upload_to="core/", storage=staged_import_storage, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=StagedImportStatus.choices,
                              default=StagedImportStatus.STAGED)
    # What the preview found: {"created", "updated", "unchanged", "error_count", "errors": [...]}
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    processed = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # core.imports.jobs: handed to the queue (None: waiting, the sweep retries) and the worker's lease.
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    queue_error = models.CharField(_("queueing error"), max_length=500, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="core_staged_import_status")]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("import-job", args=[self.pk])

    @property
    def waiting_to_be_queued(self) -> bool:
        return self.status == StagedImportStatus.QUEUED and self.queued_at is None

    @property
    def in_progress(self) -> bool:
        return self.status in (StagedImportStatus.QUEUED, StagedImportStatus.RUNNING)

    def importer(self):
        from .base import get

        return get(self.key)
