"""core.imports' generic pages and API: any registered importer gets upload, preview, confirm,
progress, result, error report and templates, scoped by the importer's permission.

The importer here is test-only: population figures per area and year, for one district (the area
the file is for), committed row by row through ``core.services.set_population`` (scope, audit).
"""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.choices import LEVEL_PREFIX, AreaLevel
from core.imports import Column, Importer, base
from core.models import Area, AreaPopulation, AuditEvent, StagedImport

pytestmark = pytest.mark.django_db


def _code(text: str) -> str:
    if not (text.isdigit() and len(text) == 12):
        raise ValueError(text)  # the cell itself is the reason: a hostile cell reaches the error report
    return text


def _count(text: str) -> int:
    value = int(text)  # a bad number: ValueError → "not a valid value"
    if value < 0:
        raise ValueError()
    return value


class PopulationImporter(Importer):
    """Resident and registered population per area and year, within one district."""

    key = "test-population"
    label = "人口数据（测试）"
    permission = "core.change_areapopulation"
    area_levels = (AreaLevel.COUNTY,)
    columns = [Column("code", "区划代码", ("area_code",), required=True, parser=_code, example="340302001001"),
               Column("year", "年份", ("年度",), required=True, parser=_count, example="2024"),
               Column("resident", "常住人口", required=True, parser=_count, example="1200"),
               Column("registered", "户籍人口", required=True, parser=_count, example="1100")]

    def commit_row(self, line, values):
        from core.services import set_population

        area = Area.objects.filter(code=values["code"]).first()
        if area is None:
            raise ValidationError({"code": ["没有这个区划"]})
        if not area.code.startswith(self.area.code[: LEVEL_PREFIX[self.area.level]]):
            raise ValidationError({"code": ["不在本文件所属的区县"]})
        existing = AreaPopulation.objects.filter(area=area, year=values["year"]).first()
        before = (existing.resident, existing.registered) if existing else None
        set_population(actor=self.actor, area=area, year=values["year"], resident=values["resident"],
                       registered=values["registered"])
        if before is None:
            return "created"
        return "unchanged" if before == (values["resident"], values["registered"]) else "updated"


@pytest.fixture(autouse=True)
def importer():
    base.registry()  # the apps' own importers first
    base._REGISTRY[PopulationImporter.key] = PopulationImporter
    yield PopulationImporter
    base._REGISTRY.pop(PopulationImporter.key, None)


KEY = PopulationImporter.key
HEADER = "区划代码,年度,常住人口,户籍人口"  # the file says 年度 where the template says 年份


def csv_file(*rows, header=HEADER, name="pop.csv"):
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode("utf-8"), content_type="text/csv")


def good_rows(world):
    return [f"{world.community_a.code},2024,1200,1100", f"{world.street_a.code},2024,5000,4800"]


def upload(client, world, file, area=None):
    area = area or world.district_a
    return client.post(reverse("import-upload", args=[KEY]), {"area": area.pk, "file": file})


def staged(world, web, rows=None, user=None):
    user = user or world.officer_a
    response = upload(web(user), world, csv_file(*(rows if rows is not None else good_rows(world))))
    assert response.status_code == 302, response.content.decode()[:2000]
    return StagedImport.objects.get(created_by=user)


# --- the flow ------------------------------------------------------------------------------------------------
def test_the_index_lists_the_import_with_its_templates(world, web):
    page = web(world.officer_a).get(reverse("import-index")).content.decode()
    assert reverse("import-upload", args=[KEY]) in page
    assert reverse("import-template", args=[KEY, "xlsx"]) in page and reverse("import-template", args=[KEY, "csv"]) in page
    # the volunteers' importers keep their own pages (a bulk run, no commit_row): not offered here
    assert reverse("import-upload", args=["volunteers"]) not in page
    xlsx = web(world.officer_a).get(reverse("import-template", args=[KEY, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == ["区划代码", "年份", "常住人口", "户籍人口"]


def test_the_upload_offers_only_the_districts_where_the_user_may_import(world, web):
    page = web(world.officer_a).get(reverse("import-upload", args=[KEY])).content.decode()
    assert world.district_a.name in page and world.district_b.name not in page
    before = StagedImport.objects.count()
    response = upload(web(world.officer_a), world, csv_file(*good_rows(world)), area=world.district_b)
    assert response.status_code == 400 and StagedImport.objects.count() == before  # not a choice: refused


def test_a_preview_counts_what_would_happen_and_keeps_nothing(world, web):
    AreaPopulation.objects.create(area=world.street_a, year=2024, resident=5000, registered=4800)
    events = AuditEvent.objects.count()
    job = staged(world, web, good_rows(world) + [f"{world.district_a.code},2024,90000,80000"])
    assert job.status == "staged" and job.area == world.district_a
    assert {k: job.preview[k] for k in ("created", "updated", "unchanged", "error_count")} == {
        "created": 2, "updated": 0, "unchanged": 1, "error_count": 0}
    assert AreaPopulation.objects.count() == 1  # nothing of the preview was kept
    assert list(AuditEvent.objects.order_by("pk")[events:].values_list("action", flat=True)) == [
        "core.stagedimport.submit"]
    page = web(world.officer_a).get(job.get_absolute_url()).content.decode()
    assert reverse("import-confirm", args=[job.pk]) in page


def test_confirming_writes_each_row_through_the_service_with_its_audit_row(world, web,
                                                                          django_capture_on_commit_callbacks):
    job = staged(world, web)
    with django_capture_on_commit_callbacks(execute=True):
        response = web(world.officer_a).post(reverse("import-confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created, job.updated, job.error_count) == ("done", 2, 0, 0)
    assert not job.file  # the upload is deleted once imported
    assert AreaPopulation.objects.filter(year=2024).count() == 2
    created = AuditEvent.objects.filter(action="core.population.create", actor=world.officer_a)
    assert created.count() == 2
    assert AuditEvent.objects.filter(action="core.stagedimport.import", target_id=str(job.pk)).exists()
    page = web(world.officer_a).get(job.get_absolute_url()).content.decode()
    assert "import-result" in page
    refused = web(world.officer_a).post(reverse("import-confirm", args=[job.pk]))  # twice: refused, said why
    assert refused.status_code == 409 and 'id="refusal"' in refused.content.decode()
    assert AreaPopulation.objects.filter(year=2024).count() == 2


def test_bad_cells_are_reported_with_their_line_and_the_files_own_header(world, web):
    job = staged(world, web, [f"{world.community_a.code},2024,1200,1100", f"{world.community_a.code},x,1,1",
                              f"{world.community_b.code},2024,1,1", "12,2024,1,1"])
    errors = [(e["line"], e["column"]) for e in job.preview["errors"]]
    assert errors == [(3, "年度"), (4, "区划代码"), (5, "区划代码")]
    assert job.preview["created"] == 1
    page = web(world.officer_a).get(job.get_absolute_url()).content.decode()
    assert "年度" in page and "不在本文件所属的区县" in page


def test_a_row_outside_the_users_areas_is_that_rows_error_not_the_end_of_the_import(world, web):
    job = staged(world, web, [f"{world.community_a.code},2024,1,1"], user=world.officer_a)
    assert job.preview["created"] == 1
    # a street officer importing for the district (not a choice for them) cannot; for their own
    # street's rows the district is not theirs: they see no district to choose
    page = web(world.street_officer_a).get(reverse("import-upload", args=[KEY])).content.decode()
    assert world.district_a.name not in page


def test_nothing_to_write_cannot_be_confirmed(world, web):
    job = staged(world, web, ["12,2024,1,1"])
    page = web(world.officer_a).get(job.get_absolute_url()).content.decode()
    assert reverse("import-confirm", args=[job.pk]) not in page
    response = web(world.officer_a).post(reverse("import-confirm", args=[job.pk]))
    assert response.status_code == 409 and StagedImport.objects.get(pk=job.pk).status == "staged"


def test_a_running_import_shows_its_progress_and_the_finished_one_reloads_to_its_result(world, web):
    job = staged(world, web)
    StagedImport.objects.filter(pk=job.pk).update(status="running", processed=500)
    client = web(world.officer_a)
    partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in partial.content.decode() and "500" in partial.content.decode()
    assert "HX-Refresh" not in partial
    StagedImport.objects.filter(pk=job.pk).update(status="queued", queued_at=None)
    assert 'id="import-progress"' in client.get(job.get_absolute_url()).content.decode()
    StagedImport.objects.filter(pk=job.pk).update(status="done", created=2)
    finished = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true" and 'hx-trigger' not in finished.content.decode()


def test_a_preview_left_unconfirmed_expires_with_its_file(world, web):
    import datetime

    from django.utils import timezone

    from core.imports.tasks import sweep_staged_imports

    job = staged(world, web)
    path = job.file.path
    assert os.path.exists(path)
    sweep_staged_imports()
    assert StagedImport.objects.get(pk=job.pk).status == "staged"  # young: kept
    StagedImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    assert sweep_staged_imports()["previews_expired"] == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file and not os.path.exists(path)
    assert web(world.officer_a).post(reverse("import-confirm", args=[job.pk])).status_code == 409


# --- who sees what -------------------------------------------------------------------------------------------
def page_urls(job):
    return [reverse("import-index"), reverse("import-upload", args=[KEY]), reverse("import-template", args=[KEY, "xlsx"]),
            job.get_absolute_url(), reverse("import-errors-download", args=[job.pk, "csv"])]


def test_a_user_without_the_permission_gets_404_on_every_page_and_api(world, web, api):
    job = staged(world, web, ["12,2024,1,1", f"{world.community_a.code},2024,1,1"])
    for user in (world.outsider, world.auditor):  # no role; a city-wide reader without the permission
        client = web(user)
        for url in page_urls(job):
            assert client.get(url).status_code == 404, (user, url)
        assert upload(client, world, csv_file(*good_rows(world))).status_code == 404
        assert client.post(reverse("import-confirm", args=[job.pk])).status_code == 404
        rest = api(user)
        for url in (reverse("api:importer-list"), reverse("api:importer-detail", args=[KEY]),
                    reverse("api:stagedimport-list"), reverse("api:stagedimport-detail", args=[job.pk])):
            assert rest.get(url).status_code == 404, (user, url)
        assert rest.post(reverse("api:stagedimport-commit", args=[job.pk])).status_code == 404
        assert rest.post(reverse("api:stagedimport-list"), {"key": KEY, "file": csv_file(*good_rows(world))},
                         format="multipart").status_code == 404
    assert StagedImport.objects.count() == 1 and StagedImport.objects.get().status == "staged"


def test_another_users_job_is_404_unless_they_hold_the_permission_in_its_area(world, web, api):
    job = staged(world, web, ["12,2024,1,1", f"{world.community_a.code},2024,1,1"])
    for user in (world.officer_b, world.street_officer_a):  # the permission, but not in district A
        assert web(user).get(job.get_absolute_url()).status_code == 404
        assert web(user).get(reverse("import-errors-download", args=[job.pk, "xlsx"])).status_code == 404
        assert web(user).post(reverse("import-confirm", args=[job.pk])).status_code == 404
        assert api(user).get(reverse("api:stagedimport-detail", args=[job.pk])).status_code == 404
        assert api(user).post(reverse("api:stagedimport-commit", args=[job.pk])).status_code == 404
        assert str(job.pk) not in str(api(user).get(reverse("api:stagedimport-list")).json())
    # the city's administrator holds it there: sees the job, but only the uploader confirms it
    assert web(world.city_admin).get(job.get_absolute_url()).status_code == 200
    assert web(world.city_admin).post(reverse("import-confirm", args=[job.pk])).status_code == 403
    assert StagedImport.objects.get(pk=job.pk).status == "staged"


def test_another_districts_job_reads_exactly_as_one_that_exists_nowhere(world, web, api):
    from tests.core.test_existence_oracles import _text

    job = staged(world, web)
    nowhere = job.pk + 1000
    for client in (web(world.officer_b), api(world.officer_b)):
        for name in ("import-job", "import-confirm") if client.__class__.__name__ == "Client" else (
                "api:stagedimport-detail", "api:stagedimport-commit"):
            send = client.post if name.endswith(("confirm", "commit")) else client.get
            known, unknown = send(reverse(name, args=[job.pk])), send(reverse(name, args=[nowhere]))
            assert known.status_code == unknown.status_code == 404
            assert _text(known, job.pk) == _text(unknown, nowhere), name


# --- hostile files -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,content", [
    ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + os.urandom(200)),
    ("binary.csv", b"\x00\x01\x02MZ\x00\x00" + bytes(range(256))),
    ("run.exe", b"MZ\x90\x00"),
    ("nothing.csv", b""),
    ("columns.csv", "名称,数量\n甲,1\n".encode()),
])
def test_a_file_that_is_not_a_spreadsheet_of_the_import_is_refused_beside_the_form(world, web, api, name, content):
    response = upload(web(world.officer_a), world, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="refusal"' in page and 'id="import-form"' in page
    assert f'<option value="{world.district_a.pk}" selected>' in page  # the area chosen is kept
    rest = api(world.officer_a).post(reverse("api:stagedimport-list"), {
        "key": KEY, "area": world.district_a.code, "file": SimpleUploadedFile(name, content)}, format="multipart")
    assert rest.status_code == 400 and "file" in rest.json()["error"]["fields"]
    assert not StagedImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_the_sizes(world, web, settings):
    settings.PORTAL_IMPORT_MAX_UPLOAD_MB = 0.01
    big = csv_file(*([f"{world.community_a.code},2024,1200,1100"] * 1000))
    response = upload(web(world.officer_a), world, big)
    refusal = response.content.decode().split('id="refusal"', 1)[-1]
    assert response.status_code == 400 and "MB" in refusal.split("</div>\n</div>", 1)[0]
    assert not StagedImport.objects.exists()


def test_formula_cells_quoted_in_the_error_report_stay_text(world, web):
    hostile = "=cmd|' /C calc'!A0"
    job = staged(world, web, [f'"{hostile}",2024,1,1', f"{world.community_a.code},2024,1,1"])
    assert job.preview["errors"][0]["reason"] == hostile
    csv_text = b"".join(web(world.officer_a).get(
        reverse("import-errors-download", args=[job.pk, "csv"])).streaming_content).decode("utf-8-sig")
    assert f"'{hostile}" in csv_text and f",{hostile}" not in csv_text
    xlsx = web(world.officer_a).get(reverse("import-errors-download", args=[job.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == 2 and rows[0][1] == "区划代码" and rows[0][2] == f"'{hostile}"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_an_xlsx_upload_imports_like_a_csv(world, web):
    wb = Workbook()
    wb.active.append(["区划代码", "年份", "常住人口", "户籍人口"])
    wb.active.append([world.community_a.code, 2024, 1200, 1100])
    buf = io.BytesIO()
    wb.save(buf)
    response = upload(web(world.officer_a), world, SimpleUploadedFile("p.xlsx", buf.getvalue()))
    assert response.status_code == 302
    assert StagedImport.objects.get().preview["created"] == 1


# --- the API -----------------------------------------------------------------------------------------------
def test_the_api_uploads_previews_commits_and_reports(world, api, django_capture_on_commit_callbacks):
    client = api(world.officer_a)
    listed = client.get(reverse("api:importer-list")).json()
    mine = next(i for i in listed if i["key"] == KEY)
    assert mine["needs_area"] and [c["header"] for c in mine["columns"]][:2] == ["区划代码", "年份"]
    response = client.post(reverse("api:stagedimport-list"), {
        "key": KEY, "area": world.district_a.code,
        "file": csv_file(*good_rows(world), f"{world.community_a.code},x,1,1")}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "staged" and body["preview"]["created"] == 2
    assert [(e["line"], e["column"], e["field"]) for e in body["preview"]["errors"]] == [(4, "年度", "year")]
    assert not AreaPopulation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        committed = client.post(reverse("api:stagedimport-commit", args=[body["id"]]))
    assert committed.status_code == 202, committed.content
    result = client.get(reverse("api:stagedimport-detail", args=[body["id"]])).json()
    assert (result["status"], result["created"], result["error_count"]) == ("done", 2, 1)
    assert result["errors"][0]["column"] == "年度" and result["errors"][0]["line"] == 4
    assert AreaPopulation.objects.count() == 2
    again = client.post(reverse("api:stagedimport-commit", args=[body["id"]]))
    assert again.status_code == 409


def test_the_api_needs_the_area_when_the_import_does(world, api):
    response = api(world.officer_a).post(reverse("api:stagedimport-list"), {
        "key": KEY, "file": csv_file(*good_rows(world))}, format="multipart")
    assert response.status_code == 400 and "area" in response.json()["error"]["fields"]
    other = api(world.officer_a).post(reverse("api:stagedimport-list"), {
        "key": KEY, "area": world.district_b.code, "file": csv_file(*good_rows(world))}, format="multipart")
    assert other.status_code in (400, 404) and not StagedImport.objects.exists()


def test_the_schema_documents_the_import_endpoints(world, api):
    schema = api(world.officer_a).get(reverse("schema"), {"format": "json"}).json()
    assert "/api/v1/imports/jobs/" in schema["paths"] and "/api/v1/imports/jobs/{id}/commit/" in schema["paths"]
    assert "multipart/form-data" in schema["paths"]["/api/v1/imports/jobs/"]["post"]["requestBody"]["content"]


# --- the persona matrix for the routes ----------------------------------------------------------------------
class TestImportRoutesPersonas:
    """Anonymous → sign-in / 401; no role, or another district → 404 and nothing written; in scope works."""

    covers_routes = ["import-index", "import-upload", "import-job", "import-confirm", "import-errors-download",
                     "api:importer-list", "api:importer-detail", "api:stagedimport-list",
                     "api:stagedimport-detail", "api:stagedimport-commit"]

    def test_anonymous_is_sent_to_sign_in(self, world, web, api, client):
        job = staged(world, web, [f"{world.community_a.code},2024,1,1"])
        for url in page_urls(job) + [reverse("import-confirm", args=[job.pk])]:
            response = client.post(url) if url.endswith("/confirm/") else client.get(url)
            assert response.status_code == 302 and reverse("login") in response["Location"], url
        for url in (reverse("api:importer-list"), reverse("api:stagedimport-list"),
                    reverse("api:stagedimport-detail", args=[job.pk])):
            assert api().get(url).status_code == 401

    def test_other_district_gets_404_and_nothing_is_written(self, world, web, api):
        job = staged(world, web, [f"{world.community_a.code},2024,1,1"])
        events = AuditEvent.objects.count()
        assert web(world.officer_b).post(reverse("import-confirm", args=[job.pk])).status_code == 404
        assert api(world.officer_b).post(reverse("api:stagedimport-commit", args=[job.pk])).status_code == 404
        assert AuditEvent.objects.count() == events and not AreaPopulation.objects.exists()

    def test_in_scope_the_pages_answer(self, world, web, api):
        job = staged(world, web, ["12,2024,1,1", f"{world.community_a.code},2024,1,1"])
        client = web(world.officer_a)
        for url in page_urls(job):
            assert client.get(url).status_code == 200, url
        rest = api(world.officer_a)
        for url in (reverse("api:importer-list"), reverse("api:importer-detail", args=[KEY]),
                    reverse("api:stagedimport-list"), reverse("api:stagedimport-detail", args=[job.pk])):
            assert rest.get(url).status_code == 200, url


# --- language and width --------------------------------------------------------------------------------------
def _zh(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies["django_language"] = "zh-hans"
    client.force_login(user)
    return client


def _pages(world, web, django_capture_on_commit_callbacks):
    done = staged(world, web, ["12,2024,1,1", f"{world.community_a.code},2024,1,1"])
    with django_capture_on_commit_callbacks(execute=True):
        web(world.officer_a).post(reverse("import-confirm", args=[done.pk]))
    preview = staged(world, web, ["12,2024,1,1", f"{world.street_a.code},2024,1,1"], user=world.city_admin)
    client = _zh(world.officer_a)
    refused = client.post(reverse("import-upload", args=[KEY]), {
        "area": world.district_a.pk, "file": SimpleUploadedFile("x.exe", b"MZ")})
    admin = _zh(world.city_admin)
    pages = {
        reverse("import-index"): ("index", client.get(reverse("import-index")).content),
        reverse("import-upload", args=[KEY]): ("upload", client.get(reverse("import-upload", args=[KEY])).content),
        reverse("import-upload", args=[KEY]) + "?refused": ("refused upload", refused.content),
        done.get_absolute_url(): ("result", client.get(done.get_absolute_url()).content),
        preview.get_absolute_url(): ("preview", admin.get(preview.get_absolute_url()).content),
    }
    return pages


def test_the_pages_in_chinese_have_no_english(world, web, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    from tests.test_pages_language import english_in

    allowed = set(get_user_model().objects.values_list("username", flat=True))
    pages = _pages(world, web, django_capture_on_commit_callbacks)
    problems = {name: english_in(html.decode(), allowed) for name, html in pages.values()}
    assert all(b"<main" in html or b"<h1" in html for _n, html in pages.values())
    assert not any(problems.values()), problems


@pytest.mark.e2e
def test_the_pages_fit_a_390_px_screen(world, web, django_capture_on_commit_callbacks):
    from tests.test_pages_mobile import CHROMIUM, _widths

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (make test installs it)")
    pages = _pages(world, web, django_capture_on_commit_callbacks)
    wide = _widths({url: (name, html) for url, (name, html) in pages.items()})
    assert not wide, wide
