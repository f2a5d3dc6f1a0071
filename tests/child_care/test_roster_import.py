"""The school roster on core's staged import (/imports/school_roster/): the upload previews the file (bad rows
by line and the file's own Chinese header, nothing kept), the supervisor confirms, the background run stages
and compares it, and the job's result leads to the comparison's four buckets. Another district's supervisor
never sees the job; a director, who may not upload rosters, finds no such import."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from child_care.models import RosterEntry, RosterImport
from core.models import StagedImport
from tests.child_care.test_roster import TODAY, _rows, registry  # noqa: F401  (registry: the fixture)
from tests.factories import staff

pytestmark = pytest.mark.django_db
KEY = "school_roster"
# Another export's headers for the same columns (the aliases): the preview names a bad cell as the file does.
OWN = {"姓名": "姓名", "身份证号": "身份证件号", "出生日期": "出生年月", "性别": "性别", "学校": "学校名称",
       "当前状态": "学籍状态", "是否农村留守儿童": "是否留守儿童", "户籍地区划代码": "统计用区划代码"}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _file(rows, name="2024秋季学籍名册.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(OWN.values())
    for row in rows:
        writer.writerow([row.get(h, "") for h in OWN])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def _upload(client, world, rows):
    return client.post(reverse("import-upload", args=[KEY]), {"area": world.street_a.pk, "file": _file(rows)})


def test_upload_preview_confirm_and_the_result_leads_to_the_four_buckets(world, cc, registry, web,  # noqa: F811
                                                                        django_capture_on_commit_callbacks):
    rows = _rows(registry, world.community_a)
    rows.append({"姓名": "郑好", "出生日期": "去年", "性别": "男"})  # line 9: not a date
    supervisor = web(cc.supervisor_a)
    form = supervisor.get(reverse("import-upload", args=[KEY])).content.decode()
    assert world.street_a.name in form and "出生日期" in form  # the area to choose, the columns by their headers
    response = _upload(supervisor, world, rows)
    assert response.status_code == 302
    job = StagedImport.objects.get(key=KEY)
    assert (job.status, job.area, job.preview["created"], job.preview["error_count"]) == (
        "staged", world.street_a, 7, 1)
    assert [(e["line"], e["column"]) for e in job.preview["errors"]] == [(9, "出生年月")]  # the file's own header
    assert not RosterImport.objects.exists() and not RosterEntry.objects.exists()  # the preview keeps nothing
    preview = supervisor.get(response["Location"]).content.decode()
    assert "出生年月" in preview and "日期格式不正确" in preview and reverse("import-confirm", args=[job.pk]) in preview

    with django_capture_on_commit_callbacks(execute=True):
        assert supervisor.post(reverse("import-confirm", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    roster = RosterImport.objects.get()
    assert (job.status, job.created, job.error_count) == ("done", 7, 1)
    assert (roster.staged_import, roster.area, roster.status, roster.rows) == (job, world.street_a, "reconciled", 7)
    assert roster.counts == {"consistent": 4, "conflict": 1, "not_in_school": 1, "unknown": 1, "proposals": 1}
    assert [(e["line"], e["column"]) for e in job.errors] == [(9, "出生年月")]
    assert "第9行" in roster.errors[0] or "line 9" in roster.errors[0]

    result = supervisor.get(job.get_absolute_url()).content.decode()
    link = re.search(r'href="([^"]+)" id="import-result-link"', result)
    assert link and link.group(1) == roster.get_absolute_url()
    comparison = supervisor.get(link.group(1)).content.decode()
    for bucket in ("一致", "不一致", "台账有、学籍无", "学校标记留守、台账未录入"):
        assert bucket in comparison, bucket
    assert "周杰" in comparison and "李娜" in comparison
    listing = supervisor.get(reverse("child_care:roster-list")).content.decode()
    assert "2024秋季学籍名册.csv" in listing


def test_a_file_without_the_required_columns_is_refused_and_nothing_is_kept(world, cc, web):
    bad = SimpleUploadedFile("名册.csv", "姓名,学校\n张伟,一小\n".encode(), content_type="text/csv")
    response = web(cc.supervisor_a).post(reverse("import-upload", args=[KEY]), {"area": world.street_a.pk,
                                                                              "file": bad})
    assert response.status_code == 400 and "出生日期" in response.content.decode()
    assert not StagedImport.objects.exists() and not RosterImport.objects.exists()


def test_another_districts_supervisor_cannot_see_the_job(world, cc, registry, web):  # noqa: F811
    _upload(web(cc.supervisor_a), world, _rows(registry, world.community_a))
    job = StagedImport.objects.get(key=KEY)
    other = web(staff("supervisor_b", "child_supervisor", world.village_b.parent))
    assert other.get(reverse("import-upload", args=[KEY])).status_code == 200  # the import exists for him...
    assert other.get(job.get_absolute_url()).status_code == 404  # ...this job does not
    assert other.get(reverse("import-errors-download", args=[job.pk, "csv"])).status_code == 404
    assert other.post(reverse("import-confirm", args=[job.pk])).status_code == 404
    # nor may he import a file for A's street
    refused = other.post(reverse("import-upload", args=[KEY]), {"area": world.street_a.pk,
                                                               "file": _file(_rows(registry, world.community_a))})
    assert refused.status_code in (400, 404) and StagedImport.objects.count() == 1
    assert StagedImport.objects.get().status == "staged"


def test_a_director_finds_no_roster_import(world, cc, registry, web):  # noqa: F811
    _upload(web(cc.supervisor_a), world, _rows(registry, world.community_a))
    job = StagedImport.objects.get(key=KEY)
    director = web(cc.director_a)
    assert director.get(reverse("import-upload", args=[KEY])).status_code == 404
    assert director.get(reverse("import-template", args=[KEY, "xlsx"])).status_code == 404
    assert _upload(director, world, _rows(registry, world.community_a)).status_code == 404
    assert director.get(job.get_absolute_url()).status_code == 404
    assert StagedImport.objects.count() == 1 and not RosterImport.objects.exists()


def test_the_roster_import_pages_speak_chinese(world, cc, registry, web,  # noqa: F811
                                               django_capture_on_commit_callbacks):
    from tests.test_pages_language import _zh, english_in

    rows = _rows(registry, world.community_a) + [{"姓名": "郑好", "出生日期": "去年", "性别": "男"}]
    client = _zh(cc.supervisor_a)
    pages = {"list": reverse("child_care:roster-list"), "upload": reverse("import-upload", args=[KEY])}
    job = _upload(client, world, rows)["Location"]
    pages["preview"] = job
    htmls = {name: client.get(url).content.decode() for name, url in pages.items()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job + "confirm/")
    htmls["result"] = client.get(job).content.decode()
    assert "查看导入结果" in htmls["result"] and "上传并检查" in htmls["list"] and "学籍名册比对" in htmls["upload"]
    leaks = {name: english_in(html, {"supervisor_a"}) for name, html in htmls.items()}
    assert not any(leaks.values()), leaks


def test_the_api_uploads_previews_and_commits_the_roster(world, cc, registry, api,  # noqa: F811
                                                         django_capture_on_commit_callbacks):
    client = api(cc.supervisor_a)
    rows = _rows(registry, world.community_a) + [{"姓名": "郑好", "出生日期": "2012-01-01", "性别": "未知"}]
    response = client.post(reverse("api:stagedimport-list"), {"key": KEY, "area": world.street_a.code,
                                                              "file": _file(rows)}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(e["line"], e["column"], e["field"]) for e in body["preview"]["errors"]] == [(9, "性别", "sex")]
    assert not RosterImport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("api:stagedimport-commit", args=[body["id"]])).status_code == 202
    result = client.get(reverse("api:stagedimport-detail", args=[body["id"]])).json()
    assert (result["status"], result["created"], result["error_count"]) == ("done", 7, 1)
    roster = RosterImport.objects.get()
    assert roster.counts["conflict"] == 1 and result["result_url"] == roster.get_absolute_url()


def test_a_run_taken_over_from_a_dead_worker_compares_the_roster_it_had_staged(world, cc, registry, web):  # noqa: F811
    from child_care import services
    from core.imports.tasks import run_staged_import

    _upload(web(cc.supervisor_a), world, _rows(registry, world.community_a))
    job = StagedImport.objects.get(key=KEY)
    StagedImport.objects.filter(pk=job.pk).update(status="queued")  # confirmed; the first worker died after staging
    with job.file.open("rb") as source:
        services.stage_roster(actor=cc.supervisor_a, area=world.street_a, source=source, filename=job.filename,
                              staged_import=job)
    assert run_staged_import(job.pk) == "done"
    roster = RosterImport.objects.get()  # the same roster, not a second one
    assert (roster.staged_import_id, roster.status, roster.rows) == (job.pk, "reconciled", 7)
    assert RosterEntry.objects.filter(roster=roster, line__isnull=False).count() == 7
