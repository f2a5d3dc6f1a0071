"""One staged import for every app (``core.imports``).

An app declares an :class:`~core.imports.base.Importer` (its columns: the template's Chinese header,
the field, aliases other exports use, a parser) in ``<app>/imports.py`` and registers it; core gives
it, once for every app:

- the downloadable template (XLSX with the Chinese headers, and a CSV variant),
- reading within the limits of ``core.tabular.ImportLimits`` (size, XLSX unpacking, rows, time),
- per-row validation whose errors name the line and the column *as the file's own header says it*,
- the background run (``core.imports.jobs``): a Celery task claiming the job with a conditional
  UPDATE and a heartbeat lease, progress, masked errors, and the upload kept encrypted at rest
  (``core.imports.storage``) and deleted when the import ends or its retention passes,
- pages (template download) under ``/imports/<key>/``.

The commit goes through the app's services (per-record audit) or, for a bulk path that stages rows
set-wise, through the app's own ``run`` (volunteers), which must write the same audit rows.
"""

from .base import Column, Importer, get, register, registry  # noqa: F401
