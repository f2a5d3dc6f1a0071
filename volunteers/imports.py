"""Imports of the national volunteer information system's exports (全国志愿服务信息系统), at city scale.

The file is streamed row by row (``core.tabular.read_table``): every row is validated, its ID
number and phone encrypted and blind-indexed in Python, and the prepared row written to a staging
table: with PostgreSQL ``COPY`` in chunks, elsewhere with batched inserts. Only then one
transaction merges the staging table into the real table set-wise (``INSERT … SELECT … ON CONFLICT``
on the blind index), so memory stays flat, a re-run of the same file changes nothing, and an
interrupted import leaves the real tables untouched (the staging table is dropped; one left by a
killed run is swept by name and age). Rows that fail come back as a per-row report (line, column,
reason; ID- and phone-shaped values quoted in a reason are masked).

Limits (file size, what an XLSX unpacks to, rows, time) are ``core.tabular.read_table``'s.

Audit: one summary event per import (file, counts), and one event per volunteer registered or
changed with the before and after of the changed fields, written set-wise (``_AuditTrail``).
Hour records are checked against the day's limit as the service checks them (``volunteers.rules``).
"""

import datetime
import hashlib
import io
import multiprocessing
import os
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import Area, AuditEvent
from core.personal import (
    PersonalKind,
    age_on,
    blind_indexer,
    encrypter,
    mask,
    region_known,
    validate_id_number,
    validate_phone,
)
from core.scope import scope_for
from core.services import require_perm
from core.tabular import ImportReport, RowError, read_table

from . import rules, services
from .choices import MemberRole, RecordSource, RecordStatus, VolunteerStatus
from .models import ServiceHourRecord, Team, Volunteer

CHUNK = 20_000

VOLUNTEER_COLUMNS = {
    "name": ["姓名", "志愿者姓名"],
    "id_number": ["证件号码", "身份证号", "身份证号码", "公民身份号码"],
    "phone": ["手机号码", "手机号", "联系电话", "phone_number"],
    "area_code": ["区划代码", "所属区域", "所属区域/区划代码", "社区代码", "area"],
    "registered_on": ["注册时间", "注册日期", "registration_date"],
    "skills": ["服务技能", "技能", "专业技能"],
    "service_fields": ["服务类别", "服务领域", "志愿服务类型", "意向服务类别"],
    "guardian_name": ["监护人", "监护人姓名"],
    "guardian_consent_on": ["监护人同意日期", "监护人同意时间"],
    "status": ["状态", "注册状态"],
}
VOLUNTEER_REQUIRED = ["name", "id_number", "area_code", "registered_on"]

HOURS_COLUMNS = {
    "id_number": ["证件号码", "身份证号", "身份证号码"],
    "service_date": ["服务日期", "服务时间", "活动日期", "date"],
    "hours": ["服务时长", "时长", "服务时长(小时)", "服务时长（小时）"],
    "description": ["服务内容", "活动名称", "项目名称", "content"],
    "external_ref": ["记录编号", "记录ID", "时长记录编号", "record_no"],
}
HOURS_REQUIRED = ["id_number", "service_date", "hours"]

STATUS_WORDS = {
    "": VolunteerStatus.ACTIVE, "active": VolunteerStatus.ACTIVE, "正常": VolunteerStatus.ACTIVE,
    "已认证": VolunteerStatus.ACTIVE, "suspended": VolunteerStatus.SUSPENDED, "暂停": VolunteerStatus.SUSPENDED,
    "cancelled": VolunteerStatus.CANCELLED, "注销": VolunteerStatus.CANCELLED, "已注销": VolunteerStatus.CANCELLED,
}
_DATE_RE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?(?:[ T].*)?$")


def fast_id_number(value: str, *, today: datetime.date) -> str:
    """``core.personal.validate_id_number`` with the same verdicts at a fraction of the cost.

    The common case (well-formed, checksum right, plausible birth date, region known — looked up
    once per region by ``core.personal.region_known``) is decided here without exceptions; any
    number that fails a check goes through the full validator, which raises with the
    clerk-readable reason.
    """
    number = (value or "").strip().replace(" ", "").upper()
    try:
        if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
            raise ValueError
        checksum = (1 - 2 * int(number[:17], 13)) % 11
        if ("X" if checksum == 10 else str(checksum)) != number[17]:
            raise ValueError
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        if born > today or born.year < 1900 or not region_known(number[:6]):
            raise ValueError
    except ValueError:
        return validate_id_number(value, today=today)  # raises ValidationError with the reason
    return number


def parse_date(text: str) -> datetime.date:
    text = text.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the usual YYYY-MM-DD: a C call
        return datetime.date.fromisoformat(text)  # ValueError for an impossible date, like below
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(text)
    return datetime.date(*(int(g) for g in match.groups()))


# --- staging: COPY on PostgreSQL, batched inserts elsewhere ------------------------------------------
def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    text = value if isinstance(value, str) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_line(row: tuple) -> str:
    return "\t".join([_copy_text(v) for v in row]) + "\n"


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]").search


def _free_text(text: str) -> str:
    return _copy_text(text) if _NEEDS_ESCAPE(text) else text


def _or_null(value) -> str:
    return "\\N" if value is None else str(value)


def volunteer_copy_line(r: tuple) -> str:
    """``copy_line`` of a ``VOLUNTEER_STAGE`` row (tested equal), 40 % cheaper: only the columns a
    file fills in are searched for characters to escape; the others are hex, base64, masks, dates
    and numbers this module wrote."""
    return (f"{r[0]}\t{r[1]}\t{r[2]}\t{_free_text(r[3])}\t{_or_null(r[4])}\t{_or_null(r[5])}\t{r[6]}\t{r[7]}\t"
            f"{r[8]}\t{r[9]}\t{_free_text(r[10])}\t{_free_text(r[11])}\t{r[12]}\t{_free_text(r[13])}\t"
            f"{_or_null(r[14])}\t{r[15]}\t{_or_null(r[16])}\n")


STAGING_PREFIX = "volunteers_stage_"
_STAGING_NAME = re.compile(r"^volunteers_stage_(?:(\d{10})_)?[0-9a-f]{8,12}$")


class Staging:
    """A per-run staging table, created outside the merge transaction and dropped on the way out
    (the ``with`` block's exit runs on success, error and a Celery time limit alike).

    Its name carries its creation time (``volunteers_stage_<unix time>_<random>``): a run killed
    outright leaves its table (names, birth dates, encrypted IDs) to ``drop_orphaned_staging``.
    """

    def __init__(self, columns: list[tuple[str, str]]):
        self.name = f"{STAGING_PREFIX}{int(time.time())}_{uuid.uuid4().hex[:8]}"
        self.columns = columns

    def __enter__(self):
        unlogged = "UNLOGGED " if connection.vendor == "postgresql" else ""
        cols = ", ".join(f"{name} {sqltype}" for name, sqltype in self.columns)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE {unlogged}TABLE {self.name} ({cols})")
        return self

    def __exit__(self, *exc):
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
        except Exception:  # a broken connection: the table is an orphan now, swept later
            if exc[0] is None:
                raise

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        names = [c for c, _t in self.columns]
        # One transaction per chunk: SQLite in autocommit would otherwise sync every row.
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                lines = rows if isinstance(rows[0], str) else [copy_line(r) for r in rows]
                cursor.copy_expert(f"COPY {self.name} ({', '.join(names)}) FROM STDIN",
                                   io.BytesIO("".join(lines).encode()))
            else:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(f"INSERT INTO {self.name} ({', '.join(names)}) VALUES ({marks})", rows)


def drop_orphaned_staging(older_than: float | None = None) -> int:
    """Drop the staging tables of runs that died without dropping their own (older than
    ``PORTAL_IMPORT_STALE_SECONDS``: no live run keeps one that long without a heartbeat).
    Run at the start of every import and by the periodic ``volunteers.sweep_imports``."""
    from django.conf import settings

    older_than = settings.PORTAL_IMPORT_STALE_SECONDS if older_than is None else older_than
    cutoff = time.time() - older_than
    dropped = 0
    for name in connection.introspection.table_names():
        match = _STAGING_NAME.match(name)
        if not match:
            continue
        if match.group(1) is not None and int(match.group(1)) > cutoff:
            continue  # a run in progress (names without a time come from versions before the sweep)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        dropped += 1
    return dropped


def _stage_all(staging: Staging, prepared: Iterator[tuple], progress: Callable[[int], None] | None,
               report: ImportReport, key_column: str) -> int:
    batch, count = [], 0
    for row in prepared:
        batch.append(row)
        if len(batch) >= CHUNK:
            staging.write(batch)
            count += len(batch)
            batch = []
            if progress:
                progress(count)
    staging.write(batch)
    count += len(batch)
    _unique_keys(staging, key_column, report)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {staging.name}")
    if progress:
        progress(count)
    return count


# --- preparing rows in parallel ---------------------------------------------------------------------
# Validation, encryption and blind indexing cost ~60 µs a row in Python; on a big file worker
# processes (forked, so they inherit the lookups; they never touch the database) prepare chunks
# while this process parses the file and feeds COPY. At most a few chunks are in flight, so memory
# stays flat.
_WORKER_PREPARE = None
PARALLEL_USED = False  # whether the last preparation forked workers (for the log and the tests)
_WORKER_AS_TEXT = None  # in the workers: the function writing a prepared row as a COPY line
PARALLEL_CHUNK = 5_000


def _prepare_chunk(chunk):
    """In a worker: prepared rows, already in COPY text form when the database is PostgreSQL."""
    errors, staged = [], []
    for line, row in chunk:
        out = _WORKER_PREPARE(line, row, errors)
        if out is not None:
            staged.append(_WORKER_AS_TEXT(out) if _WORKER_AS_TEXT else out)
    return staged, errors


def _chunks(rows, size):
    chunk = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def default_workers() -> int:
    return int(os.environ.get("VOLUNTEERS_IMPORT_WORKERS", os.cpu_count() or 1))


def prepare_rows(rows, prepare, errors: list, workers: int = 1, chunk_size: int = PARALLEL_CHUNK,
                 as_text: Callable[[tuple], str] = copy_line):
    """Yield prepared rows in file order; ``prepare(line, row, errors)`` returns one or None.

    From workers on PostgreSQL the rows come as COPY lines written by ``as_text``."""
    global PARALLEL_USED
    PARALLEL_USED = not (workers <= 1 or connection.in_atomic_block or threading.active_count() > 1)
    if not PARALLEL_USED:
        # Inside a transaction (tests, callers' atomic blocks) forking next to an open
        # connection is not worth the risk, and a process running other threads (a web server,
        # a test live server) may be forked while one of them holds a lock the child then
        # waits on forever: prepare here. The import command is single-threaded.
        for line, row in rows:
            out = prepare(line, row, errors)
            if out is not None:
                yield out
        return
    global _WORKER_PREPARE, _WORKER_AS_TEXT
    _WORKER_PREPARE, _WORKER_AS_TEXT = prepare, as_text if connection.vendor == "postgresql" else None
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        in_flight = deque()
        for chunk in _chunks(rows, chunk_size):
            in_flight.append(pool.apply_async(_prepare_chunk, (chunk,)))
            if len(in_flight) > workers * 8:
                staged, errs = in_flight.popleft().get()
                errors.extend(errs)
                yield from staged
        while in_flight:
            staged, errs = in_flight.popleft().get()
            errors.extend(errs)
            yield from staged


def _distinct(a: str, b: str) -> str:
    return f"{a} IS DISTINCT FROM {b}" if connection.vendor == "postgresql" else f"{a} IS NOT {b}"


def _unique_keys(staging: Staging, column: str, report: ImportReport) -> None:
    """Index the staged keys as unique; only if that fails, look for the duplicates.

    A file rarely repeats a person or a record; building the unique index (which the merge needs
    anyway) proves it in one pass instead of grouping a million rows first.
    """
    create = f"CREATE UNIQUE INDEX {staging.name}_key ON {staging.name} (key)"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(create)
    except IntegrityError:
        _in_file_duplicates(staging, column, report)
        with connection.cursor() as cursor:
            cursor.execute(create)


def _in_file_duplicates(staging: Staging, column: str, report: ImportReport) -> None:
    """Later rows with the same key as an earlier one are errors; the first one stays."""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT s.line, f.first FROM {staging.name} s
            JOIN (SELECT key, MIN(line) AS first FROM {staging.name} GROUP BY key HAVING COUNT(*) > 1) f
              ON f.key = s.key
            WHERE s.line <> f.first ORDER BY s.line
        """)
        dups = cursor.fetchall()
        for line, first in dups:
            report.errors.append(RowError(line, column, _("same as line %(n)s") % {"n": first}))
        if dups:
            cursor.execute(f"""DELETE FROM {staging.name} WHERE line IN (
                SELECT s.line FROM {staging.name} s JOIN (SELECT key, MIN(line) AS first FROM {staging.name}
                GROUP BY key) f ON f.key = s.key WHERE s.line <> f.first)""")


# --- volunteers --------------------------------------------------------------------------------------
VOLUNTEER_STAGE = [
    ("line", "integer"), ("key", "varchar(64)"), ("id_enc", "text"), ("name", "varchar(50)"),
    ("phone_enc", "text"), ("phone_index", "varchar(64)"), ("birth_date", "date"), ("sex", "varchar(6)"),
    ("area_id", "bigint"), ("registered_on", "date"), ("skills", "varchar(200)"),
    ("service_fields", "varchar(200)"), ("status", "varchar(10)"), ("guardian_name", "varchar(50)"),
    ("guardian_consent_on", "date"), ("id_masked", "varchar(24)"), ("phone_masked", "varchar(24)"),
]


class _AreaLookup:
    """Community codes (or unambiguous community names) to ids, within the actor's scope."""

    def __init__(self, actor):
        self.by_code, names = {}, {}
        for pk, code, name in Area.objects.filter(level="community").values_list("pk", "code", "name"):
            self.by_code[code] = (pk, code)
            names.setdefault(name, []).append((pk, code))
        self.by_name = {n: v[0] for n, v in names.items() if len(v) == 1}
        self.scope = scope_for(actor) if actor is not None else None

    def find(self, text: str):
        text = text.strip()
        found = self.by_code.get(text) or self.by_name.get(text)
        if found is None:
            raise ValueError(_("unknown community “%(v)s” (give its 12-digit division code)") % {"v": text})
        if self.scope is not None and not self.scope.covers("volunteers.add_volunteer", found[1]):
            raise ValueError(_("outside your areas"))
        return found[0]


class Sealer:
    """The personal-data functions bound to the configured keys once per import, not per value."""

    def __init__(self):
        self.encrypt = encrypter()
        self.id_index = blind_indexer(PersonalKind.ID_NUMBER)
        self.phone_index = blind_indexer(PersonalKind.PHONE)


def _prepare_volunteer(line: int, row: dict, areas: _AreaLookup, today: datetime.date, errors: list,
                       sealer: Sealer | None = None):
    """One validated, encrypted staging row, or None with the row's errors appended."""
    bad = []
    name = row["name"].strip()
    if not name or len(name) > 50:
        bad.append(RowError(line, "name", _("a name of 1 to 50 characters is required")))
    try:
        number = fast_id_number(row["id_number"], today=today)
    except ValidationError as exc:
        bad.append(RowError(line, "id_number", exc.messages[0]))
        number = None
    phone = row.get("phone", "").strip()
    if phone:
        try:
            phone = validate_phone(phone)
        except ValidationError as exc:
            bad.append(RowError(line, "phone", exc.messages[0]))
    try:
        area_id = areas.find(row["area_code"])
    except ValueError as exc:
        bad.append(RowError(line, "area_code", str(exc)))
    registered = consent = None
    try:
        registered = parse_date(row["registered_on"])
        if registered > today:
            bad.append(RowError(line, "registered_on", _("registration date is in the future")))
    except ValueError:
        bad.append(RowError(line, "registered_on", _("not a date (use YYYY-MM-DD)")))
    if row.get("guardian_consent_on"):
        try:
            consent = parse_date(row["guardian_consent_on"])
        except ValueError:
            bad.append(RowError(line, "guardian_consent_on", _("not a date (use YYYY-MM-DD)")))
    status = STATUS_WORDS.get(row.get("status", "").strip().lower())
    if status is None:
        bad.append(RowError(line, "status", _("unknown status “%(v)s”") % {"v": row["status"]}))
    if number and registered:
        born = (int(number[6:10]), int(number[10:12]), int(number[12:14]))
        age = registered.year - born[0] - ((registered.month, registered.day) < born[1:])
        if age < services.MIN_AGE or (age < services.ADULT_AGE and not consent):  # the full rule gives the reason
            reason = services.age_rule_error(number, on=registered, guardian_consent=bool(consent))
            if reason:
                column = "id_number" if age_on(number, registered) < services.MIN_AGE else "guardian_consent_on"
                bad.append(RowError(line, column, reason))
    if consent and not row.get("guardian_name", "").strip():
        bad.append(RowError(line, "guardian_name", _("name the guardian who consented")))
    if bad:
        errors.extend(bad)
        return None
    birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    sealer = sealer or Sealer()
    return (
        line, sealer.id_index(number), sealer.encrypt(number), name,
        sealer.encrypt(phone) if phone else None, sealer.phone_index(phone) if phone else None,
        birth, "male" if int(number[16]) % 2 else "female", area_id, registered,
        row.get("skills", "")[:200], row.get("service_fields", "")[:200], status,
        row.get("guardian_name", "").strip()[:50], consent,
        mask(PersonalKind.ID_NUMBER, number), mask(PersonalKind.PHONE, phone) if phone else None,
    )


def import_volunteers(*, actor, source, filename: str = "", progress: Callable[[int], None] | None = None,
                      workers: int | None = None) -> ImportReport:
    """Create or update volunteers from a file; the blind index of the ID number is the key."""
    report = ImportReport()
    areas, today = _AreaLookup(actor), timezone.localdate()
    if actor is not None:
        require_perm(actor, "volunteers.add_volunteer")

    sealer = Sealer()

    def prepare(line, row, errors):
        return _prepare_volunteer(line, row, areas, today, errors, sealer)

    drop_orphaned_staging()
    rows = read_table(source, VOLUNTEER_COLUMNS, required=VOLUNTEER_REQUIRED, filename=filename,
                      headers=report.headers)
    prepared = prepare_rows(rows, prepare, report.errors, 1 if workers is None else workers,
                            as_text=volunteer_copy_line)
    with Staging(VOLUNTEER_STAGE) as staging:
        _stage_all(staging, prepared, progress, report, "id_number")
        with transaction.atomic(), connection.cursor() as cursor:
            _refuse_moves_out_of_scope(actor, staging, report, cursor)
            cursor.execute(f"SELECT COUNT(*) FROM {staging.name}")
            valid = cursor.fetchone()[0]
            trail = _AuditTrail(actor, _("import %(file)s") % {"file": filename}, timezone.now())
            report.created, report.updated = _merge_volunteers(cursor, staging, trail.now, trail)
            report.unchanged = valid - report.created - report.updated
            audit.record(actor=actor, action="volunteers.volunteer.import", label=filename or "import",
                         changes={"created": [None, report.created], "updated": [None, report.updated],
                                  "unchanged": [None, report.unchanged], "errors": [None, len(report.errors)]},
                         reason=_("import %(file)s") % {"file": filename})
    report.errors.sort(key=lambda e: e.line)
    return report


# What a staged row sets on the volunteer it creates or updates (staging column expressions).
_FROM_STAGE = {
    "name": "s.name", "phone": "s.phone_enc", "phone_index": "s.phone_index", "phone_masked": "s.phone_masked",
    "area_id": "s.area_id", "registered_on": "s.registered_on", "skills": "COALESCE(s.skills, '')",
    "service_fields": "COALESCE(s.service_fields, '')", "status": "s.status",
    "guardian_name": "COALESCE(s.guardian_name, '')", "guardian_consent_on": "s.guardian_consent_on",
}
_ONLY_ON_CREATE = {
    "id_number_index": "s.key", "id_number": "s.id_enc", "id_number_masked": "s.id_masked",
    "birth_date": "s.birth_date", "sex": "s.sex", "approved_hours": "0", "star_level": "0",
    "created_at": "%(now)s", "updated_at": "%(now)s",
}
# Only these decide whether a row changed (the encrypted phone differs on every encryption; its
# blind index does not).
UPDATABLE = ["name", "phone_index", "area_id", "registered_on", "skills", "service_fields", "status",
             "guardian_name", "guardian_consent_on"]


# --- the audit trail of a volunteer import ---------------------------------------------------------
# Each volunteer the import registers or changes gets its own audit row, as the services write
# them (action ``volunteers.volunteer.register`` / ``.update``, {field: [before, after]} of the
# fields that changed), so a move to another area shows in the person's history. Written set-wise
# (a million rows): on PostgreSQL one ``INSERT … SELECT`` building the JSON in SQL, elsewhere the
# rows are read and written with ``core.audit.build`` + ``record_many``.
# (audit key, the column that decides whether it changed, the column shown: masked copies, never
# the encrypted values or their blind index)
_AUDITED = [("name", "name", "name"), ("phone", "phone_index", "phone_masked"), ("area", "area_id", "area_id"),
            ("registered_on", "registered_on", "registered_on"), ("skills", "skills", "skills"),
            ("service_fields", "service_fields", "service_fields"), ("status", "status", "status"),
            ("guardian_name", "guardian_name", "guardian_name"),
            ("guardian_consent_on", "guardian_consent_on", "guardian_consent_on")]
# Set only on registration (audit key, staging column).
_AUDITED_ON_CREATE = [("id_number", "s.id_masked"), ("birth_date", "s.birth_date"), ("sex", "s.sex")]


class _AuditTrail:
    def __init__(self, actor, reason: str, now):
        self.actor, self.reason, self.now = actor, reason, now
        self.template = audit.build(actor=actor, action="", reason=reason)

    def _entries(self, created: bool) -> list[tuple[str, str | None, str, str | None]]:
        """(key, before expression, after expression, condition: None for always)."""
        if created:
            return ([(key, None, expr, f"{expr} IS NOT NULL") for key, expr in _AUDITED_ON_CREATE]
                    + [(key, None, _FROM_STAGE[shown], f"{_FROM_STAGE[shown]} IS NOT NULL")
                       for key, _test, shown in _AUDITED])
        return [(key, f"v.{shown}", _FROM_STAGE[shown], _distinct(f"v.{test}", _FROM_STAGE[test]))
                for key, test, shown in _AUDITED]

    def write(self, cursor, staging: Staging, *, created: bool) -> None:
        """Audit rows for the staged people who are about to be updated (``created=False``: before
        the update, so ``v`` still holds the before) or who were just registered (by this merge:
        ``created_at`` is its time)."""
        table = Volunteer._meta.db_table
        entries = self._entries(created)
        if created:
            where = "v.created_at = %(now)s"
        else:
            where = " OR ".join(cond for *_x, cond in entries)
        source = (f"FROM {staging.name} s JOIN {table} v ON v.id_number_index = s.key "
                  f"JOIN core_area a ON a.id = s.area_id WHERE {where}")  # filed where the person now lives, as the service does
        action = "volunteers.volunteer.register" if created else "volunteers.volunteer.update"
        t = self.template
        params = {"now": self.now, "actor": t.actor_id, "label": t.actor_label, "action": action,
                  "type": Volunteer._meta.label_lower, "rid": t.request_id, "reason": t.reason}
        if connection.vendor == "postgresql":
            pairs = ", ".join(
                f"'{key}', CASE WHEN {cond} THEN jsonb_build_array({before or 'NULL'}, {after}) END"
                for key, before, after, cond in entries)
            cursor.execute(f"""
                INSERT INTO {AuditEvent._meta.db_table} (created_at, actor_id, actor_label, action, target_type,
                    target_id, target_label, area_id, area_code, changes, request_id, reason)
                SELECT %(now)s, %(actor)s, %(label)s, %(action)s, %(type)s, v.id::text, LEFT(s.name, 200),
                    s.area_id, a.code, jsonb_strip_nulls(jsonb_build_object({pairs})), %(rid)s, %(reason)s
                {source}""", params)
            return
        columns = ", ".join(f"{before or 'NULL'}, {after}, CASE WHEN {cond} THEN 1 ELSE 0 END"
                            for _key, before, after, cond in entries)
        cursor.execute(f"SELECT v.id, s.name, s.area_id, a.code, {columns} {source}", params)
        while rows := cursor.fetchmany(2000):
            events = []
            for row in rows:
                changes = {}
                for i, (key, *_rest) in enumerate(entries):
                    before, after, changed = row[4 + 3 * i: 7 + 3 * i]
                    if changed:
                        changes[key] = [audit._jsonable(before), audit._jsonable(after)]
                event = AuditEvent(
                    created_at=self.now, actor_id=t.actor_id, actor_label=t.actor_label, action=action,
                    target_type=params["type"], target_id=str(row[0]), target_label=row[1][:200],
                    area_id=row[2], area_code=row[3], changes=changes, request_id=t.request_id, reason=t.reason)
                events.append(event)
            audit.record_many(events)


def _merge_volunteers(cursor, staging: Staging, now, trail: "_AuditTrail | None" = None) -> tuple[int, int]:
    """Update the staged people who exist and changed, insert the others: (created, updated).

    Three plain statements instead of one ``INSERT … ON CONFLICT DO UPDATE``, whose speculative
    insertion costs a third more per row (21.7 s against 14.9 s for a million new rows, measured):
    update who changed, drop everyone already registered from the staging table, insert the rest.
    (Not ``INSERT … WHERE NOT EXISTS``: against a table analysed while empty, PostgreSQL plans that
    as a nested loop rescanning the very table the statement fills, which is quadratic.)
    If another transaction registers one of the staged people in between, the insert fails on the
    unique blind index; it is then redone (inside this transaction, from a savepoint) as the
    upsert, so the file still wins and nothing is lost.
    """
    table = Volunteer._meta.db_table
    changed = " OR ".join(_distinct(f"v.{c}", _FROM_STAGE[c]) for c in UPDATABLE)
    assignments = ", ".join(f"{c} = {e}" for c, e in _FROM_STAGE.items())
    if trail:
        trail.write(cursor, staging, created=False)
    cursor.execute(f"""
        UPDATE {table} AS v SET {assignments}, updated_at = %(now)s
        FROM {staging.name} AS s WHERE v.id_number_index = s.key AND ({changed})
    """, {"now": now})
    updated = cursor.rowcount
    _drop_registered(cursor, staging)
    columns = {**_ONLY_ON_CREATE, **_FROM_STAGE}
    insert = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns.values())} FROM {staging.name} s"
    try:
        with transaction.atomic():
            cursor.execute(insert, {"now": now})
            created = cursor.rowcount
        if trail:
            trail.write(cursor, staging, created=True)
        return created, updated
    except IntegrityError:
        pass
    if trail:  # the people registered meanwhile, as the upsert below will change them
        trail.write(cursor, staging, created=False)
    cursor.execute(f"SELECT COUNT(*) FROM {staging.name} s LEFT JOIN {table} v ON v.id_number_index = s.key "
                   "WHERE v.id IS NULL")
    created = cursor.fetchone()[0]
    excluded = ", ".join(f"{c} = excluded.{c}" for c in _FROM_STAGE)
    changed = " OR ".join(_distinct(f"{table}.{c}", f"excluded.{c}") for c in UPDATABLE)
    cursor.execute(f"{insert} WHERE true ON CONFLICT (id_number_index) DO UPDATE SET {excluded}, "
                   f"updated_at = excluded.updated_at WHERE {changed}", {"now": now})
    upserted = cursor.rowcount
    if trail:
        trail.write(cursor, staging, created=True)
    return created, updated + upserted - created


def _drop_registered(cursor, staging: Staging) -> None:
    """Remove the staged rows of people already registered (the update has dealt with them)."""
    cursor.execute(f"DELETE FROM {staging.name} WHERE key IN "
                   f"(SELECT id_number_index FROM {Volunteer._meta.db_table} WHERE id_number_index IS NOT NULL)")


def _refuse_moves_out_of_scope(actor, staging: Staging, report: ImportReport, cursor) -> None:
    """A row may not update a volunteer registered outside the actor's areas."""
    if actor is None:
        return
    prefixes = scope_for(actor).prefixes_for("volunteers.change_volunteer")
    if prefixes is None:
        return
    inside = " OR ".join(["a.code LIKE %s"] * len(prefixes)) or "false"
    cursor.execute(f"""
        SELECT s.line FROM {staging.name} s
        JOIN {Volunteer._meta.db_table} v ON v.id_number_index = s.key JOIN core_area a ON a.id = v.area_id
        WHERE NOT ({inside})
    """, [p + "%" for p in prefixes])
    lines = [r[0] for r in cursor.fetchall()]
    for line in lines:
        report.errors.append(RowError(line, "id_number", _("registered in an area outside yours")))
    for start in range(0, len(lines), 500):
        part = lines[start:start + 500]
        cursor.execute(f"DELETE FROM {staging.name} WHERE line IN ({', '.join(['%s'] * len(part))})", part)


def _volunteers_in_scope(actor) -> tuple[str, list]:
    """A condition on ``a.code`` (the volunteer's community) for volunteers the actor may see."""
    if actor is None:
        return "true", []
    prefixes = scope_for(actor).prefixes_for("volunteers.view_volunteer")
    if prefixes is None:
        return "true", []
    return (" OR ".join(["a.code LIKE %s"] * len(prefixes)) or "false"), [p + "%" for p in sorted(prefixes)]


def _delete_lines(cursor, staging: Staging, lines: list[int]) -> None:
    for start in range(0, len(lines), 500):
        part = lines[start:start + 500]
        cursor.execute(f"DELETE FROM {staging.name} WHERE line IN ({', '.join(['%s'] * len(part))})", part)


# --- service hours -----------------------------------------------------------------------------------
HOURS_STAGE = [("line", "integer"), ("key", "varchar(64)"), ("id_index", "varchar(64)"),
               ("service_date", "date"), ("hours", "numeric(6,2)"), ("description", "varchar(300)")]


def _prepare_hours(line: int, row: dict, today: datetime.date, errors: list, id_index=None):
    bad = []
    try:
        number = fast_id_number(row["id_number"], today=today)
    except ValidationError as exc:
        bad.append(RowError(line, "id_number", exc.messages[0]))
        number = None
    try:
        day = parse_date(row["service_date"])
        if day > today:
            bad.append(RowError(line, "service_date", _("hours cannot be recorded for a day that has not come")))
    except ValueError:
        bad.append(RowError(line, "service_date", _("not a date (use YYYY-MM-DD)")))
        day = None
    try:
        hours = Decimal(row["hours"].replace("小时", "").strip()).quantize(Decimal("0.01"))
        if not rules.hours_in_range(hours):
            bad.append(RowError(line, "hours", _("hours must be more than 0 and at most 24")))
    except InvalidOperation:
        bad.append(RowError(line, "hours", _("not a number of hours")))
    if bad:
        errors.extend(bad)
        return None
    id_index = (id_index or blind_indexer(PersonalKind.ID_NUMBER))(number)
    description = row.get("description", "")[:300]
    ref = row.get("external_ref", "").strip()
    key = ref[:64] if ref else hashlib.sha256(f"{id_index}|{day}|{hours}|{description}".encode()).hexdigest()
    return (line, key, id_index, day, hours, description)


def import_service_hours(*, actor, source, team: Team, filename: str = "",
                         progress: Callable[[int], None] | None = None, job=None) -> ImportReport:
    """Hour records of one organising team, entered as awaiting its manager's approval.

    The record number of the source system (or, without one, a hash of the row's facts) is the
    key, so re-running the file changes nothing.
    """
    report, today = ImportReport(), timezone.localdate()
    services._require_team_role(actor, team, {MemberRole.MANAGER, MemberRole.RECORDER},
                                _("Only the organising team's manager or recorder can import its hours."))
    if actor is not None:
        services.require_in_scope(actor, "volunteers.add_servicehourrecord", team.area.code)

    def prepared():
        id_index = blind_indexer(PersonalKind.ID_NUMBER)
        for line, row in read_table(source, HOURS_COLUMNS, required=HOURS_REQUIRED, filename=filename,
                                    headers=report.headers):
            staged = _prepare_hours(line, row, today, report.errors, id_index)
            if staged is not None:
                yield staged

    table, vol = ServiceHourRecord._meta.db_table, Volunteer._meta.db_table
    in_scope, scope_params = _volunteers_in_scope(actor)
    drop_orphaned_staging()
    with Staging(HOURS_STAGE) as staging:
        _stage_all(staging, prepared(), progress, report, "external_ref")
        with transaction.atomic(), connection.cursor() as cursor:
            # Only volunteers registered in the importer's areas can be credited; anyone else's ID
            # number reads exactly like an unknown one (whether they exist is not the importer's to know).
            cursor.execute(f"""SELECT s.line FROM {staging.name} s WHERE NOT EXISTS (
                                   SELECT 1 FROM {vol} v JOIN core_area a ON a.id = v.area_id
                                   WHERE v.id_number_index = s.id_index AND ({in_scope}))
                               ORDER BY s.line""", scope_params)
            unknown = [r[0] for r in cursor.fetchall()]
            for line in unknown:
                report.errors.append(RowError(line, "id_number", _("no volunteer with this ID number is registered")))
            _delete_lines(cursor, staging, unknown)
            # The day's limit, as the service checks it, for all the file's new records at once.
            new_rows = f"""SELECT s.line, v.id AS volunteer_id, s.service_date, s.hours
                           FROM {staging.name} s JOIN {vol} v ON v.id_number_index = s.id_index
                           WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.team_id = %s AND r.external_ref = s.key)"""
            cursor.execute(rules.over_the_day_sql(new_rows, table), [team.pk, *rules.over_the_day_params()])
            too_much = [r[0] for r in cursor.fetchall()]
            for line in too_much:
                report.errors.append(RowError(line, "hours", rules.day_exceeded_message()))
            _delete_lines(cursor, staging, too_much)
            cursor.execute(f"""SELECT COUNT(*) FROM {staging.name} s JOIN {table} r
                               ON r.team_id = %s AND r.external_ref = s.key""", [team.pk])
            existing = cursor.fetchone()[0]
            now = timezone.now()
            cursor.execute(f"""
                INSERT INTO {table} (volunteer_id, team_id, area_id, service_date, hours, description, source, status,
                    recorded_by_id, recorded_at, external_ref, prev_hash, record_hash, import_job_id)
                SELECT v.id, %s, %s, s.service_date, s.hours, COALESCE(s.description, ''), %s, %s, %s, %s, s.key, '', '',
                    %s
                FROM {staging.name} s JOIN {vol} v ON v.id_number_index = s.id_index
                WHERE true
                ON CONFLICT DO NOTHING
            """, [team.pk, team.area_id, RecordSource.IMPORT, RecordStatus.SUBMITTED,
                  actor.pk if actor is not None else None, now, job.pk if job is not None else None])
            report.created = cursor.rowcount
            report.unchanged = existing
            audit.record(actor=actor, action="volunteers.hours.import", target=team, label=filename or "import",
                         changes={"created": [None, report.created], "unchanged": [None, report.unchanged],
                                  "errors": [None, len(report.errors)]},
                         reason=_("import %(file)s") % {"file": filename})
    report.errors.sort(key=lambda e: e.line)
    return report



# --- the importers, on core's staged import ----------------------------------------------------------
# Templates carry the national volunteer information system's Chinese headers (the first of each
# column's names above); exports using the other names import the same.
from django.utils.translation import gettext_lazy  # noqa: E402

from core.imports import Column, Importer, register  # noqa: E402


def _columns(mapping: dict[str, list[str]], required: list[str], headers: dict[str, str]) -> list[Column]:
    return [Column(field, headers.get(field, names[0]), tuple(n for n in names if n != headers.get(field, names[0])),
                   required=field in required)
            for field, names in mapping.items()]


@register
class VolunteerImporter(Importer):
    """Volunteers registered or changed from a register (the blind index of the ID number is the key)."""

    key = "volunteers"
    label = gettext_lazy("Volunteers")
    permission = "volunteers.add_importjob"
    columns = _columns(VOLUNTEER_COLUMNS, VOLUNTEER_REQUIRED, {"guardian_name": "监护人姓名"})

    def run(self, source, *, filename="", progress=None):
        return import_volunteers(actor=self.actor, source=source, filename=filename, progress=progress)


@register
class ServiceHoursImporter(Importer):
    """Service-hour records of one organising team (the job's), awaiting its manager's approval."""

    key = "service_hours"
    label = gettext_lazy("Service hours")
    permission = "volunteers.add_importjob"
    columns = _columns(HOURS_COLUMNS, HOURS_REQUIRED, {"hours": "服务时长（小时）"})

    def run(self, source, *, filename="", progress=None):
        return import_service_hours(actor=self.actor, source=source, team=self.job.team, filename=filename,
                                    progress=progress, job=self.job)


IMPORTERS = {VolunteerImporter.key: VolunteerImporter, ServiceHoursImporter.key: ServiceHoursImporter}


def pending_of(job):
    """The records an hours import entered that still await approval."""
    return ServiceHourRecord.objects.filter(import_job=job, status=RecordStatus.SUBMITTED)


def jobs_visible_to(user):
    """Imports a user sees: their own, within their areas, and the hours imports of the teams they
    manage (whose pending records they approve)."""
    from django.db.models import Q

    from .choices import ImportKind, MembershipStatus
    from .models import ImportJob, TeamMembership

    managed = TeamMembership.objects.filter(user=user, role=MemberRole.MANAGER,
                                            status=MembershipStatus.APPROVED).values("team")
    return ImportJob.objects.restrict(user).filter(
        Q(created_by=user) | Q(created_by__isnull=True) | Q(kind=ImportKind.SERVICE_HOURS, team__in=managed))


def approve_import(*, actor, job) -> int:
    """The team's manager approves every record of an hours import still awaiting approval, in one
    step: the chain rule and one audit event per record of ``services.approve_pending``, plus one
    event on the import. Whoever imported the file does not approve it (recorder ≠ approver)."""
    from core.exceptions import NoPermission, OutOfScope, TransitionRefused

    from .choices import ImportKind, ImportStatus

    if actor is not None and not jobs_visible_to(actor).filter(pk=job.pk).exists():
        raise OutOfScope()
    if job.kind != ImportKind.SERVICE_HOURS or job.status != ImportStatus.DONE:
        raise TransitionRefused(_("Only a finished import of service hours can be approved."))
    if actor is not None and job.created_by_id == actor.pk:
        raise NoPermission(_("Hours you imported are approved by another manager of the team."))
    with transaction.atomic():
        count = services.approve_pending(actor=actor, team=job.team,
                                         record_ids=pending_of(job).values("pk"))
        if not count:
            raise TransitionRefused(_("No record of this import is awaiting approval."))
        audit.record(actor=actor, action="volunteers.import.approve", target=job,
                     changes={"approved": [None, count]})
    return count
