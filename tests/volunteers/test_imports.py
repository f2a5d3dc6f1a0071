"""Imports of the national system's exports: every row validated, the bad ones reported by line and
column, the good ones written once; the same file twice changes nothing."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command

from core.exceptions import NoPermission
from core.models import AuditEvent
from core.tabular import xlsx_bytes
from tests.factories import id_number
from tests.factories import volunteers as vf
from volunteers import imports, services
from volunteers.models import ServiceHourRecord, Volunteer

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "证件号码", "手机号码", "区划代码", "注册时间", "服务技能"]


def csv_file(header, rows) -> io.BytesIO:
    text = "\n".join(",".join(str(c) for c in r) for r in [header, *rows]) + "\n"
    return io.BytesIO(text.encode("utf-8"))


def people(n, start=1):
    return [id_number("340302", datetime.date(1984 + i % 20, 1 + i % 12, 1 + i % 28), seq=start + i) for i in range(n)]


def test_a_clean_file_creates_volunteers_with_encrypted_ids_and_one_summary_audit_row(world):
    ids = people(3)
    rows = [[f"志愿者{i}", n, "13800138000", world.community_a.code, "2020-03-01", "助老"] for i, n in enumerate(ids)]
    report = imports.import_volunteers(actor=world.officer_a, source=csv_file(HEADER, rows), filename="v.csv")
    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    v = Volunteer.objects.get(name="志愿者0")
    assert v.id_number == ids[0] and v.birth_date == datetime.date(1984, 1, 1) and v.area == world.community_a
    assert v.id_number_index and v.phone == "13800138000"
    assert (v.id_number_masked, v.phone_masked) == (str(v.id_number), "138****8000")  # what lists show
    assert AuditEvent.objects.filter(action="volunteers.volunteer.import", actor=world.officer_a).count() == 1


def test_bad_rows_are_reported_by_line_and_column_and_good_rows_still_written(world):
    good, dup = people(2)
    wrong_check = good[:-1] + ("1" if good[-1] != "1" else "2")
    today = datetime.date.today()
    child = id_number("340302", today.replace(year=today.year - 12), seq=900)
    teen = id_number("340302", today.replace(year=today.year - 16), seq=901)
    rows = [
        ["好人", good, "13800138000", world.community_a.code, "2020-03-01", ""],        # line 2
        ["错号", wrong_check, "", world.community_a.code, "2020-03-01", ""],              # 3
        ["孩子", child, "", world.community_a.code, today.isoformat(), ""],               # 4
        ["少年", teen, "", world.community_a.code, today.isoformat(), ""],                # 5
        ["好人再来", good, "", world.community_a.code, "2020-03-01", ""],                 # 6 duplicate of 2
        ["无区", dup, "", "999999999999", "2020-03-01", ""],                             # 7
        ["坏电话", dup, "12345", world.community_a.code, "2020-13-01", ""],               # 8
    ]
    report = imports.import_volunteers(actor=None, source=csv_file(HEADER, rows), filename="v.csv")
    got = {(e.line, e.column) for e in report.errors}
    assert (3, "id_number") in got and (4, "id_number") in got and (5, "guardian_consent_on") in got
    assert (6, "id_number") in got and (7, "area_code") in got and (8, "phone") in got
    assert (8, "registered_on") in got
    assert "check digit" in next(e.reason for e in report.errors if e.line == 3)
    assert "line 2" in next(e.reason for e in report.errors if e.line == 6)
    assert report.created == 1 and Volunteer.objects.count() == 1


def test_re_importing_the_same_file_changes_nothing_and_a_changed_row_updates(world):
    ids = people(4, start=50)
    rows = [[f"人{i}", n, "13800138000", world.community_a.code, "2020-03-01", ""] for i, n in enumerate(ids)]
    imports.import_volunteers(actor=None, source=csv_file(HEADER, rows), filename="v.csv")
    stamps = dict(Volunteer.objects.values_list("pk", "updated_at"))
    again = imports.import_volunteers(actor=None, source=csv_file(HEADER, rows), filename="v.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert dict(Volunteer.objects.values_list("pk", "updated_at")) == stamps
    rows[1][0] = "改名"
    rows[2][2] = "13912345678"
    third = imports.import_volunteers(actor=None, source=csv_file(HEADER, rows), filename="v.csv")
    assert (third.created, third.updated, third.unchanged) == (0, 2, 2)
    assert Volunteer.objects.filter(name="改名").count() == 1 and Volunteer.objects.count() == 4
    assert Volunteer.objects.get(name="人2").phone_masked == "139****5678"  # the masked copy follows the phone


def test_an_officer_cannot_import_into_or_over_another_district(world):
    other = vf.volunteer(world.community_b, born=datetime.date(1991, 2, 2))
    mine = people(1, start=70)[0]
    rows = [["甲", mine, "", world.community_b.code, "2020-03-01", ""],
            ["乙", other.id_number.reveal_unchecked(), "", world.community_a.code, "2020-03-01", ""]]
    report = imports.import_volunteers(actor=world.officer_a, source=csv_file(HEADER, rows), filename="v.csv")
    assert {(e.line, e.column) for e in report.errors} == {(2, "area_code"), (3, "id_number")}
    other.refresh_from_db()
    assert other.area == world.community_b and report.created == 0


def test_an_xlsx_export_with_english_headers_imports_too(world):
    ids = people(2, start=80)
    data = xlsx_bytes(["name", "id_number", "phone", "area_code", "registered_on"],
                      [[f"X{i}", n, "", world.community_a.code, "2021/5/6"] for i, n in enumerate(ids)])
    report = imports.import_volunteers(actor=None, source=io.BytesIO(data), filename="v.xlsx")
    assert report.created == 2 and Volunteer.objects.filter(registered_on=datetime.date(2021, 5, 6)).count() == 2


def test_the_command_imports_a_file(world, tmp_path, capsys):
    path = tmp_path / "v.csv"
    path.write_bytes(csv_file(HEADER, [["丙", people(1, start=90)[0], "", world.community_a.code, "2020-1-2", ""]]).read())
    call_command("import_volunteers", str(path))
    assert "created 1" in capsys.readouterr().out


def test_service_hours_import_needs_the_team_and_is_idempotent_then_approved_in_a_chain(world):
    from volunteers import ledger

    manager = vf.manager_user(world.community_a)
    team = vf.team(world.community_a, manager=manager)
    vols = [vf.volunteer(world.community_a, born=datetime.date(1990 + i, 3, 3)) for i in range(2)]
    header = ["证件号码", "服务日期", "服务时长", "服务内容", "记录编号"]
    rows = [[vols[0].id_number.reveal_unchecked(), "2024-05-01", "2.5", "助老", "R1"],
            [vols[1].id_number.reveal_unchecked(), "2024-05-02", "3", "助老", "R2"],
            [people(1, start=95)[0], "2024-05-02", "3", "助老", "R3"],                   # unknown volunteer
            [vols[1].id_number.reveal_unchecked(), "2999-01-01", "3", "助老", "R4"],      # future
            [vols[1].id_number.reveal_unchecked(), "2024-05-03", "-1", "助老", "R5"]]     # bad hours
    with pytest.raises(NoPermission):
        imports.import_service_hours(actor=world.officer_a, source=csv_file(header, rows), team=team, filename="h.csv")
    report = imports.import_service_hours(actor=manager, source=csv_file(header, rows), team=team, filename="h.csv")
    assert report.created == 2
    assert {(e.line, e.column) for e in report.errors} == {(4, "id_number"), (5, "service_date"), (6, "hours")}
    again = imports.import_service_hours(actor=manager, source=csv_file(header, rows), team=team, filename="h.csv")
    assert (again.created, again.unchanged) == (0, 2)
    assert ServiceHourRecord.objects.filter(status="submitted").count() == 2
    assert services.approve_pending(actor=manager, team=team) == 2
    vols[0].refresh_from_db()
    assert float(vols[0].approved_hours) == 2.5
    assert ledger.verify_team_chain(team) == []


def test_the_fast_id_check_gives_the_same_verdicts_as_the_full_validator():
    from django.core.exceptions import ValidationError

    from core.personal import validate_id_number

    today = datetime.date.today()
    good = id_number("340302", datetime.date(1990, 4, 4), seq=7)
    samples = [good, good.lower(), good[:-1] + ("0" if good[-1] != "0" else "1"), good[:17], "12345678901234567X",
               "340302" + "19700101" + "0011", "340302" + "19901332" + "0011", "999999199001010011",
               id_number("340302", today.replace(year=today.year + 1), seq=3)]
    for value in samples:
        try:
            expected = validate_id_number(value, today=today)
        except ValidationError as exc:
            expected = exc.messages
        try:
            got = imports.fast_id_number(value, today=today)
        except ValidationError as exc:
            got = exc.messages
        assert got == expected, value


def test_the_volunteer_copy_line_is_the_generic_copy_line():
    row = (2, "ab12", "G1:x-y_", "张\t三\\", "G1:p", "cd34", datetime.date(1990, 4, 4), "male", 7,
           datetime.date(2020, 3, 1), "助老\n助残\r", "", "active", "", None, "340302********0011", None)
    assert imports.volunteer_copy_line(row) == imports.copy_line(row)
    assert imports.copy_line(row).count("\t") == len(row) - 1 and imports.copy_line(row).count("\n") == 1
    plain = (*row[:3], "王五", *row[4:10], "助老", "", "active", "李四", datetime.date(2020, 1, 1), row[15], "139****5678")
    assert imports.volunteer_copy_line(plain) == imports.copy_line(plain)


@pytest.mark.parametrize("text, expected", [
    ("2020-03-01", datetime.date(2020, 3, 1)), (" 2020-03-01 ", datetime.date(2020, 3, 1)),
    ("2020/3/1", datetime.date(2020, 3, 1)), ("2020年3月1日", datetime.date(2020, 3, 1)),
    ("20200301", datetime.date(2020, 3, 1)), ("2020-03-01 08:30:00", datetime.date(2020, 3, 1)),
    ("2020-02-30", None), ("2020-13-01", None), ("2020-W01-1", None), ("三月", None), ("", None),
])
def test_dates_in_the_forms_the_national_export_uses(text, expected):
    if expected is None:
        with pytest.raises(ValueError):
            imports.parse_date(text)
    else:
        assert imports.parse_date(text) == expected


PARALLEL_SCRIPT = r"""
import datetime, json, os, sys
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
import django
django.setup()
from volunteers import imports

class Areas:  # the community lookup without a database
    def find(self, text):
        if text != "340302001001":
            raise ValueError("unknown community")
        return 1

rows = json.loads(sys.stdin.read())
def run(workers):
    errors = []
    parsed = ((i + 2, dict(zip(["name", "id_number", "phone", "area_code", "registered_on", "skills"], r)))
              for i, r in enumerate(rows))
    out = list(imports.prepare_rows(
        parsed, lambda line, row, errs: imports._prepare_volunteer(line, row, Areas(), datetime.date.today(), errs),
        errors, workers=workers, chunk_size=4))
    # On PostgreSQL the workers hand back rows already in COPY text form: line and key come first.
    rows_out = [p.split("\t")[:2] if isinstance(p, str) else [p[0], p[1]] for p in out]
    return [[int(line), key] for line, key in rows_out], sorted([e.line, e.column] for e in errors)

print(json.dumps({"serial": run(1), "parallel": run(2), "forked": imports.PARALLEL_USED}))
"""


def test_parallel_preparation_gives_the_same_rows_and_errors_as_serial():
    # In a fresh single-threaded process, as the import command runs (this test process has the
    # browser tests' threads, where preparation deliberately stays serial).
    import json
    import subprocess
    import sys
    from pathlib import Path

    ids = people(30, start=200)
    rows = [[f"并行{i}", n, "13800138000", "340302001001", "2020-03-01", ""] for i, n in enumerate(ids)]
    rows[5][1] = "123"
    rows[9][3] = "000000000000"
    done = subprocess.run([sys.executable, "-c", PARALLEL_SCRIPT], input=json.dumps(rows), capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["forked"], "the parallel path was not taken"
    assert result["serial"] == result["parallel"]
    lines, bad = [row[0] for row in result["serial"][0]], {line for line, _column in result["serial"][1]}
    assert lines == sorted(lines) and len(lines) + len(bad) == 30 and not bad & set(lines)
    assert [7, "id_number"] in result["serial"][1] and [11, "area_code"] in result["serial"][1]


@pytest.mark.django_db(transaction=True)
def test_an_import_asked_for_workers_in_a_threaded_process_prepares_serially_and_completely(world):
    ids = people(30, start=300)
    rows = [[f"并行{i}", n, "13800138000", world.community_a.code, "2020-03-01", ""] for i, n in enumerate(ids)]
    rows[5][1] = "123"
    started = threading.Thread(target=threading.Event().wait, args=(5,), daemon=True)
    started.start()  # whatever else runs, a second thread is there
    report = imports.import_volunteers(actor=None, source=csv_file(HEADER, rows), filename="p.csv", workers=2)
    bad = {e.line for e in report.errors}
    assert (7, "id_number") in [(e.line, e.column) for e in report.errors]
    assert report.created == 30 - len(bad) == Volunteer.objects.filter(name__startswith="并行").count()
    assert imports.PARALLEL_USED is False


def test_new_changed_and_unchanged_people_in_one_file_are_counted_apart(world):
    ids = people(4, start=120)
    rows = [[f"人{i}", n, "", world.community_a.code, "2020-03-01", ""] for i, n in enumerate(ids)]
    imports.import_volunteers(actor=None, source=csv_file(HEADER, rows[:2]), filename="v.csv")
    rows[0][5] = "助残"  # changed; rows[1] unchanged; rows[2:] new
    report = imports.import_volunteers(actor=None, source=csv_file(HEADER, rows), filename="v.csv")
    assert (report.created, report.updated, report.unchanged) == (2, 1, 1)
    assert Volunteer.objects.get(name="人0").skills == "助残" and Volunteer.objects.count() == 4


def test_someone_registered_by_another_transaction_during_the_merge_is_updated_not_lost(world, monkeypatch):
    # A registration committed between the merge's update and insert makes the insert collide on
    # the blind index; the import then redoes the insert as an upsert. The collision is forced here
    # by keeping the already registered person in the staging table.
    ids = people(3, start=130)
    rows = [[f"人{i}", n, "", world.community_a.code, "2020-03-01", ""] for i, n in enumerate(ids)]
    imports.import_volunteers(actor=None, source=csv_file(HEADER, rows[:1]), filename="v.csv")
    rows[0][0] = "改名"
    monkeypatch.setattr(imports, "_drop_registered", lambda cursor, staging: None)
    report = imports.import_volunteers(actor=None, source=csv_file(HEADER, rows), filename="v.csv")
    assert (report.created, report.updated, report.unchanged, report.errors) == (2, 1, 0, [])
    assert sorted(Volunteer.objects.values_list("name", flat=True)) == ["人1", "人2", "改名"]


def test_a_guardians_consent_admits_a_teenager_but_never_a_child_under_14(world):
    today = datetime.date.today()
    child = id_number("340302", today.replace(year=today.year - 13), seq=910)
    teen = id_number("340302", today.replace(year=today.year - 15), seq=911)
    header = [*HEADER, "监护人", "监护人同意日期"]
    rows = [["孩子", child, "", world.community_a.code, today.isoformat(), "", "家长", today.isoformat()],
            ["少年", teen, "", world.community_a.code, today.isoformat(), "", "家长", today.isoformat()]]
    report = imports.import_volunteers(actor=None, source=csv_file(header, rows), filename="v.csv")
    assert [(e.line, e.column) for e in report.errors] == [(2, "id_number")]
    assert report.errors[0].reason == services.age_rule_error(child, on=today, guardian_consent=True)
    assert services.age_rule_error(child, on=today, guardian_consent=True) != services.age_rule_error(
        teen, on=today, guardian_consent=False)  # the under-14 reason, not the missing-consent one
    assert list(Volunteer.objects.values_list("name", flat=True)) == ["少年"]
