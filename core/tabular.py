"""Reading and writing tables: CSV (UTF-8 or GB18030, as Chinese Excel saves it) and XLSX.

Readers stream rows, so a file of a million rows needs no more memory than one row.
Headers may be English or Chinese; ``columns`` maps each canonical name to its aliases.
"""

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _


class TableError(ValueError):
    """The file as a whole cannot be read (wrong type, missing columns)."""


@dataclass
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self):
        where = _("line %(n)s") % {"n": self.line}
        return where + (f" [{self.column}]" if self.column else "") + f": {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

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


def _map_header(header: list[str], columns: dict[str, Iterable[str]], required: Iterable[str]) -> dict[str, int]:
    normalised = [(h or "").strip().lower() for h in header]
    index = {}
    for canonical, aliases in columns.items():
        for name in (canonical, *aliases):
            if name.lower() in normalised:
                index[canonical] = normalised.index(name.lower())
                break
    missing = [c for c in required if c not in index]
    if missing:
        raise TableError(_("Missing columns: %(cols)s") % {"cols": ", ".join(missing)})
    return index


def read_table(
    source, columns: dict[str, Iterable[str]], required: Iterable[str] | None = None, filename: str = ""
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, {canonical column: text}) for every non-empty data row."""
    required = list(columns) if required is None else list(required)
    name = filename or (str(source) if isinstance(source, (str, Path)) else getattr(source, "name", ""))
    if name.lower().endswith((".xlsx", ".xlsm")):
        yield from _read_xlsx(source, columns, required)
    elif name.lower().endswith((".csv", ".txt")) or not name:
        yield from _read_csv(source, columns, required)
    else:
        raise TableError(_("Unsupported file type: use CSV or XLSX."))


def _open_binary(source):
    if isinstance(source, (str, Path)):
        return open(source, "rb")
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def _read_csv(source, columns, required):
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
        index = _map_header(header, columns, required)
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


def _read_xlsx(source, columns, required):
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
        index = _map_header(header, columns, required)
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
