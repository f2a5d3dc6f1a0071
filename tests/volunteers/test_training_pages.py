"""Training sessions with their attendance, and social-work professionals, on pages: lists with
filters, forms whose refusals keep the input, XLSX exports, out of scope 404."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import id_number
from tests.factories import volunteers as vf
from tests.scoped import Pages
from volunteers import services
from volunteers.models import SocialWorker, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(web):
    def make(user=None):
        client = web(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client
    return make


def training(area, title="养老服务志愿者培训", topic="elderly_care", held_on=datetime.date(2024, 4, 1)):
    return services.create_training(actor=None, title=title, topic=topic, area=area, held_on=held_on)


def social_worker(area, name="陈社工", year=2019):
    return services.register_social_worker(actor=None, name=name, id_number=id_number(area.code[:6]),
                                           level="social_worker", certificate_no=f"SW{name}{year}",
                                           certified_year=year, area=area)


class TestTrainingPages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "volunteers:training-list"
    detail_url_name = "volunteers:training-detail"

    def make_object(self, world):
        return training(world.community_a, title=f"培训{TrainingSession.objects.count() + 1}")

    def row_text(self, obj):
        return obj.title


class TestSocialWorkerPages(Pages.List, Pages.Export):
    list_url_name = "volunteers:socialworker-list"

    def make_object(self, world):
        return social_worker(world.community_a, name=f"社工{SocialWorker.objects.count() + 1}")

    def row_text(self, obj):
        return obj.name


class TestSocialWorkerEditPage(Pages.Action):
    action_url_name = "volunteers:socialworker-edit"

    def make_object(self, world):
        return social_worker(world.community_a)

    def action_payload(self, world, obj):
        return {"name": obj.name, "level": "senior", "certificate_no": obj.certificate_no, "certified_year": 2020,
                "area": world.community_a.pk}


class TestAttendancePage(Pages.Action):
    action_url_name = "volunteers:training-attendance"

    def make_object(self, world):
        self.volunteer = vf.volunteer(world.community_a)
        return training(world.community_a)

    def action_payload(self, world, obj):
        return {"id_numbers": self.volunteer.id_number.reveal_unchecked()}


def test_the_training_list_filters_by_topic_and_date_and_exports_real_dates(world, web):
    training(world.community_a, title="养老服务志愿者培训")
    training(world.community_a, title="急救培训", topic="first_aid", held_on=datetime.date(2023, 1, 5))
    client = web(world.officer_a)
    page = client.get(reverse("volunteers:training-list"), {"topic": "first_aid"}).content.decode()
    assert "急救培训" in page and "养老服务志愿者培训" not in page
    page = client.get(reverse("volunteers:training-list"), {"held_from": "2024-01-01"}).content.decode()
    assert "养老服务志愿者培训" in page and "急救培训" not in page
    export = client.get(reverse("volunteers:training-list"), {"topic": "first_aid", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.values)
    assert rows[1][0] == "急救培训" and str(rows[1][3])[:10] == "2023-01-05" and rows[1][6] == 0


def test_a_training_is_created_and_attendance_recorded_by_id_number(world, web):
    client = web(world.officer_a)
    response = client.post(reverse("volunteers:training-create"), {
        "title": "信息系统使用培训", "topic": "system_use", "area": world.community_a.pk, "held_on": "2024-05-01"})
    session = TrainingSession.objects.get(title="信息系统使用培训")
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:training-detail",
                                                                          args=[session.pk])
    present = vf.volunteer(world.community_a, name="到场者")
    elsewhere = vf.volunteer(world.community_b, name="外区者")
    url = reverse("volunteers:training-attendance", args=[session.pk])
    refused = client.post(url, {"id_numbers": f"{present.id_number.reveal_unchecked()}\n"
                                              f"{elsewhere.id_number.reveal_unchecked()}"})
    assert refused.status_code == 400
    assert "line 2: no volunteer in your areas has this ID number" in refused.content.decode()
    assert not session.attendances.exists()
    assert client.post(url, {"id_numbers": present.id_number.reveal_unchecked()}).status_code == 302
    assert "到场者" in client.get(reverse("volunteers:training-detail", args=[session.pk])).content.decode()


def test_a_social_worker_is_registered_filtered_and_a_duplicate_refused(world, web):
    client = web(world.officer_a)
    data = {"name": "陈社工", "id_number": id_number("340302"), "level": "assistant", "certificate_no": "A2020001",
            "certified_year": 2020, "employer": "", "area": world.community_a.pk}
    assert client.post(reverse("volunteers:socialworker-create"), data).status_code == 302
    again = client.post(reverse("volunteers:socialworker-create"), {**data, "certificate_no": "A2020002"})
    assert again.status_code == 400
    assert "Resident ID number: This person is already registered as a social-work professional." in \
        again.content.decode()
    social_worker(world.community_a, name="林社工", year=2012)
    page = client.get(reverse("volunteers:socialworker-list"), {"year_from": "2015", "level": "assistant"})
    assert "陈社工" in page.content.decode() and "林社工" not in page.content.decode()
