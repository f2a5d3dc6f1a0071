"""Reading and writing tables: CSV (UTF-8 or GB18030, as Chinese Excel saves it) and XLSX.

Readers stream rows, so a file of a million rows needs no more memory than one row.
Headers may be English or Chinese; ``columns`` maps each canonical name to its aliases.
"""

import codecs
import csv
import io
import os
import re
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


class TableError(ValueError):
    """The file as a whole cannot be read (wrong type, missing columns)."""


# ID-number- and phone-shaped runs of digits quoted in a reason (a cell copied into a message).
_ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE_SHAPED = re.compile(r"(?<![0-9A-Za-z-])(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z-])")


def mask_personal_text(text: str) -> str:
    """``text`` with every ID-number- or phone-shaped value masked as ``core.personal.mask`` does.

    Error reports quote cells; a clerk may have typed a phone into the status column."""
    from .personal import PersonalKind, mask

    text = _ID_SHAPED.sub(lambda m: mask(PersonalKind.ID_NUMBER, m.group().upper()), text)
    return _PHONE_SHAPED.sub(lambda m: mask(PersonalKind.PHONE, m.group()), text)


@dataclass
class RowError:
    """One bad cell: what it says is kept (in a job's report) with personal values masked."""

    line: int
    column: str
    reason: str

    def __post_init__(self):
        self.reason = mask_personal_text(str(self.reason))

    def __str__(self):
        where = _("line %(n)s") % {"n": self.line}
        return where + (f" [{self.column}]" if self.column else "") + f": {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # {canonical column: the header the file itself used}, filled by ``read_table(headers=...)``
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start >= len(head) - 3:
            return "utf-8"
        return "gb18030"


def _map_header(header: list[str], columns: dict[str, Iterable[str]], required: Iterable[str],
                headers: dict | None = None) -> dict[str, int]:
    normalised = [(h or "").strip().lower() for h in header]
    index = {}
    for canonical, aliases in columns.items():
        for name in (canonical, *aliases):
            if name.lower() in normalised:
                index[canonical] = normalised.index(name.lower())
                break
    if headers is not None:  # the file's own names, for error reports in the file's words
        headers.update({c: (header[i] or "").strip() for c, i in index.items()})
    missing = [c for c in required if c not in index]
    if missing:
        named = [next(iter(columns[c]), c) for c in missing]  # the template's header, not the field's name
        raise TableError(_("Missing columns: %(cols)s") % {"cols": ", ".join(named)})
    return index


@dataclass(frozen=True)
class ImportLimits:
    """How much one import may read: the upload, what an XLSX unpacks to, rows and seconds.

    One set for every path (page, API, Celery, command), from the ``PORTAL_IMPORT_*`` settings."""

    upload_bytes: int
    unpacked_bytes: int
    ratio: int
    rows: int
    seconds: float

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        mb = 1024 * 1024
        return cls(upload_bytes=int(settings.PORTAL_IMPORT_MAX_UPLOAD_MB * mb),
                   unpacked_bytes=int(settings.PORTAL_IMPORT_MAX_UNPACKED_MB * mb),
                   ratio=int(settings.PORTAL_IMPORT_MAX_RATIO), rows=int(settings.PORTAL_IMPORT_MAX_ROWS),
                   seconds=float(settings.PORTAL_IMPORT_MAX_SECONDS))


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".removesuffix(".0")


def check_upload_size(size: int | None, limits: ImportLimits | None = None) -> None:
    """Refuse a file larger than the upload limit (TableError with the sizes)."""
    limits = limits or ImportLimits.from_settings()
    if size is not None and size > limits.upload_bytes:
        raise TableError(_("The file is %(size)s MB; at most %(max)s MB can be imported. Split it into smaller "
                           "files.") % {"size": _megabytes(size), "max": _megabytes(limits.upload_bytes)})


def _size_of(source) -> int | None:
    if isinstance(source, (str, Path)):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    if hasattr(source, "seek") and hasattr(source, "tell"):
        try:
            source.seek(0, os.SEEK_END)
            return source.tell()
        except (OSError, ValueError):
            return None
    return None


def read_table(
    source, columns: dict[str, Iterable[str]], required: Iterable[str] | None = None, filename: str = "",
    limits: ImportLimits | None = None, headers: dict | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, {canonical column: text}) for every non-empty data row.

    Within ``limits`` (default: the settings): a file too large, an XLSX unpacking to too much
    (checked before it is parsed), more rows than allowed or reading for too long stop the
    import with a ``TableError`` saying which.
    """
    required = list(columns) if required is None else list(required)
    limits = limits or ImportLimits.from_settings()
    name = filename or (str(source) if isinstance(source, (str, Path)) else getattr(source, "name", ""))
    if name.lower().endswith((".xlsx", ".xlsm")):
        kind = _read_xlsx
    elif name.lower().endswith((".csv", ".txt")) or not name:
        kind = _read_csv
    else:
        raise TableError(_("Unsupported file type: use CSV or XLSX."))
    check_upload_size(_size_of(source), limits)
    if kind is _read_xlsx:
        _check_xlsx_archive(source, limits)
    yield from _within_limits(kind(source, columns, required, headers), limits)


def _within_limits(rows, limits: ImportLimits):
    deadline = time.monotonic() + limits.seconds
    for count, item in enumerate(rows, start=1):
        if item[0] - 1 > limits.rows:  # data lines read, empty ones included
            raise TableError(_("The file has more than %(n)s rows; split it into smaller files.")
                             % {"n": f"{limits.rows:,}"})
        if count % 1000 == 0 and time.monotonic() > deadline:
            raise TableError(_("The import took longer than %(s)s seconds and was stopped; split the file.")
                             % {"s": int(limits.seconds)})
        yield item


_MAX_MEMBERS = 10_000


def _check_xlsx_archive(source, limits: ImportLimits) -> None:
    """Refuse an XLSX that unpacks to more than the limit, or whose parts are compressed beyond
    any real spreadsheet's ratio (a "zip bomb"), before openpyxl parses it: first from the sizes
    the archive declares, then by unpacking each part and counting what actually comes out."""
    bomb = TableError(_("The XLSX file unpacks to more than %(max)s MB or is compressed suspiciously well "
                        "(a “zip bomb”); it was refused.") % {"max": _megabytes(limits.unpacked_bytes)})
    raw = _open_binary(source)
    try:
        try:
            archive = zipfile.ZipFile(raw)
        except (zipfile.BadZipFile, OSError) as exc:
            raise TableError(_("The XLSX file cannot be read: %(err)s") % {"err": exc})
        members = archive.infolist()
        if len(members) > _MAX_MEMBERS:
            raise bomb
        if sum(m.file_size for m in members) > limits.unpacked_bytes:
            raise bomb
        for m in members:
            if m.file_size > 1024 * 1024 and m.file_size > limits.ratio * max(m.compress_size, 1):
                raise bomb
        total = 0
        for m in members:
            seen = 0
            try:
                with archive.open(m) as part:
                    while chunk := part.read(1024 * 1024):
                        seen += len(chunk)
                        total += len(chunk)
                        if seen > m.file_size or total > limits.unpacked_bytes:
                            raise bomb
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
                raise TableError(_("The XLSX file cannot be read: %(err)s") % {"err": exc})
    finally:
        if isinstance(source, (str, Path)):
            raw.close()


def _open_binary(source):
    if isinstance(source, (str, Path)):
        return open(source, "rb")
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def _read_csv(source, columns, required, headers=None):
    raw = _open_binary(source)
    head = raw.read(64 * 1024)
    encoding = _sniff_encoding(head)
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    try:
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise TableError(_("The file is empty."))
        index = _map_header(header, columns, required, headers)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, {c: (row[i].strip() if i < len(row) else "") for c, i in index.items()}
    finally:
        text.detach()
        if isinstance(source, (str, Path)):
            raw.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(source, columns, required, headers=None):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(_open_binary(source), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise TableError(_("The XLSX file cannot be read: %(err)s") % {"err": exc})
    try:
        rows = wb.active.iter_rows(values_only=True)
        try:
            header = [_cell_text(v) for v in next(rows)]
        except StopIteration:
            raise TableError(_("The file is empty."))
        index = _map_header(header, columns, required, headers)
        for line, row in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in row]
            if not any(cells):
                continue
            yield line, {c: (cells[i] if i < len(cells) else "") for c, i in index.items()}
    finally:
        wb.close()


# --- writing ---------------------------------------------------------------------------------------
# Every CSV and XLSX the portal writes goes through ``export_cell``: a text that a spreadsheet would
# read as a formula (``=HYPERLINK(...)``, ``+``, ``-``, ``@``, a leading tab or carriage return) is
# prefixed with an apostrophe so it stays text, control characters that XLSX cannot hold are
# dropped, and numbers stay numbers (a negative amount is still a number cell).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])  # what XLSX cannot hold
XLSX_MAX_TEXT = 32767  # characters a spreadsheet cell holds


def export_cell(value):
    """The value as it is written into an export cell: ``None`` → "", a number stays a number,
    anything else is text, neutralised."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value).translate(_ILLEGAL)
    if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS[:4]):
        text = "'" + text
    return text


def export_row(row: Iterable) -> list:
    return [export_cell(v) for v in row]


class _Echo:
    def write(self, value):
        return value


def csv_stream(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text in chunks, with a BOM so Excel opens Chinese text correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(export_row(header))
    for row in rows:
        yield writer.writerow(export_row(row))


def _xlsx_cell(ws, value):
    from openpyxl.cell import WriteOnlyCell

    value = export_cell(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value[:XLSX_MAX_TEXT])
        cell.data_type = "s"  # text, never a formula nor an error code
        return cell
    return value


def xlsx_bytes(header: list[str], rows: Iterable[Iterable], title: str = "export") -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title.translate(_ILLEGAL)[:31] or "export")
    ws.append([_xlsx_cell(ws, h) for h in header])
    for row in rows:
        ws.append([_xlsx_cell(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
