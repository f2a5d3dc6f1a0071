"""The organisation register with the national system's Chinese headers, imported through core's
staged import (``Importer.run`` / ``core.imports.base.preview``) on real XLSX and CSV files."""

import datetime
import io

import pytest
from openpyxl import Workbook

from core.imports import base, get
from core.models import AuditEvent
from social_orgs import services
from social_orgs.choices import OrgKind, OrgStatus, OrgType
from social_orgs.imports import OrganisationImporter
from social_orgs.models import Organisation, StatusChange
from tests.factories.social_orgs import uscc_for

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "名称", "类型", "登记管理机关", "业务主管单位", "法定代表人", "成立日期", "住所",
          "服务社区区划代码"]


def xlsx(rows, header=HEADER) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def csv(rows, header) -> io.BytesIO:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    return io.BytesIO(text.encode("utf-8-sig"))


def run(actor, source, filename="register.xlsx"):
    return OrganisationImporter(actor=actor).run(source, filename=filename)


def errors(report):
    rows = base.error_rows(report, OrganisationImporter.headers(), 100)
    return [(r["line"], r["column"]) for r in rows], rows


def good_rows(world):
    return [
        [uscc_for(OrgType.GROUP), "龙子湖区书法家协会", "社会团体", "龙子湖区民政局", "区文联", "王一",
         datetime.date(2016, 5, 4), "东风路1号", ""],
        [uscc_for(OrgType.SERVICE), "龙子湖区阳光养老服务中心", "民办非企业单位", "龙子湖区民政局", "", "李二",
         "2019/07/01", "", ""],
        [uscc_for(OrgType.GROUP), "和平社区邻里互助会", "社会团体", "龙子湖区民政局", "", "赵三", "2021-03-15", "",
         world.community_a.code],
    ]


def test_a_register_in_xlsx_is_taken_into_the_registry_as_registered_with_history_and_audit(world):
    rows = good_rows(world)
    report = run(world.officer_a, xlsx(rows))
    assert report.errors == [] and (report.created, report.updated, report.unchanged) == (3, 0, 0)
    group = Organisation.objects.get(uscc=rows[0][0])
    assert (group.name, group.org_type, group.status, group.area, group.registration_level, group.sponsor_unit,
            group.founded_on) == ("龙子湖区书法家协会", OrgType.GROUP, OrgStatus.ACTIVE, world.district_a, "county",
                                  "区文联", datetime.date(2016, 5, 4))
    agency = Organisation.objects.get(uscc=rows[1][0])
    assert agency.org_type == OrgType.SERVICE and agency.founded_on == datetime.date(2019, 7, 1)
    neighbours = Organisation.objects.get(uscc=rows[2][0])
    assert (neighbours.area, neighbours.kind) == (world.community_a, OrgKind.COMMUNITY)
    step = StatusChange.objects.get(organisation=group)
    assert (step.step, step.decided_by, step.to_status) == ("register_import", world.officer_a, OrgStatus.ACTIVE)
    assert AuditEvent.objects.filter(action="social_orgs.organisation.import", actor=world.officer_a).count() == 3


def test_bad_cells_are_reported_by_line_and_the_files_own_header_and_their_rows_are_not_written(world):
    good = uscc_for(OrgType.GROUP)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        [wrong_check, "甲协会", "社会团体", "龙子湖区民政局", "", "王一", "2016-05-04", "", ""],        # line 2
        [uscc_for(OrgType.GROUP), "乙协会", "合作社", "龙子湖区民政局", "", "王一", "2016-05-04", "", ""],  # line 3
        [uscc_for(OrgType.GROUP), "丙协会", "社会团体", "龙子湖区民政局", "", "王一", "2016-02-30", "", ""],  # line 4
        [uscc_for(OrgType.GROUP), "丁协会", "社会团体", "火星区民政局", "", "王一", "2016-05-04", "", ""],    # line 5
        [uscc_for(OrgType.FOUNDATION), "戊协会", "社会团体", "龙子湖区民政局", "", "王一", "2016-05-04", "", ""],  # 6
        [uscc_for(OrgType.GROUP), "己协会", "社会团体", "龙子湖区民政局", "", "", "2016-05-04", "", ""],      # line 7
        [uscc_for(OrgType.GROUP), "庚协会", "社会团体", "龙子湖区民政局", "", "王一", "2016-05-04", "", ""],  # line 8: fine
    ]
    report = run(world.officer_a, xlsx(rows))
    where, detail = errors(report)
    assert where == [(2, "统一社会信用代码"), (3, "类型"), (4, "成立日期"), (5, "登记管理机关"), (6, "统一社会信用代码"),
                     (7, "法定代表人")]
    assert "check character" in detail[0]["reason"]
    assert "another type" in detail[4]["reason"]  # the foundation's code on a social group's row
    assert report.created == 1
    assert list(Organisation.objects.values_list("name", flat=True)) == ["庚协会"]


def test_an_authority_or_community_outside_the_importers_areas_is_refused_on_its_row(world):
    rows = [
        [uscc_for(OrgType.GROUP, "340303"), "蚌山区书画院", "社会团体", "蚌山区民政局", "", "王一", "2016-05-04", "", ""],
        [uscc_for(OrgType.GROUP), "胜利社区舞蹈队", "社会团体", "龙子湖区民政局", "", "王一", "2016-05-04", "",
         world.community_b.code],
        [uscc_for(OrgType.GROUP), "龙子湖区象棋协会", "社会团体", "龙子湖区民政局", "", "王一", "2016-05-04", "", ""],
    ]
    report = run(world.officer_a, xlsx(rows))
    where, detail = errors(report)
    assert where == [(2, "登记管理机关"), (3, "服务社区区划代码")]
    assert "outside your areas" in detail[0]["reason"]
    assert report.created == 1
    assert not Organisation.objects.filter(name__in=["蚌山区书画院", "胜利社区舞蹈队"]).exists()
    # The same first row is the other district's officer's to import.
    assert run(world.officer_b, xlsx(rows[:1])).created == 1


def test_importing_the_same_file_again_changes_nothing_and_writes_no_audit_event(world):
    rows = good_rows(world)
    assert run(world.officer_a, xlsx(rows)).created == 3
    before = AuditEvent.objects.count()
    again = run(world.officer_a, xlsx(rows))
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 3, [])
    assert AuditEvent.objects.count() == before and Organisation.objects.count() == 3


def test_a_new_address_is_written_but_a_different_legal_representative_is_a_change_of_registration(world):
    rows = good_rows(world)[:1]
    run(world.officer_a, xlsx(rows))
    moved = [[*rows[0][:7], "淮河路8号", ""]]
    report = run(world.officer_a, xlsx(moved))
    assert (report.updated, report.errors) == (1, [])
    org = Organisation.objects.get(uscc=rows[0][0])
    assert org.address == "淮河路8号"
    event = AuditEvent.objects.get(action="social_orgs.organisation.import_update")
    assert event.changes == {"address": ["东风路1号", "淮河路8号"]}
    new_rep = [[*rows[0][:5], "孙四", *rows[0][6:]]]
    report = run(world.officer_a, xlsx(new_rep))
    where, detail = errors(report)
    assert where == [(2, "法定代表人")] and "王一" in detail[0]["reason"] and "change of registration" in detail[0]["reason"]
    org.refresh_from_db()
    assert org.legal_rep_name == "王一"


def test_a_legal_legacy_code_imports_only_once_it_is_on_the_allow_list(world):
    good = uscc_for(OrgType.GROUP)
    legacy = good[:16] + ("0" if good[16] != "0" else "1")
    from stdnum.cn import uscc as stdnum_uscc

    legacy = legacy + stdnum_uscc.calc_check_digit(legacy)  # the 18th right, the embedded 17th wrong
    rows = [[legacy, "老字号商会", "社会团体", "龙子湖区民政局", "", "王一", "2001-05-04", "", ""]]
    where, detail = errors(run(world.officer_a, xlsx(rows)))
    assert where == [(2, "统一社会信用代码")] and "17th" in detail[0]["reason"]
    services.allow_legacy_code(actor=None, code=legacy, reason="2016年试点赋码，经省厅确认合法")
    report = run(world.officer_a, xlsx(rows))
    assert (report.created, report.errors) == (1, [])


def test_a_csv_export_with_the_other_headers_previews_without_writing_anything(world):
    header = ["社会组织名称", "统一社会信用代码", "社会组织类型", "登记机关", "法定代表人", "成立登记日期", "登记状态"]
    rows = [["龙子湖区围棋协会", uscc_for(OrgType.GROUP), "社会团体", world.district_a.code, "王一", "2015年3月2日", "正常"],
            ["龙子湖区慈善基金会", uscc_for(OrgType.FOUNDATION), "基金会", "龙子湖区民政局", "李二", "20170601", "已注销"]]
    before = AuditEvent.objects.count()
    report = base.preview(OrganisationImporter(actor=world.officer_a), csv(rows, header), filename="register.csv")
    where, detail = errors(report)
    assert report.created == 1 and where == [(3, "登记状态")]
    assert not Organisation.objects.exists() and AuditEvent.objects.count() == before
    report = run(world.officer_a, csv(rows, header), "register.csv")
    assert Organisation.objects.get().founded_on == datetime.date(2015, 3, 2)


def test_the_importer_is_registered_with_a_template_of_the_national_headers():
    assert get("social_orgs") is OrganisationImporter
    content, _type, name = OrganisationImporter.template("csv")
    first = content.decode("utf-8-sig").splitlines()[0].split(",")
    assert first[:7] == ["统一社会信用代码", "名称", "类型", "登记管理机关", "业务主管单位", "法定代表人", "成立日期"]
    assert name == "social_orgs-template.csv"
