"""Attachments and posting photos: only checked types and sizes are stored, under random names, and
a file is handed out only by a scoped, audited download view, never under MEDIA_URL."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from governance import services
from governance.choices import PublicationKind, Stage
from tests.factories.governance import Walker, raise_matter

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
HTML = b"<html><script>fetch('/api/v1/')</script></html>"


@pytest.fixture
def walker(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return Walker(world.community_a)


@pytest.fixture
def matter(walker):
    return raise_matter(walker.area, actor=walker.worker)


def _post(web, walker, matter, name, body, title="会议签到表"):
    return web(walker.worker).post(
        reverse("governance:matter-action", args=[matter.pk, "attach"]),
        {"attach-title": title, "attach-file": SimpleUploadedFile(name, body)}, follow=True)


def _attached(walker, matter, name="sign-in.pdf", body=PDF, title="会议签到表"):
    return services.add_attachment(actor=walker.worker, matter=matter, title=title,
                                   file=SimpleUploadedFile(name, body))


class TestWhatIsAccepted:
    def test_a_pdf_is_stored_under_a_random_name(self, walker, matter, web):
        _post(web, walker, matter, "签到表.pdf", PDF)
        stored = matter.attachments.get().file.name
        assert re.fullmatch(r"governance/attachments/\d{4}/[0-9a-f]{32}\.pdf", stored)

    def test_an_html_file_is_refused_with_the_reason(self, walker, matter, web):
        page = _post(web, walker, matter, "page.html", HTML).content.decode()
        assert not matter.attachments.exists()
        assert "不接受此类型的文件" in page

    def test_html_renamed_to_pdf_is_refused_because_of_its_content(self, walker, matter):
        with pytest.raises(ValidationError) as refused:
            _attached(walker, matter, name="minutes.pdf", body=HTML)
        assert "文件内容不是其名称所示的 PDF 文件" in refused.value.message_dict["file"][0]
        assert not matter.attachments.exists()

    def test_an_oversized_file_is_refused_with_the_limit(self, walker, matter, web, settings):
        settings.PORTAL_UPLOAD_MAX_BYTES = 1024
        page = _post(web, walker, matter, "big.pdf", PDF + b"0" * 2048).content.decode()
        assert not matter.attachments.exists()
        assert "文件大小为 2.0\xa0KB，只接受不超过 1.0\xa0KB 的文件" in page

    def test_a_posting_photo_must_be_an_image(self, walker):
        matter = walker.to(Stage.DECIDED)
        with pytest.raises(ValidationError) as refused:
            services.post_publication(actor=walker.worker, matter=matter, kind=PublicationKind.RESOLUTION,
                                      content="决议", photo_taken_at=timezone.now(),
                                      photo=SimpleUploadedFile("board.pdf", PDF))
        assert "不接受此类型的文件，请使用 JPG、PNG" in refused.value.message_dict["photo"][0]


class TestDownloads:
    # For tests/test_routes.py: these tests prove both download routes scoped (404 elsewhere, nothing
    # audited), signed-in only, and working in scope.
    covers_routes = ["governance:attachment-download", "governance:publication-photo"]

    def test_an_officer_in_scope_downloads_it_and_each_download_is_audited(self, world, walker, matter, web):
        attachment = _attached(walker, matter)
        client = web(world.officer_a)
        url = reverse("governance:attachment-download", args=[attachment.pk])
        for expected in (1, 2):
            response = client.get(url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "application/pdf"
            events = AuditEvent.objects.filter(actor=world.officer_a, action="governance.file.download")
            assert events.count() == expected
        assert events.first().target_id == str(attachment.pk)

    def test_the_matter_page_links_the_download_view(self, world, walker, matter, web):
        attachment = _attached(walker, matter)
        page = web(world.officer_a).get(matter.get_absolute_url()).content.decode()
        assert reverse("governance:attachment-download", args=[attachment.pk]) in page
        assert attachment.file.name not in page

    def test_another_districts_officer_gets_404_and_nothing_is_audited(self, world, walker, matter, web):
        attachment = _attached(walker, matter)
        response = web(world.officer_b).get(reverse("governance:attachment-download", args=[attachment.pk]))
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(action="governance.file.download").exists()

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, walker, matter, web):
        attachment = _attached(walker, matter)
        response = web().get(reverse("governance:attachment-download", args=[attachment.pk]))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_nothing_is_served_under_media_url(self, world, walker, matter, web, settings):
        attachment = _attached(walker, matter)
        assert web(world.city_admin).get(settings.MEDIA_URL + attachment.file.name).status_code == 404

    def test_a_posting_photo_is_downloaded_through_its_own_scoped_view(self, world, walker, web):
        matter = walker.to(Stage.DECIDED)
        publication = services.post_publication(
            actor=walker.worker, matter=matter, kind=PublicationKind.RESOLUTION, content="决议",
            photo_taken_at=timezone.now(), photo=SimpleUploadedFile("IMG_0001.jpg", JPEG))
        assert re.fullmatch(r"governance/publications/\d{4}/[0-9a-f]{32}\.jpg", publication.photo.name)
        url = reverse("governance:publication-photo", args=[publication.pk])
        response = web(world.officer_a).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("attachment;")
        assert AuditEvent.objects.filter(action="governance.file.download", actor=world.officer_a).count() == 1
        assert web(world.officer_b).get(url).status_code == 404
        assert web().get(url).status_code == 302
        assert AuditEvent.objects.filter(action="governance.file.download").count() == 1
        assert url in web(world.officer_a).get(matter.get_absolute_url()).content.decode()
        assert url not in web().get(matter.get_public_url()).content.decode()
