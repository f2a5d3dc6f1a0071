"""An import cannot exhaust the worker, cannot hang for ever, leaves no personal data behind, and
checks what the services check."""

import datetime
import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.models import AuditEvent
from core.tabular import TableError, read_table, xlsx_bytes
from tests.factories import id_number
from tests.factories import volunteers as vf
from volunteers import imports, services, tasks
from volunteers.choices import ImportStatus
from volunteers.models import ImportJob, ServiceHourRecord, Volunteer

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "证件号码", "手机号码", "区划代码", "注册时间", "状态"]
HOURS_HEADER = ["证件号码", "服务日期", "服务时长", "服务内容", "记录编号"]


def csv_bytes(header, rows) -> bytes:
    return ("\n".join(",".join(str(c) for c in r) for r in [header, *rows]) + "\n").encode("utf-8")


def person(seq, year=1990):
    return id_number("340302", datetime.date(year, 1 + seq % 12, 1 + seq % 28), seq=seq)


def zip_bomb_xlsx(megabytes: int) -> bytes:
    """A real XLSX whose shared strings part is ``megabytes`` of one repeated string."""
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes(["姓名"], [["张三"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in good.infolist():
            if item.filename != "xl/sharedStrings.xml":
                bomb.writestr(item, good.read(item))
        unit = b"<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>"
        body = unit * (megabytes * 1024 * 1024 // len(unit))
        bomb.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                      b'main">' + body + b"</sst>")
    return out.getvalue()


# --- limits -----------------------------------------------------------------------------------------
def test_a_zip_bomb_xlsx_is_refused_quickly_before_it_is_parsed(world):
    data = zip_bomb_xlsx(60)
    assert len(data) < 1024 * 1024  # 60 MB that fit in well under 1 MB
    started = time.monotonic()
    with pytest.raises(TableError, match="zip bomb"):
        imports.import_volunteers(actor=world.officer_a, source=io.BytesIO(data), filename="v.xlsx")
    assert time.monotonic() - started < 5
    assert not Volunteer.objects.exists()


def test_an_xlsx_unpacking_past_the_limit_is_refused_even_when_compressed_modestly(settings):
    settings.PORTAL_IMPORT_MAX_UNPACKED_MB = 0.01  # 10 KB
    data = xlsx_bytes(["姓名"], [[f"志愿者{i}"] for i in range(2000)])
    with pytest.raises(TableError, match="zip bomb"):
        list(read_table(io.BytesIO(data), {"name": ["姓名"]}, filename="v.xlsx"))


def test_an_upload_over_the_size_limit_is_refused_on_the_page_with_the_reason(world, web, settings):
    settings.PORTAL_IMPORT_MAX_UPLOAD_MB = 0.001  # about 1 KB
    body = csv_bytes(HEADER, [[f"人{i}", person(i), "", world.community_a.code, "2020-03-01", ""]
                              for i in range(60)])
    response = web(world.officer_a).post(reverse("volunteers:import-start"), {
        "kind": "volunteers", "file": SimpleUploadedFile("v.csv", body, content_type="text/csv")})
    assert response.status_code == 400  # the refusal beside the form, the kind chosen kept
    assert "单个导入文件最多 0 MB" in response.content.decode()  # the page is in Chinese
    assert 'value="volunteers" selected' in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_by_the_api(world, api, settings):
    settings.PORTAL_IMPORT_MAX_UPLOAD_MB = 0.001
    body = csv_bytes(HEADER, [[f"人{i}", person(i), "", world.community_a.code, "2020-03-01", ""]
                              for i in range(60)])
    response = api(world.officer_a).post(reverse("api:volunteers-import-list"),
                                         {"kind": "volunteers", "file": SimpleUploadedFile("v.csv", body)},
                                         format="multipart")
    assert response.status_code == 400
    assert "单个导入文件最多 0 MB" in response.json()["error"]["message"]
    assert not ImportJob.objects.exists()


def test_a_file_with_more_rows_than_allowed_is_refused_and_nothing_is_written(world, settings, tmp_path):
    settings.PORTAL_IMPORT_MAX_ROWS = 3
    rows = [[f"人{i}", person(i), "", world.community_a.code, "2020-03-01", ""] for i in range(5)]
    with pytest.raises(TableError, match="more than 3 rows"):
        imports.import_volunteers(actor=None, source=io.BytesIO(csv_bytes(HEADER, rows)), filename="v.csv")
    path = tmp_path / "v.csv"
    path.write_bytes(csv_bytes(HEADER, rows))
    with pytest.raises(CommandError, match="more than 3 rows"):  # the command path reads the same limits
        call_command("import_volunteers", str(path))
    assert not Volunteer.objects.exists()


def test_reading_past_the_time_limit_stops_the_import(world, settings):
    settings.PORTAL_IMPORT_MAX_SECONDS = 0
    rows = [[f"人{i}", person(i), "", world.community_a.code, "2020-03-01", ""] for i in range(1200)]
    with pytest.raises(TableError, match="longer than 0 seconds"):
        imports.import_volunteers(actor=None, source=io.BytesIO(csv_bytes(HEADER, rows)), filename="v.csv")
    assert not Volunteer.objects.exists()


# --- interrupted imports ----------------------------------------------------------------------------
def _job(world, rows, user=None) -> ImportJob:
    """A job as an upload leaves it, before the queue runs it."""
    upload = SimpleUploadedFile("v.csv", csv_bytes(HEADER, rows))
    return services.start_import(actor=user or world.officer_a, kind="volunteers", upload=upload)


def test_a_job_whose_worker_died_is_taken_over_by_the_redelivered_task(world):
    job = _job(world, [["甲", person(1), "", world.community_a.code, "2020-03-01", ""]])
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, claimed_at=long_ago, heartbeat_at=long_ago)
    assert tasks.run_import(job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 1)


def test_a_job_another_worker_is_running_is_not_taken(world):
    job = _job(world, [["甲", person(1), "", world.community_a.code, "2020-03-01", ""]])
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, claimed_at=now, heartbeat_at=now)
    assert tasks.run_import(job.pk) == "already taken"
    assert not Volunteer.objects.exists()


def _staging_tables():
    return sorted(t for t in connection.introspection.table_names() if t.startswith(imports.STAGING_PREFIX))


def test_staging_tables_left_by_a_killed_run_are_swept_and_a_live_runs_is_kept(world):
    old = f"{imports.STAGING_PREFIX}{int(time.time()) - 7200}_deadbeef"
    live = f"{imports.STAGING_PREFIX}{int(time.time())}_cafebabe"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {old} (line integer, id_enc text)")
        cursor.execute(f"CREATE TABLE {live} (line integer, id_enc text)")
    assert tasks.sweep_imports()["staging_dropped"] == 1
    assert _staging_tables() == [live]
    with connection.cursor() as cursor:  # and each import sweeps before it starts
        cursor.execute(f"CREATE TABLE {old} (line integer, id_enc text)")
    imports.import_volunteers(actor=None, source=io.BytesIO(csv_bytes(HEADER, [])), filename="v.csv")
    assert _staging_tables() == [live]


def test_an_import_that_fails_drops_its_staging_table(world, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("the merge failed")

    monkeypatch.setattr(imports, "_merge_volunteers", boom)
    with pytest.raises(RuntimeError):
        imports.import_volunteers(actor=None, source=io.BytesIO(csv_bytes(HEADER, [
            ["甲", person(1), "", world.community_a.code, "2020-03-01", ""]])), filename="v.csv")
    assert _staging_tables() == []


def test_with_the_broker_down_an_upload_is_kept_waiting_and_queued_later(world, web, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to localhost:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_import, "delay", down)
    client = web(world.officer_a)
    body = csv_bytes(HEADER, [["甲", person(1), "", world.community_a.code, "2020-03-01", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("volunteers:import-start"), {
            "kind": "volunteers", "file": SimpleUploadedFile("v.csv", body, content_type="text/csv")})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "queued" and job.queued_at is None and "Connection refused" in job.queue_error
    assert "等待排队" in client.get(response["Location"]).content.decode()  # "waiting to be queued"
    monkeypatch.undo()  # the broker is back
    assert tasks.sweep_imports()["requeued"] == 0  # a job just uploaded is left to its own hand-over
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert tasks.sweep_imports()["requeued"] == 1
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 1)


# --- personal data at rest --------------------------------------------------------------------------
def test_the_uploaded_file_is_deleted_once_the_import_finishes_or_fails(world):
    done = _job(world, [["甲", person(1), "", world.community_a.code, "2020-03-01", ""]])
    path = done.file.path
    tasks.run_import(done.pk)
    done.refresh_from_db()
    assert done.status == "done" and not done.file and not __import__("os").path.exists(path)
    failed = ImportJob.objects.get(pk=_job(world, []).pk)
    ImportJob.objects.filter(pk=failed.pk).update(filename="v.xls")  # unreadable: the import fails
    path = failed.file.path
    assert tasks.run_import(failed.pk) == "failed"
    failed.refresh_from_db()
    assert failed.status == "failed" and not failed.file and not __import__("os").path.exists(path)


def test_with_a_retention_the_file_is_kept_that_long_then_swept(world, settings):
    settings.PORTAL_IMPORT_RETENTION_DAYS = 3
    job = _job(world, [["甲", person(1), "", world.community_a.code, "2020-03-01", ""]])
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.file
    assert tasks.sweep_imports()["files_deleted"] == 0
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(days=4))
    assert tasks.sweep_imports()["files_deleted"] == 1
    job.refresh_from_db()
    assert not job.file


def test_values_quoted_in_errors_are_masked(world):
    number = person(5)
    rows = [["甲", person(1), "", world.community_a.code, "2020-03-01", "13800138000"],  # a phone as status
            ["乙", person(2), "", number, "2020-03-01", ""]]                          # an ID as community
    job = _job(world, rows)
    tasks.run_import(job.pk)
    job.refresh_from_db()
    text = str(job.errors)
    assert job.error_count == 2
    assert "13800138000" not in text and "138****8000" in text
    assert number not in text and number[:6] + "********" + number[-4:] in text


# --- hours: scope and the day's limit ---------------------------------------------------------------
@pytest.fixture
def team_a(world):
    manager = vf.manager_user(world.community_a)
    return vf.team(world.community_a, manager=manager), manager


def _import_hours(team, manager, rows):
    return imports.import_service_hours(actor=manager, source=io.BytesIO(csv_bytes(HOURS_HEADER, rows)),
                                        team=team, filename="h.csv")


def test_hours_cannot_credit_a_volunteer_outside_the_importers_areas_and_read_as_unknown(world, team_a):
    team, manager = team_a
    outside = vf.volunteer(world.community_b, born=datetime.date(1988, 8, 8))
    unknown = person(77)
    report = _import_hours(team, manager, [[outside.id_number.reveal_unchecked(), "2024-05-01", "2", "助老", "R1"],
                                           [unknown, "2024-05-01", "2", "助老", "R2"]])
    assert report.created == 0
    assert [(e.line, e.column) for e in report.errors] == [(2, "id_number"), (3, "id_number")]
    assert report.errors[0].reason == report.errors[1].reason  # no hint that the first one exists
    assert not ServiceHourRecord.objects.filter(volunteer=outside).exists()


def test_hours_are_limited_to_24_per_volunteer_per_day_counting_what_is_already_recorded(world, team_a):
    team, manager = team_a
    vol = vf.volunteer(world.community_a, born=datetime.date(1990, 3, 3))
    day = datetime.date(2024, 5, 1)
    services.record_hours(actor=manager, volunteer=vol, team=team, hours=Decimal(20), service_date=day)
    number = vol.id_number.reveal_unchecked()
    report = _import_hours(team, manager, [[number, "2024-05-01", "3", "助老", "R1"],     # 23: fits
                                           [number, "2024-05-01", "3", "助老", "R2"],     # 26: refused
                                           [number, "2024-05-02", "13", "助老", "R3"],
                                           [number, "2024-05-02", "13", "助老", "R4"]])   # 26: refused
    assert report.created == 2
    assert [(e.line, e.column) for e in report.errors] == [(3, "hours"), (5, "hours")]
    assert "more than 24 hours" in report.errors[0].reason
    again = _import_hours(team, manager, [[number, "2024-05-01", "3", "助老", "R1"]])  # the same row again
    assert (again.created, again.unchanged, again.errors) == (0, 1, [])


# --- the volunteer import's audit trail -------------------------------------------------------------
def test_every_volunteer_an_import_registers_or_moves_has_its_own_audit_row_with_before_and_after(world):
    ids = [person(1), person(2)]
    rows = [[f"人{i}", n, "13800138000", world.community_a.code, "2020-03-01", ""] for i, n in enumerate(ids)]
    imports.import_volunteers(actor=world.city_admin, source=io.BytesIO(csv_bytes(HEADER, rows)), filename="v.csv")
    moved = Volunteer.objects.get(name="人0")
    registered = AuditEvent.objects.get(action="volunteers.volunteer.register", target_id=str(moved.pk))
    assert registered.actor == world.city_admin and registered.area_code == world.community_a.code
    assert registered.changes["area"] == [None, world.community_a.pk]
    assert registered.changes["id_number"] == [None, moved.id_number_masked]
    assert registered.changes["phone"] == [None, "138****8000"] and ids[0] not in str(registered.changes)
    rows[0][3] = world.community_b.code
    imports.import_volunteers(actor=world.city_admin, source=io.BytesIO(csv_bytes(HEADER, rows)), filename="v.csv")
    update = AuditEvent.objects.get(action="volunteers.volunteer.update", target_id=str(moved.pk))
    assert update.changes == {"area": [world.community_a.pk, world.community_b.pk]}
    assert update.area_code == world.community_b.code and "v.csv" in update.reason
    assert AuditEvent.objects.filter(action="volunteers.volunteer.update").count() == 1  # the unchanged one: none
