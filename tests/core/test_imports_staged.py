"""core.imports, the staged import every app shares: an importer declares its columns; core reads the
file within the limits, reports each bad cell under the file's own header, commits row by row
through the app's service, offers the template, and keeps uploads encrypted at rest."""

import io
import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from core.imports import Column, Importer, base
from core.imports.storage import SEGMENT, EncryptedFileSystemStorage, is_encrypted
from core.tabular import ImportReport, TableError


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be more than 0")
    return value


class Shelf(Importer):
    """A toy register: a name and a positive count; the "service" refuses the name 坏."""

    key = "shelf"
    columns = [Column("name", "名称", ("name",), required=True),
               Column("count", "数量", ("数目",), required=True, parser=_positive, example="3")]
    written: list

    def commit_row(self, line, values):
        if values["name"] == "坏":
            raise ValidationError({"name": ["名称不可用"]})
        self.written.append(values)
        return "created"


def run(text: str):
    importer = Shelf(actor=None)
    importer.written = []
    return importer.run(io.BytesIO(text.encode()), filename="s.csv"), importer.written


@pytest.mark.django_db
def test_rows_are_parsed_committed_through_the_service_and_bad_cells_reported_under_the_files_headers():
    report, written = run("名称,数目\n甲,2\n乙,0\n坏,1\n,4\n丁,x\n")
    assert written == [{"name": "甲", "count": 2}]
    assert report.created == 1
    assert [(e.line, e.column) for e in report.errors] == [(3, "count"), (4, "name"), (5, "name"), (6, "count")]
    rows = base.error_rows(report, Shelf.headers(), 100)
    assert [r["column"] for r in rows] == ["数目", "名称", "名称", "数目"]  # the file says 数目, not 数量
    assert rows[0]["field"] == "count" and "0" in rows[0]["reason"]


@pytest.mark.django_db
def test_a_preview_reports_what_a_volunteer_import_would_do_and_writes_nothing(world):
    import datetime

    from core.models import AuditEvent
    from tests.factories import id_number
    from volunteers.imports import VolunteerImporter
    from volunteers.models import Volunteer

    text = (f"姓名,证件号码,区划代码,注册时间\n甲,{id_number('340302', datetime.date(1990, 1, 1))},"
            f"{world.community_a.code},2020-01-01\n乙,123,{world.community_a.code},2020-01-01\n")
    before = AuditEvent.objects.count()
    report = base.preview(VolunteerImporter(actor=world.officer_a), io.BytesIO(text.encode()), filename="v.csv")
    assert (report.created, [(e.line, e.column) for e in report.errors]) == (1, [(3, "id_number")])
    assert not Volunteer.objects.exists() and AuditEvent.objects.count() == before


def test_a_file_missing_a_required_column_is_refused_naming_the_templates_header():
    with pytest.raises(TableError, match="数量"):
        list(Shelf.rows(io.BytesIO("名称\n甲\n".encode()), ImportReport(), "s.csv"))


def test_the_template_has_the_declared_headers_in_xlsx_and_csv():
    from openpyxl import load_workbook

    content, kind, name = Shelf.template("xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in next(sheet.iter_rows())] == ["名称", "数量"] and name == "shelf-template.xlsx"
    csv, kind, _name = Shelf.template("csv")
    assert csv.decode("utf-8-sig").splitlines() == ["名称,数量", ",3"] and kind.startswith("text/csv")


def test_registered_importers_include_the_volunteers_ones():
    assert {"volunteers", "service_hours"} <= set(base.registry())


# --- uploads encrypted at rest ---------------------------------------------------------------------
@pytest.fixture
def storage(tmp_path):
    return EncryptedFileSystemStorage(location=tmp_path)


@pytest.mark.parametrize("size", [0, 10, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 7])
def test_an_upload_is_stored_encrypted_and_read_back_whole(storage, size):
    data = (b"340302199001011234,13800138000\n" * (size // 31 + 1))[:size]
    name = storage.save("x.csv", ContentFile(data))
    on_disk = Path(storage.path(name)).read_bytes()
    assert is_encrypted(storage.path(name)) and (size < 31 or b"340302199001011234" not in on_disk)
    with storage.open(name) as f:
        assert f.read() == data
    assert storage.size(name) == size


def test_a_tampered_or_truncated_upload_is_refused(storage):
    name = storage.save("x.csv", ContentFile(b"a" * (2 * SEGMENT + 5)))
    path = storage.path(name)
    raw = bytearray(Path(path).read_bytes())
    Path(path).write_bytes(bytes(raw[: len(raw) - 100]))  # the last segment cut short
    with pytest.raises(ValueError):
        storage.open(name)
    raw[40] ^= 1
    Path(path).write_bytes(bytes(raw))
    with pytest.raises(ValueError):
        storage.open(name)


def test_a_dropped_last_segment_is_noticed(storage):
    name = storage.save("x.csv", ContentFile(b"a" * (SEGMENT + 5)))
    path = storage.path(name)
    raw = Path(path).read_bytes()
    first_len = int.from_bytes(raw[26:30], "big")
    Path(path).write_bytes(raw[: 26 + 4 + 12 + first_len])  # only the first (not last) segment
    with pytest.raises(ValueError):
        storage.open(name)


def test_uploads_stay_readable_after_a_key_rotation_and_unencrypted_old_files_still_read(storage, settings):
    name = storage.save("x.csv", ContentFile(b"old key"))
    settings.PORTAL_DATA_KEY = "a-new-key," + settings.PORTAL_DATA_KEY
    with storage.open(name) as f:
        assert f.read() == b"old key"
    plain = os.path.join(storage.location, "plain.csv")
    Path(plain).write_bytes(b"written before encryption")
    with storage.open("plain.csv") as f:
        assert f.read() == b"written before encryption"


@pytest.mark.django_db
class TestImportTemplatePage:
    covers_routes = ["import-template"]

    def test_a_template_is_for_signed_in_users_who_may_run_that_import(self, world, web, client):
        url = reverse("import-template", args=["volunteers", "xlsx"])
        assert client.get(url).status_code == 302  # to sign-in
        assert web(world.outsider).get(url).status_code == 404
        assert web(world.officer_a).get(url).status_code == 200
        assert web(world.officer_a).get(reverse("import-template", args=["nothing", "xlsx"])).status_code == 404
        assert web(world.officer_a).get(reverse("import-template", args=["volunteers", "pdf"])).status_code == 404
