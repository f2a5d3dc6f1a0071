"""After an hours import the team's manager approves all of the import's pending records in one step,
on the import page and through the API; whoever imported the file does not approve it (issue 16).
Templates carry the national system's Chinese headers, and a job's errors name the columns as the
file does."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from tests.factories import id_number
from tests.factories import volunteers as vf
from tests.scoped import API, Pages
from volunteers import ledger, services, tasks
from volunteers.choices import MemberRole
from volunteers.models import ImportJob, ServiceHourRecord

pytestmark = pytest.mark.django_db

HOURS_HEADER = ["证件号码", "服务日期", "服务时长（小时）", "服务内容", "记录编号"]


def csv_upload(header, rows, name="h.csv"):
    text = "\n".join(",".join(str(c) for c in r) for r in [header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def hours_import(world, *, records=2):
    """A team with two managers; the first imports ``records`` hours, which await approval."""
    importer, approver = vf.manager_user(world.community_a), vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=importer)
    services.add_team_staff(actor=None, team=team, user=approver, role=MemberRole.MANAGER)
    vols = [vf.volunteer(world.community_a, born=datetime.date(1980 + i, 3, 3)) for i in range(records)]
    rows = [[v.id_number.reveal_unchecked(), "2024-05-01", "2", "助老", f"R{i}"] for i, v in enumerate(vols)]
    job = services.start_import(actor=importer, kind="service_hours", upload=csv_upload(HOURS_HEADER, rows), team=team)
    assert tasks.run_import(job.pk) == "done"
    job.refresh_from_db()
    return job, importer, approver


def test_another_manager_approves_all_of_an_imports_pending_records_from_its_page(world, web):
    job, importer, approver = hours_import(world)
    earlier = vf.volunteer(world.community_a, born=datetime.date(1975, 1, 1))
    other = services.record_hours(actor=importer, team=job.team, volunteer=earlier,
                                  service_date=datetime.date(2024, 4, 1), hours=1)
    page = web(approver).get(job.get_absolute_url()).content.decode()
    assert "2 条记录待审核" in page or "2 records of this import await approval" in page
    assert reverse("volunteers:import-approve", args=[job.pk]) in page
    response = web(approver).post(reverse("volunteers:import-approve", args=[job.pk]))
    assert response.status_code == 302
    records = ServiceHourRecord.objects.filter(import_job=job)
    assert records.count() == 2 and set(records.values_list("status", flat=True)) == {"approved"}
    assert set(records.values_list("approved_by", flat=True)) == {approver.pk}
    other.refresh_from_db()  # a record entered by hand is not part of the import
    assert other.status == "submitted"
    assert AuditEvent.objects.filter(actor=approver, action="volunteers.hours.approve").count() == 2
    assert AuditEvent.objects.filter(actor=approver, action="volunteers.import.approve",
                                     target_id=str(job.pk)).exists()
    assert ledger.verify_team_chain(job.team) == []


def test_whoever_imported_the_hours_does_not_approve_them(world, web, api):
    job, importer, _approver = hours_import(world)
    page = web(importer).get(job.get_absolute_url()).content.decode()
    assert reverse("volunteers:import-approve", args=[job.pk]) not in page
    web(importer).post(reverse("volunteers:import-approve", args=[job.pk]))
    assert api(importer).post(reverse("api:volunteers-import-approve", args=[job.pk])).status_code == 403
    assert not ServiceHourRecord.objects.filter(import_job=job, status="approved").exists()


def test_the_api_approves_an_import_once_and_then_says_nothing_is_pending(world, api):
    job, _importer, approver = hours_import(world, records=3)
    url = reverse("api:volunteers-import-approve", args=[job.pk])
    response = api(approver).post(url)
    assert response.status_code == 200, response.content
    assert response.json() == {"id": job.pk, "approved": 3}
    assert api(approver).post(url).status_code == 409


class TestImportApprovalPage(Pages.Action):
    action_url_name = "volunteers:import-approve"
    out_of_scope_persona = "volunteer_officer_b"

    def persona(self, world, name):
        if name == "volunteer_officer_b":
            return vf.manager_user(world.district_b)
        return super().persona(world, name)

    def make_object(self, world):
        job, _importer, self.approver = hours_import(world, records=1)
        return job

    def action_persona(self, world):
        return self.approver


class TestImportApprovalAPI(API.Transition):
    basename = "volunteers-import"
    transition = "approve"
    in_scope_persona = "approver"
    audit_action_prefix = "volunteers.import.approve"

    def persona(self, world, name):
        return self.approver if name == "approver" else super().persona(world, name)

    def make_object(self, world):
        job, _importer, self.approver = hours_import(world, records=1)
        return job


@pytest.mark.parametrize("kind, headers", [
    ("volunteers", ["姓名", "证件号码", "手机号码", "区划代码", "注册时间"]),
    ("service_hours", ["证件号码", "服务日期", "服务时长（小时）", "服务内容", "记录编号"]),
])
def test_the_import_templates_carry_the_national_systems_chinese_headers(world, web, kind, headers):
    client = web(world.officer_a)
    assert reverse("import-template", args=[kind, "xlsx"]) in client.get(reverse("volunteers:import-start")).content.decode()
    xlsx = client.get(reverse("import-template", args=[kind, "xlsx"]))
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    first_row = [c.value for c in next(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows())]
    assert first_row[:len(headers)] == headers
    csv = client.get(reverse("import-template", args=[kind, "csv"])).content.decode("utf-8-sig")
    assert csv.splitlines()[0].split(",")[:len(headers)] == headers


def test_a_jobs_errors_name_the_column_as_the_file_does(world):
    header = ["姓名", "公民身份号码", "所属区域", "注册日期"]  # the other names an export may use
    rows = [["甲", id_number("340302", datetime.date(1990, 1, 1)), "不存在的社区", "2020-01-01"],
            ["乙", "123", world.community_a.code, "2020-01-01"]]
    job = services.start_import(actor=world.officer_a, kind="volunteers", upload=csv_upload(header, rows, "v.csv"))
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert [(e["line"], e["column"], e["field"]) for e in job.errors] == [
        (2, "所属区域", "area_code"), (3, "公民身份号码", "id_number")]


def test_a_kept_upload_is_encrypted_on_disk_and_still_imports(world, settings):
    settings.PORTAL_IMPORT_RETENTION_DAYS = 3
    number = id_number("340302", datetime.date(1990, 1, 1))
    upload = csv_upload(["姓名", "证件号码", "手机号码", "区划代码", "注册时间"],
                        [["甲", number, "13800138000", world.community_a.code, "2020-03-01"]], "v.csv")
    job = services.start_import(actor=world.officer_a, kind="volunteers", upload=upload)
    on_disk = Path(job.file.path).read_bytes()
    assert number.encode() not in on_disk and b"13800138000" not in on_disk and "甲".encode() not in on_disk
    assert tasks.run_import(job.pk) == "done"
    job.refresh_from_db()
    assert job.created == 1 and job.file  # kept for the retention, encrypted
    assert number.encode() not in Path(job.file.path).read_bytes()
    assert ImportJob.objects.get(pk=job.pk).file.size == upload.size
