"""Staged imports of grids on core's import: the community-worker roster and an incident file with
Chinese headers, as XLSX and CSV made here with the templates' own headers. Every row goes through
grids' services (scope, validation, audit); a bad cell is reported with its line and the file's
header; a row outside the importer's areas is refused and nothing of it is written."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.choices import Role
from core.imports import base
from core.models import AuditEvent, Finding, StaffGrant
from core.tabular import csv_stream, xlsx_bytes
from grids import services
from grids.choices import AssignmentRole, PostType, Source, State
from grids.imports import IncidentImporter, WorkerRosterImporter
from grids.models import CommunityWorker, GridAssignment, Incident
from tests.factories import grids as f
from tests.factories import id_number

pytestmark = pytest.mark.django_db


def xlsx(importer, rows, header=None):
    header = header or [c.header for c in importer.columns]
    return io.BytesIO(xlsx_bytes(header, rows)), "file.xlsx"


def csv(importer, rows, header=None):
    header = header or [c.header for c in importer.columns]
    return io.BytesIO("".join(csv_stream(header, rows)).encode("utf-8")), "file.csv"


def run(importer_class, actor, made):
    source, name = made
    return importer_class(actor=actor).run(source, filename=name)


def errors(report, importer_class):
    return [(r["line"], r["column"]) for r in base.error_rows(report, importer_class.headers(), 100)]


def reasons(report):
    return {e.line: e.reason for e in report.errors}


# --- the roster ---------------------------------------------------------------------------------------
def roster_row(person_id, community, grid=None, name="王芳", grade="3", pay="3800", post="其他", hired="2020-01-06",
               generalist="是"):
    return [name, person_id, "13912345678", community.code, grid.code if grid else "", post, grade, pay, hired,
            generalist, "助理社会工作师"]


def test_the_template_has_the_rosters_chinese_headers():
    from openpyxl import load_workbook

    content, _kind, name = WorkerRosterImporter.template("xlsx")
    header = [c.value for c in next(load_workbook(io.BytesIO(content)).active.iter_rows())]
    assert header[:4] == ["姓名", "公民身份号码", "手机号码", "社区代码"] and name == "grid_workers-template.xlsx"
    assert {"grid_workers", "grid_incidents"} <= set(base.registry())


def test_a_roster_in_xlsx_hires_workers_through_the_service_reports_bad_cells_and_refuses_rows_outside(world):
    f.quota(world.community_a, approved=5)
    f.quota(world.community_b, approved=5)
    known = f.staff_profile(world.community_a, name="李强")  # already staff: counted once, not a new account
    known_id = id_number("340302", datetime.date(1985, 3, 1), seq=11)
    from core import services as core_services

    core_services.save_staff_profile(actor=None, user=known.user, area=world.community_a, full_name="李强",
                                     id_number=known_id)
    new_id = id_number("340302", datetime.date(1990, 6, 1), seq=12)
    made = xlsx(WorkerRosterImporter, [
        roster_row(new_id, world.community_a, world.grid_a),                             # line 2: new person
        roster_row(known_id, world.community_a, name="李强", post="副职", grade="5", pay="4000"),  # line 3
        roster_row("340302199001011234", world.community_a),                             # 4: bad check digit
        roster_row(id_number("340302"), world.community_a, grade="二十"),                # 5: not a grade
        roster_row(id_number("340303"), world.community_b),                              # 6: another district
        roster_row(id_number("340302"), world.community_a, pay="3000"),                  # 7: below the floor
        roster_row(id_number("340302"), world.community_a, hired="2020-02-30"),          # 8: no such day
    ])
    before = AuditEvent.objects.filter(action="grids.worker.hire").count()
    report = run(WorkerRosterImporter, world.officer_a, made)

    assert report.created == 2
    assert errors(report, WorkerRosterImporter) == [(4, "公民身份号码"), (5, "岗位等级"), (6, "社区代码"),
                                                     (7, "月工资（元）"), (8, "入职日期")]
    why = reasons(report)
    assert "check digit" in why[4] or "校验" in why[4]
    assert "胜利社区" in why[6] and CommunityWorker.objects.filter(area=world.community_b).count() == 0
    assert "3600" in why[7]  # the pay floor of the rule in force, from the service
    new = CommunityWorker.objects.get(staff__full_name="王芳")
    assert (new.area, new.post_type, new.grade, new.is_generalist) == (world.community_a, PostType.OTHER, 3, True)
    assert GridAssignment.objects.get(worker=new).role == AssignmentRole.PRIMARY
    # The new person's account works in their grid, as a grid worker; the staff record holds the ID encrypted.
    assert StaffGrant.objects.get(user=new.staff.user).role == Role.GRID_WORKER
    assert StaffGrant.objects.get(user=new.staff.user).area == world.grid_a
    assert new.staff.id_number == new_id
    assert CommunityWorker.objects.get(staff=known).post_type == PostType.DEPUTY
    assert AuditEvent.objects.filter(action="grids.worker.hire").count() == before + 2
    assert AuditEvent.objects.filter(action="grids.worker.hire", actor=world.officer_a).count() == 2
    # The masked reason never repeats the ID number the clerk typed.
    assert "340302199001011234" not in " ".join(str(e) for e in report.errors)


def test_a_roster_run_twice_counts_each_person_once_and_a_new_grade_is_a_change(world):
    f.quota(world.community_a, approved=5)
    person = id_number("340302", datetime.date(1990, 6, 1), seq=21)
    first = run(WorkerRosterImporter, world.officer_a, csv(WorkerRosterImporter, [
        roster_row(person, world.community_a, world.grid_a)]))
    again = run(WorkerRosterImporter, world.officer_a, csv(WorkerRosterImporter, [
        roster_row(person, world.community_a, world.grid_a)]))
    promoted = run(WorkerRosterImporter, world.officer_a, csv(WorkerRosterImporter, [
        roster_row(person, world.community_a, world.grid_a, grade="4", pay="3900")]))
    assert (first.created, again.unchanged, promoted.updated) == (1, 1, 1)
    worker = CommunityWorker.objects.get()
    assert (worker.grade, worker.monthly_pay) == (4, Decimal("3900.00"))
    assert list(worker.grade_changes.values_list("grade", flat=True)) == [3, 4]
    assert GridAssignment.objects.filter(worker=worker).count() == 1


def test_a_roster_with_other_headers_reports_in_the_files_words_and_a_full_community_is_refused(world):
    f.quota(world.community_a, approved=1)
    other = f.grid(f.community(world))
    header = ["姓名", "身份证号", "所在社区代码", "网格代码", "岗位", "等级", "月薪", "聘用日期"]
    rows = [["甲", id_number("340302"), world.community_a.code, "", "其他", "3", "3800", "2020/1/6"],
            ["乙", id_number("340302"), world.community_a.code, "", "其他", "3", "3800", "2020年1月6日"],
            ["丙", id_number("340302"), world.community_a.code, other.code, "其他", "3", "3800", "2020-01-06"],
            ["丁", id_number("340302"), world.community_a.code, "", "主任", "3", "3800", "2020-01-06"]]
    report = run(WorkerRosterImporter, world.officer_a, csv(WorkerRosterImporter, rows, header))
    assert report.created == 1
    assert errors(report, WorkerRosterImporter) == [(3, "所在社区代码"), (4, "网格代码"), (5, "岗位")]
    why = reasons(report)
    assert "1" in why[3] and "和平社区" in why[3]  # all 1 approved posts are filled
    assert "和平社区" in why[4]  # not a grid of the worker's community
    assert "正职" in why[5]  # the words a post may be
    assert CommunityWorker.objects.count() == 1


def test_a_community_worker_cannot_import_the_roster_of_their_own_community(world):
    f.quota(world.community_a, approved=5)
    report = run(WorkerRosterImporter, world.worker_a, csv(WorkerRosterImporter, [
        roster_row(id_number("340302"), world.community_a)]))
    assert report.created == 0 and errors(report, WorkerRosterImporter) == [(2, "社区代码")]
    assert not CommunityWorker.objects.exists()


def test_a_roster_preview_reports_the_same_and_writes_nothing(world):
    f.quota(world.community_a, approved=5)
    events = AuditEvent.objects.count()
    report = preview(WorkerRosterImporter(actor=world.officer_a), xlsx(
        WorkerRosterImporter, [roster_row(id_number("340302"), world.community_a, world.grid_a),
                               roster_row(id_number("340302"), world.community_b)]))
    assert report.created == 1 and errors(report, WorkerRosterImporter) == [(3, "社区代码")]
    assert not CommunityWorker.objects.exists() and AuditEvent.objects.count() == events
    assert not StaffGrant.objects.filter(role=Role.GRID_WORKER).exists()


def preview(importer, made):
    source, name = made
    return base.preview(importer, source, filename=name)


# --- incidents ----------------------------------------------------------------------------------------
def incident_row(grid, category="市容环境/垃圾堆放", source="12345热线", ref="", filed="2020-03-02 09:30",
                 priority="一般", description="楼道堆放杂物"):
    return [ref, grid.code, source, category, "3栋2单元", description, priority, "张先生", filed]


@pytest.fixture
def routed(world):
    unit = services.save_handling_unit(actor=None, area=world.district_a, name="龙子湖区城市管理局", kind="department")
    services.save_routing_rule(actor=None, category=f.category("environment"), area=world.district_a, unit=unit)
    return unit


def test_an_incident_file_in_csv_files_and_routes_each_row_and_reports_bad_cells_under_its_headers(world, routed):
    grid_b = f.grid(world.community_b)
    made = csv(IncidentImporter, [
        incident_row(world.grid_a, ref="12345-0001"),                                    # 2: routed by rule
        incident_row(world.grid_a, category="消防通道堵塞", source="居民反映", ref="12345-0002",
                     priority="紧急"),                                                   # 3: no rule: community
        incident_row(world.grid_a, category="市容环境"),                                 # 4: a main category
        incident_row(world.grid_a, source="微信"),                                       # 5: unknown source
        incident_row(world.grid_a, filed="2999-01-01 08:00"),                            # 6: in the future
        incident_row(grid_b, ref="12345-0003"),                                          # 7: another district
        incident_row(world.grid_a, description=""),                                      # 8: required
    ])
    report = run(IncidentImporter, world.officer_a, made)
    assert report.created == 2
    assert errors(report, IncidentImporter) == [(4, "事件类别"), (5, "事件来源"), (6, "受理时间"), (7, "网格编码"),
                                                 (8, "事件描述")]
    why = reasons(report)
    assert "垃圾堆放" in why[4] and "12345热线" in why[5] and grid_b.name in why[7]
    first = Incident.objects.get(external_ref="12345-0001")
    assert (first.state, first.unit, first.source) == (State.ROUTED, routed, Source.HOTLINE)
    assert first.filed_at == timezone.make_aware(datetime.datetime(2020, 3, 2, 9, 30))
    assert first.due_on == datetime.date(2020, 3, 5)  # 3 working days for 垃圾堆放
    unrouted = Incident.objects.get(external_ref="12345-0002")
    assert unrouted.unit.area == world.community_a and unrouted.priority == "urgent"
    assert Finding.objects.filter(rule=services.UNROUTED_RULE, target_id=str(unrouted.pk)).exists()
    assert not Incident.objects.filter(area=grid_b).exists()
    assert AuditEvent.objects.filter(action="grids.incident.file", actor=world.officer_a).count() == 2
    assert first.events.count() == 2  # filed, routed: the full record of its handling


def test_an_incident_file_in_xlsx_imported_twice_files_each_numbered_incident_once(world, routed):
    rows = [incident_row(world.grid_a, ref="GD-1", filed="2020-03-02"),
            incident_row(world.grid_a, ref="GD-2", category="garbage", source="patrol")]
    first = run(IncidentImporter, world.worker_a, xlsx(IncidentImporter, rows))
    again = run(IncidentImporter, world.worker_a, xlsx(IncidentImporter, rows))
    assert (first.created, first.errors, again.created, again.unchanged) == (2, [], 0, 2)
    assert Incident.objects.count() == 2


def test_an_xlsx_date_cell_is_read_as_its_day(world, routed):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append([c.header for c in IncidentImporter.columns])
    wb.active.append(["", world.grid_a.code, "居民反映", "垃圾堆放", "", "垃圾", "", "", datetime.datetime(2020, 5, 6, 8)])
    buf = io.BytesIO()
    wb.save(buf)
    report = run(IncidentImporter, world.officer_a, (buf, "a.xlsx"))
    assert report.created == 1, report.errors
    assert timezone.localtime(Incident.objects.get().filed_at).date() == datetime.date(2020, 5, 6)


def test_an_incident_preview_writes_nothing(world, routed):
    events = AuditEvent.objects.count()
    report = preview(IncidentImporter(actor=world.officer_a), csv(IncidentImporter, [incident_row(world.grid_a,
                                                                                               ref="P-1")]))
    assert report.created == 1 and not Incident.objects.exists() and AuditEvent.objects.count() == events


def test_the_commands_import_a_file_as_a_user(world, routed, tmp_path):
    path = tmp_path / "incidents.xlsx"
    path.write_bytes(xlsx(IncidentImporter, [incident_row(world.grid_a, ref="C-1"),
                                             incident_row(f.grid(world.community_b), ref="C-2")])[0].getvalue())
    out = io.StringIO()
    call_command("import_incidents", str(path), "--as-user", "officer_a", stdout=out)
    assert "created 1" in out.getvalue() and "网格编码" in out.getvalue()
    assert list(Incident.objects.values_list("external_ref", flat=True)) == ["C-1"]
    f.quota(world.community_a, approved=3)
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv(WorkerRosterImporter, [roster_row(id_number("340302"), world.community_a)])[0].getvalue())
    out = io.StringIO()
    call_command("import_grid_workers", str(roster), "--as-user", "officer_a", stdout=out)
    assert "created 1" in out.getvalue() and CommunityWorker.objects.count() == 1
