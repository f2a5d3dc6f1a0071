"""Importers: a declaration of the columns a file has, and the registry apps add theirs to."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.tabular import ImportReport, RowError, csv_stream, read_table, xlsx_bytes


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``header`` is the template's header (the national system's Chinese name, not translated: it is
    the file format); ``aliases`` are other headers exports use for it; ``parser`` turns the cell's
    text into a value or raises ``ValueError``/``ValidationError`` with a clerk-readable reason.
    """

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parser: Callable[[str], Any] | None = None
    example: str = ""


class Importer:
    """Declare ``key``, ``label``, ``columns`` and ``permission`` and register the class.

    ``rows()`` reads a file into (line, {field: value}) with per-cell errors; a per-row importer
    overrides ``commit_row`` (calling the app's service: scope, ``full_clean``, one audit event
    each) and inherits ``run``; a bulk importer overrides ``run`` itself.
    """

    key: str = ""
    label = ""
    columns: list[Column] = []
    permission: str = ""  # the permission an importer needs somewhere to see the import pages
    # The levels of area (core.choices.AreaLevel values) a file is imported *for*: the upload form
    # offers the areas of these levels where the user holds ``permission`` and the importer reads
    # ``self.area`` (rows outside it are the service's to refuse). Empty: the import needs no area;
    # the job then lies at the widest area where the user holds the permission.
    area_levels: tuple[str, ...] = ()
    # Core's generic pages and API (/imports/, /api/v1/imports/) run this import. None: yes for a
    # per-row importer (it overrides ``commit_row``), no for a bulk one with pages of its own
    # (volunteers); set True or False to decide otherwise.
    pages: bool | None = None
    do_not_call_in_templates = True  # a template reads ``importer.label``; it never instantiates the class

    @classmethod
    def has_pages(cls) -> bool:
        if cls.pages is not None:
            return cls.pages
        return cls.commit_row is not Importer.commit_row

    @classmethod
    def needs_area(cls) -> bool:
        return bool(cls.area_levels)

    # --- the file ---------------------------------------------------------------------------------
    @classmethod
    def column_map(cls) -> dict[str, list[str]]:
        return {c.field: [c.header, *c.aliases] for c in cls.columns}

    @classmethod
    def required(cls) -> list[str]:
        return [c.field for c in cls.columns if c.required]

    @classmethod
    def headers(cls) -> dict[str, str]:
        """{field: the template's header}: how a column is named when the file does not name it."""
        return {c.field: c.header for c in cls.columns}

    @classmethod
    def template(cls, fmt: str = "xlsx") -> tuple[bytes, str, str]:
        """(content, content type, file name) of the empty template with one example row."""
        header = [c.header for c in cls.columns]
        example = [c.example for c in cls.columns]
        rows = [example] if any(example) else []
        name = f"{cls.key}-template.{fmt}"
        if fmt == "csv":
            # csv_stream starts with a BOM: Excel in a Chinese locale then reads the headers right.
            return "".join(csv_stream(header, rows)).encode("utf-8"), "text/csv; charset=utf-8", name
        return (xlsx_bytes(header, rows, title=str(cls.key)),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name)

    @classmethod
    def rows(cls, source, report: ImportReport, filename: str = "") -> Iterator[tuple[int, dict]]:
        """(line, {field: parsed value}) of every row whose cells all parse; the others' errors go
        to ``report.errors``. ``report.headers`` learns the file's own header of each column."""
        columns = {c.field: c for c in cls.columns}
        for line, raw in read_table(source, cls.column_map(), required=cls.required(), filename=filename,
                                    headers=report.headers):
            values, bad = {}, []
            for field, text in raw.items():
                column = columns[field]
                if not text:
                    if column.required:
                        bad.append(RowError(line, field, _("this column is required")))
                    values[field] = None
                    continue
                try:
                    values[field] = column.parser(text) if column.parser else text
                except ValidationError as exc:
                    bad.append(RowError(line, field, exc.messages[0]))
                except ValueError as exc:
                    bad.append(RowError(line, field, str(exc) or _("not a valid value")))
            if bad:
                report.errors.extend(bad)
            else:
                yield line, values

    # --- the run ----------------------------------------------------------------------------------
    def __init__(self, *, actor, job=None, area=None):
        self.actor, self.job = actor, job
        self.area = area if area is not None else getattr(job, "area", None)

    def check(self, source, *, filename: str = "") -> ImportReport:
        """What the preview runs (inside a transaction rolled back): ``run`` itself by default, so the
        preview applies the commit's own rules. A bulk importer whose run is too long for a web request
        overrides it to read and check the file only (child_care's school roster)."""
        return self.run(source, filename=filename)

    def result_url(self) -> str:
        """Where a finished job's page leads for what the import made (``self.job`` set); "" for none."""
        return ""

    def commit_row(self, line: int, values: dict) -> str:
        """Write one row through the app's service; return "created", "updated" or "unchanged"."""
        raise NotImplementedError

    def run(self, source, *, filename: str = "", progress: Callable[[int], None] | None = None) -> ImportReport:
        """Per row: parse, then ``commit_row`` in its own savepoint; a row the service refuses is
        reported with the service's reason under the column of the field it names."""
        from django.db import transaction

        from core.exceptions import NoPermission, OutOfScope, TransitionRefused

        report = ImportReport()
        count = 0
        for line, values in self.rows(source, report, filename):
            try:
                with transaction.atomic():
                    outcome = self.commit_row(line, values)
            except ValidationError as exc:
                for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                    column = field if field in self.headers() else ""
                    report.errors.extend(RowError(line, column, m) for m in messages)
                continue
            except (OutOfScope, NoPermission, TransitionRefused) as exc:
                # A row the service refuses the actor (a record outside their areas, a step not
                # allowed now) is that row's error, not the end of the import.
                reason = _("outside your areas") if isinstance(exc, OutOfScope) else (
                    getattr(exc, "reason", None) or str(exc) or _("not allowed"))
                report.errors.append(RowError(line, "", reason))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            count += 1
            if progress and count % 500 == 0:
                progress(count)
        report.errors.sort(key=lambda e: e.line)
        return report


class _RolledBack(Exception):
    pass


def preview(importer: Importer, source, *, filename: str = "") -> ImportReport:
    """What committing the file would do (counts and per-row errors), with nothing kept: the run
    happens inside a transaction that is rolled back, so the preview applies exactly the rules
    (and the services) of the commit. Audit rows written by the run are rolled back with it."""
    from django.db import transaction

    result = {}
    try:
        with transaction.atomic():
            result["report"] = importer.check(source, filename=filename)
            raise _RolledBack
    except _RolledBack:
        pass
    return result["report"]


def error_rows(report: ImportReport, headers: dict[str, str], limit: int) -> list[dict]:
    """The report's errors as kept on a job: the column as the file names it (or the template
    does), the field for programs, the masked reason."""
    own = {**headers, **report.headers}
    return [{"line": e.line, "column": own.get(e.column, e.column), "field": e.column, "reason": str(e.reason)}
            for e in report.errors[:limit]]


_REGISTRY: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    """Class decorator: make an importer's template and pages available under its key."""
    _REGISTRY[importer.key] = importer
    return importer


def registry() -> dict[str, type[Importer]]:
    from django.apps import apps

    for config in apps.get_app_configs():  # each app's imports module registers its importers
        try:
            __import__(f"{config.name}.imports")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.imports":
                raise
    return dict(_REGISTRY)


def get(key: str) -> type[Importer] | None:
    return registry().get(key)


