"""Exports of read-audited records (a child's) are protected and expire (issue 15, Privacy): a stated
reason first, then a file kept encrypted for its maker only, until it expires; other lists still stream."""

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from core.choices import Role
from core.imports.storage import is_encrypted
from core.models import AuditEvent, ProtectedExport
from tests.factories import staff
from tests.factories.child_care import child

pytestmark = pytest.mark.django_db

LIST = "child_care:person-list"


@pytest.fixture
def cc(world):
    """The child-care personas (as tests/child_care/conftest.py): directors in A's community and B's village,
    a supervisor in A's street."""

    class People:
        director_a = staff("director_a", Role.CHILD_DIRECTOR, world.community_a)
        director_b = staff("director_b", Role.CHILD_DIRECTOR, world.village_b)
        supervisor_a = staff("supervisor_a", Role.CHILD_SUPERVISOR, world.street_a)

    return People


@pytest.fixture
def files():
    """Every protected export file made by the test is removed afterwards (they live under var/exports)."""
    yield
    for export in ProtectedExport.objects.exclude(file=""):
        export.file.delete(save=False)


def _export(client, reason="家访前核对名单", fmt="csv", query="", lang="zh-hans"):
    return client.post(reverse(LIST) + f"?{query}", {"reason": reason, "fmt": fmt}, HTTP_ACCEPT_LANGUAGE=lang)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_directors_export_needs_a_reason_keeps_the_input_and_is_downloadable_by_them(world, cc, web, files):
    child(world.community_a, name="王小明")
    director = web(cc.director_a)
    form = director.get(reverse(LIST) + "?q=王&export=xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = form.content.decode()
    assert form.status_code == 200 and "导出" in page and 'name="reason"' in page and "q=%E7%8E%8B" in page
    assert not ProtectedExport.objects.exists() and not AuditEvent.objects.filter(action="core.export").exists()

    refused = _export(director, reason="看看", query="q=%E7%8E%8B")
    text = refused.content.decode()
    assert refused.status_code == 400 and "至少 4 个字" in text and 'value="看看"' in text and "q=%E7%8E%8B" in text
    assert not ProtectedExport.objects.exists()

    made = _export(director)
    assert made.status_code == 302 and made["Location"] == reverse("my-exports")
    export = ProtectedExport.objects.get()
    assert (export.user, export.rows, export.fmt, export.reason) == (cc.director_a, 1, "csv", "家访前核对名单")
    assert timezone.now() + datetime.timedelta(hours=23) < export.expires_at <= timezone.now() + datetime.timedelta(hours=24)

    mine = director.get(reverse("my-exports"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的导出" in mine and export.get_absolute_url() in mine and export.filename in mine

    response = director.get(export.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert f'filename="{export.filename}"' in response["Content-Disposition"]
    assert "王小明" in _body(response).decode("utf-8-sig")
    export.refresh_from_db()
    assert export.downloads == 1


def test_the_file_on_disk_is_encrypted(world, cc, web, files):
    child(world.community_a, name="王小明")
    _export(web(cc.director_a))
    path = Path(ProtectedExport.objects.get().file.path)
    raw = path.read_bytes()
    assert is_encrypted(path) and "王小明".encode() not in raw and b"csv" not in raw.lower()[:64]


def test_an_xlsx_export_is_a_workbook(world, cc, web, files):
    from openpyxl import load_workbook

    child(world.community_a, name="王小明")
    _export(web(cc.director_a), fmt="xlsx")
    export = ProtectedExport.objects.get()
    workbook = load_workbook(io.BytesIO(_body(web(cc.director_a).get(export.get_absolute_url()))))
    assert any("王小明" in str(c) for row in workbook.active.iter_rows(values_only=True) for c in row)


def test_anyone_else_gets_404_even_a_supervisor_in_scope(world, cc, web, files):
    child(world.community_a)
    _export(web(cc.director_a))
    export = ProtectedExport.objects.get()
    missing = reverse("export-download", kwargs={"token": "00000000-0000-0000-0000-000000000000"})
    for user in (cc.supervisor_a, cc.director_b, world.auditor, world.city_admin):
        client = web(user)
        theirs, unknown = client.get(export.get_absolute_url()), client.get(missing)
        assert theirs.status_code == unknown.status_code == 404
        assert export.filename not in client.get(reverse("my-exports")).content.decode()
    export.refresh_from_db()
    assert export.downloads == 0 and not AuditEvent.objects.filter(action="core.export.download").exists()


def test_after_expiry_404_and_the_sweep_deletes_the_file(world, cc, web, files):
    from core.tasks import sweep_protected_exports

    child(world.community_a)
    director = web(cc.director_a)
    _export(director)
    export = ProtectedExport.objects.get()
    path = Path(export.file.path)
    assert sweep_protected_exports() == {"deleted": 0} and path.exists()  # not yet expired: kept
    ProtectedExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert director.get(export.get_absolute_url()).status_code == 404
    assert export.filename not in director.get(reverse("my-exports")).content.decode()
    assert path.exists()  # until the sweep runs
    assert sweep_protected_exports() == {"deleted": 1}
    assert not path.exists()
    export.refresh_from_db()
    assert not export.file and export.reason == "家访前核对名单"  # the row stays: who exported what, and why
    assert director.get(export.get_absolute_url()).status_code == 404


def test_the_hours_follow_the_setting(world, cc, web, files, settings):
    settings.PORTAL_PROTECTED_EXPORT_HOURS = 2
    child(world.community_a)
    _export(web(cc.director_a))
    export = ProtectedExport.objects.get()
    assert export.expires_at - export.created_at == datetime.timedelta(hours=2)


def test_creation_and_each_download_are_audited_with_the_rows_read(world, cc, web, files):
    kid = child(world.community_a)
    director = web(cc.director_a)
    _export(director, query="q=%E7%8E%8B")
    export = ProtectedExport.objects.get()
    (made,) = AuditEvent.objects.filter(action="core.export")
    assert made.actor == cc.director_a and made.changes["rows"] == [None, 1] and made.changes["filters"][1] == {"q": "王"}
    (kept,) = AuditEvent.objects.filter(action="core.export.protected")
    assert kept.target_id == str(export.pk) and kept.reason == "家访前核对名单"
    (read,) = AuditEvent.objects.filter(action="core.read", actor=cc.director_a)
    assert str(kid.pk) in read.changes["ids"] and "export csv" in read.reason
    _body(director.get(export.get_absolute_url()))
    _body(director.get(export.get_absolute_url()))
    downloads = AuditEvent.objects.filter(action="core.export.download", target_id=str(export.pk))
    assert downloads.count() == 2 and {e.actor for e in downloads} == {cc.director_a}


def test_out_of_scope_rows_never_enter_the_file(world, cc, web, files):
    child(world.community_a, name="王小明")
    child(world.village_b, name="赵小刚")
    _export(web(cc.director_b))
    export = ProtectedExport.objects.get()
    body = _body(web(cc.director_b).get(export.get_absolute_url())).decode("utf-8-sig")
    assert "赵小刚" in body and "王小明" not in body and export.rows == 1


def test_a_list_of_records_not_read_audited_still_streams_at_once(world, web):
    response = web(world.officer_a).get(reverse("staff-list") + "?export=csv")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    _body(response)
    assert not ProtectedExport.objects.exists()
    assert web(world.officer_a).post(reverse("staff-list"), {"reason": "核对人员名单", "fmt": "csv"}).status_code == 405


def test_a_volunteers_list_export_still_streams_at_once(world, web):
    response = web(world.officer_a).get(reverse("volunteers:volunteer-list") + "?export=xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert not ProtectedExport.objects.exists()


def test_the_new_pages_read_in_chinese(world, cc, web, files):
    import re

    child(world.community_a, name="王小明")
    director = web(cc.director_a)
    form = director.get(reverse(LIST) + "?export=csv", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    refused = _export(director, reason="").content.decode()
    _export(director)
    mine = director.get(reverse("my-exports"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for page in (form, refused, mine):
        main = re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style|head|nav|footer)\b.*?</\1>", " ", page))
        main = re.sub(r"child-care-registry-[\d-]+\.csv|CSV|XLSX", " ", main)
        assert not re.findall(r"\b[A-Za-z]{4,}\b", main), re.findall(r"\b[A-Za-z]{4,}\b", main)
    assert "理由" in form and "格式" in form and "我的导出" in mine and "到期时间" in mine


def test_a_maker_whose_role_is_revoked_can_no_longer_download(world, cc, web, files):
    from core import services

    child(world.community_a)
    director = web(cc.director_a)
    _export(director)
    export = ProtectedExport.objects.get()
    assert export.model == "child_care.person"
    assert director.get(export.get_absolute_url()).status_code == 200
    services.revoke_role(actor=world.city_admin, grant=cc.director_a.grants.get(), reason="调离岗位")
    assert director.get(export.get_absolute_url()).status_code == 404
