"""Territory and population imports: all or nothing, every bad row named with its line and reason."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from core import services
from core.models import Area, AreaPopulation, AuditEvent


def _csv(text: str, encoding="utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


GOOD = """code,name,level,kind,parent_code
340302001002,新风社区,community,urban,340302001000
340302001002001,第1网格,grid,urban,340302001002
340302001002002,第2网格,grid,urban,340302001002
"""


@pytest.mark.django_db
class TestImportAreas:
    def test_a_good_file_creates_every_area_with_audit_rows(self, world):
        report = services.import_areas(actor=None, source=_csv(GOOD), filename="areas.csv")
        assert report.ok and report.created == 3
        grid = Area.objects.get(code="340302001002002")
        assert grid.parent.code == "340302001002" and grid.level == "grid"
        assert AuditEvent.objects.filter(action="core.area.create").count() == 3

    def test_children_before_parents_in_the_file_still_load(self, world):
        lines = GOOD.strip().splitlines()
        reordered = "\n".join([lines[0], *reversed(lines[1:])])
        assert services.import_areas(actor=None, source=_csv(reordered), filename="a.csv").created == 3

    def test_chinese_headers_and_words_and_gb18030_are_accepted(self, world):
        text = "区划代码,名称,层级,城乡类型,上级代码\n340302001002,新风社区,社区,城市,340302001000\n"
        report = services.import_areas(actor=None, source=_csv(text, "gb18030"), filename="地区.csv")
        assert report.ok, report.errors
        assert Area.objects.get(code="340302001002").name == "新风社区"

    def test_xlsx_is_accepted(self, world, tmp_path):
        wb = Workbook()
        ws = wb.active
        ws.append(["区划代码", "名称", "层级", "城乡类型", "上级代码"])
        ws.append(["340302001002", "新风社区", "社区", "城市", "340302001000"])
        path = tmp_path / "areas.xlsx"
        wb.save(path)
        assert services.import_areas(actor=None, source=str(path)).created == 1

    def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(self, world):
        text = """code,name,level,kind,parent_code
340302001002,好社区,community,urban,340302001000
34030200100,短代码,community,urban,340302001000
340303001003,错上级,community,urban,340302001000
340302001004,无类型,community,,340302001000
340302001005,怪层级,planet,urban,340302001000
340302001006,孤儿,community,urban,340302999000
"""
        before = Area.objects.count()
        report = services.import_areas(actor=None, source=_csv(text), filename="bad.csv")
        lines = {e.line for e in report.errors}
        assert lines == {3, 4, 5, 6, 7}, [str(e) for e in report.errors]
        assert Area.objects.count() == before
        assert not AuditEvent.objects.filter(action="core.area.create").exists()

    def test_a_duplicate_code_in_the_file_is_reported(self, world):
        text = GOOD + "340302001002,又一个,community,urban,340302001000\n"
        report = services.import_areas(actor=None, source=_csv(text), filename="dup.csv")
        assert [e.line for e in report.errors] == [5]

    def test_a_missing_column_stops_the_import_with_a_message(self, world):
        from core.tabular import TableError

        with pytest.raises(TableError, match="层级"):
            services.import_areas(actor=None, source=_csv("code,name\n340302001002,x\n"), filename="x.csv")

    def test_a_district_officer_cannot_import_into_another_district(self, world):
        text = "code,name,level,kind,parent_code\n340303001009,越界,community,urban,340303001000\n"
        report = services.import_areas(actor=world.officer_a, source=_csv(text), filename="x.csv")
        assert not report.ok and "340303001009" not in set(Area.objects.values_list("code", flat=True))

    def test_reimporting_the_same_file_changes_nothing(self, world):
        services.import_areas(actor=None, source=_csv(GOOD), filename="a.csv")
        again = services.import_areas(actor=None, source=_csv(GOOD), filename="a.csv")
        assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    def test_the_command_prints_bad_rows_and_fails(self, world, tmp_path, capsys):
        path = tmp_path / "bad.csv"
        path.write_text("code,name,level,kind,parent_code\n1234,x,community,urban,340302001000\n")
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command("import_areas", str(path))
        err = capsys.readouterr().err
        assert "line 2" in err or "第2行" in err, err


@pytest.mark.django_db
class TestImportPopulation:
    def test_population_is_loaded_and_reimport_updates_in_place(self, world):
        text = "区划代码,年份,常住人口,户籍人口\n340302001001,2020,5000,5600\n340303001001,2020,4000,4100\n"
        assert services.import_population(actor=None, source=_csv(text), filename="p.csv").created == 2
        changed = text.replace("5000", "5100")
        report = services.import_population(actor=None, source=_csv(changed), filename="p.csv")
        assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
        assert AreaPopulation.objects.get(area__code="340302001001", year=2020).resident == 5100
        assert AuditEvent.objects.filter(action="core.population.update").count() == 1

    @pytest.mark.parametrize("row,column", [
        ("340302001001,2020,many,5600", ""),
        ("340302001001,1800,5000,5600", "year"),
        ("340399001001,2020,5000,5600", "code"),
        ("340302001001,2020,-5,5600", ""),
    ])
    def test_bad_rows_are_refused_and_nothing_is_written(self, world, row, column):
        text = "code,year,resident,registered\n340303001001,2020,4000,4100\n" + row + "\n"
        report = services.import_population(actor=None, source=_csv(text), filename="p.csv")
        assert [(e.line, e.column) for e in report.errors] == [(3, column)]
        assert not AreaPopulation.objects.exists()


@pytest.mark.django_db
def test_add_staff_creates_a_user_with_a_grant_and_refuses_an_unknown_area(world, capsys):
    call_command("add_staff", "newofficer", "--role", "township_officer", "--area", "340302001000",
                 "--password", "Qwe-rty-2020!")
    assert "township_officer@340302001000" in capsys.readouterr().out
    with pytest.raises(CommandError, match="340399000000"):
        call_command("add_staff", "ghost", "--role", "community_worker", "--area", "340399000000")
    with pytest.raises(CommandError):
        call_command("add_staff", "weak", "--role", "community_worker", "--area", "340302001001",
                     "--password", "123456")
