"""A volunteer officer does the registry's whole job on pages: registers, edits, suspends,
reactivates and cancels a volunteer, finds them by any part of the name, by ID number or by phone,
reveals a phone number with a reason, and opens the volunteer's own account."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import id_number
from tests.factories import volunteers as vf
from tests.scoped import Pages
from volunteers.choices import VolunteerStatus
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(web):
    """The pages in English, so the assertions read the source strings (Chinese is checked by the catalogues)."""
    def make(user=None):
        client = web(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client
    return make


def _registration(world, **changes):
    data = {"name": "李红梅", "id_number": id_number("340302", datetime.date(1985, 6, 1)), "phone": "13912345678",
            "area": world.community_a.pk, "registered_on": "2024-03-01", "skills": "急救", "service_fields": "",
            "guardian_name": "", "guardian_consent_on": ""}
    return {**data, **changes}


# --- persona matrix of the new pages -------------------------------------------------------------------
class TestVolunteerEditPage(Pages.Action):
    action_url_name = "volunteers:volunteer-edit"

    def make_object(self, world):
        return vf.volunteer(world.community_a, name="赵志远")

    def action_payload(self, world, obj):
        return {"name": "赵志远", "area": world.community_a.pk, "skills": "驾驶"}


class TestVolunteerSuspendPage(Pages.Action):
    action_url_name = "volunteers:volunteer-step"

    def make_object(self, world):
        return vf.volunteer(world.community_a)

    def action_args(self, obj):
        return [obj.pk, "suspend"]

    def action_payload(self, world, obj):
        return {"reason": "本人长期外出"}


class TestVolunteerAccountPage(Pages.Action):
    action_url_name = "volunteers:volunteer-account"
    in_scope_status = (200,)

    def make_object(self, world):
        return vf.volunteer(world.community_a)

    def action_payload(self, world, obj):
        return {"username": f"vol-account-{obj.pk}"}


# --- register ------------------------------------------------------------------------------------------
def test_the_officer_registers_a_volunteer_on_the_page(world, web):
    response = web(world.officer_a).post(reverse("volunteers:volunteer-create"), _registration(world))
    volunteer = Volunteer.objects.get(name="李红梅")
    assert response.status_code == 302 and response["Location"] == volunteer.get_absolute_url()
    assert volunteer.phone_masked.startswith("139") and volunteer.skills == "急救"
    assert AuditEvent.objects.filter(actor=world.officer_a, action="volunteers.volunteer.register",
                                     target_id=str(volunteer.pk)).exists()


def test_a_refused_registration_names_the_field_and_keeps_the_input(world, web):
    vf.volunteer(world.community_a, name="已登记")
    taken = Volunteer.objects.get(name="已登记").id_number.reveal_unchecked()
    response = web(world.officer_a).post(reverse("volunteers:volunteer-create"),
                                         _registration(world, id_number=taken))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Resident ID number: This person is already registered as a volunteer." in page
    assert 'value="李红梅"' in page and 'value="急救"' in page  # what was typed is still there
    assert not Volunteer.objects.filter(name="李红梅").exists()


def test_a_wrong_id_number_is_refused_with_the_fields_label(world, web):
    response = web(world.officer_a).post(reverse("volunteers:volunteer-create"),
                                         _registration(world, id_number="340302198506010000"))
    assert response.status_code == 400
    assert "Resident ID number:" in response.content.decode()


def test_the_home_community_cannot_be_one_outside_the_officers_areas(world, web):
    response = web(world.officer_a).post(reverse("volunteers:volunteer-create"),
                                         _registration(world, area=world.community_b.pk))
    assert response.status_code == 400
    assert not Volunteer.objects.filter(name="李红梅").exists()
    form = web(world.officer_a).get(reverse("volunteers:volunteer-create")).content.decode()
    assert world.community_a.name in form and world.community_b.name not in form


# --- edit ----------------------------------------------------------------------------------------------
def test_editing_keeps_the_phone_when_left_empty_and_never_prints_it(world, web):
    volunteer = vf.volunteer(world.community_a, name="赵志远", phone="13800138000")
    url = reverse("volunteers:volunteer-edit", args=[volunteer.pk])
    form = web(world.officer_a).get(url).content.decode()
    assert "13800138000" not in form and volunteer.phone_masked in form
    response = web(world.officer_a).post(url, {"name": "赵志远", "area": world.community_a.pk, "skills": "驾驶",
                                               "phone": ""})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.skills == "驾驶" and volunteer.phone.reveal_unchecked() == "13800138000"


def test_an_edit_with_a_bad_phone_is_refused_beside_the_form(world, web):
    volunteer = vf.volunteer(world.community_a, name="赵志远")
    response = web(world.officer_a).post(reverse("volunteers:volunteer-edit", args=[volunteer.pk]),
                                         {"name": "赵志远改", "area": world.community_a.pk, "phone": "12345"})
    assert response.status_code == 400 and "Phone:" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.name == "赵志远"


# --- suspend, reactivate, cancel -----------------------------------------------------------------------
def test_suspend_reactivate_and_cancel_each_with_a_reason(world, web):
    volunteer = vf.volunteer(world.community_a)
    client = web(world.officer_a)

    def step(name, reason="本人申请"):
        return client.post(reverse("volunteers:volunteer-step", args=[volunteer.pk, name]), {"reason": reason})

    assert step("suspend").status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.SUSPENDED
    assert AuditEvent.objects.get(action="volunteers.volunteer.suspend").reason == "本人申请"
    assert step("reactivate").status_code == 302
    assert step("cancel", reason="").status_code == 400  # a reason is required
    assert step("cancel").status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.CANCELLED
    refused = step("reactivate")
    assert refused.status_code == 409 and "it cannot be changed this way" in refused.content.decode()
    assert client.post(reverse("volunteers:volunteer-step", args=[volunteer.pk, "delete"]),
                       {"reason": "x"}).status_code == 404


def test_the_detail_page_offers_the_steps_that_apply(world, web):
    volunteer = vf.volunteer(world.community_a)
    page = web(world.officer_a).get(volunteer.get_absolute_url()).content.decode()
    assert reverse("volunteers:volunteer-step", args=[volunteer.pk, "suspend"]) in page
    assert reverse("volunteers:volunteer-step", args=[volunteer.pk, "reactivate"]) not in page
    assert reverse("volunteers:volunteer-account", args=[volunteer.pk]) in page


# --- search --------------------------------------------------------------------------------------------
def _listed(web, world, q):
    return web(world.officer_a).get(reverse("volunteers:volunteer-list"), {"q": q}).content.decode()


def test_the_list_finds_a_volunteer_by_any_part_of_the_name(world, web):
    vf.volunteer(world.community_a, name="欧阳小明")
    vf.volunteer(world.community_a, name="张三")
    page = _listed(web, world, "小明")
    assert "欧阳小明" in page and "张三" not in page


def test_the_list_finds_a_volunteer_by_exact_id_number_and_by_phone(world, web):
    wanted = vf.volunteer(world.community_a, name="欧阳小明", phone="13611112222")
    vf.volunteer(world.community_a, name="张三", phone="13633334444")
    number = wanted.id_number.reveal_unchecked()
    by_id = _listed(web, world, number.lower())
    assert "欧阳小明" in by_id and "张三" not in by_id
    by_phone = _listed(web, world, "136 1111 2222")
    assert "欧阳小明" in by_phone and "张三" not in by_phone
    assert "欧阳小明" not in _listed(web, world, number[:10])  # part of a number finds nothing


def test_the_search_never_finds_a_volunteer_outside_ones_areas(world, web):
    theirs = vf.volunteer(world.community_b, name="欧阳小明")
    page = _listed(web, world, theirs.id_number.reveal_unchecked())
    assert "欧阳小明" not in page


# --- reveal --------------------------------------------------------------------------------------------
def test_the_detail_page_reveals_the_phone_with_a_reason_and_audits_it(world, web):
    volunteer = vf.volunteer(world.community_a, phone="13955556666")
    client = web(world.officer_a)
    page = client.get(volunteer.get_absolute_url()).content.decode()
    url = reverse("reveal", args=["volunteer", volunteer.pk, "phone"])
    assert "13955556666" not in page and url in page
    assert client.post(url, {"reason": ""}).status_code == 400
    shown = client.post(url, {"reason": "联系活动安排"})
    assert shown.status_code == 200 and "13955556666" in shown.content.decode()
    event = AuditEvent.objects.get(action="core.personal_data.reveal", target_id=str(volunteer.pk))
    assert event.actor == world.officer_a and event.reason == "联系活动安排"
    assert web(world.officer_b).post(url, {"reason": "联系活动安排"}).status_code == 404


# --- the volunteer's own account -----------------------------------------------------------------------
def test_the_officer_opens_an_account_that_lands_on_my_service(world, web):
    from django.test import Client

    volunteer = vf.volunteer(world.community_a, name="王小明")
    url = reverse("volunteers:volunteer-account", args=[volunteer.pk])
    response = web(world.officer_a).post(url, {"username": "wangxm"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert password in response.content.decode()
    event = AuditEvent.objects.get(action="volunteers.volunteer.account")
    assert event.actor == world.officer_a and password not in str(event.changes)
    volunteer.refresh_from_db()
    assert volunteer.user.username == "wangxm"

    client = Client()
    assert client.login(username="wangxm", password=password)
    landing = client.get(reverse("home"))
    assert landing.status_code == 302 and landing["Location"] == reverse("volunteers:me")
    assert client.get(reverse("volunteers:me")).status_code == 200
    assert client.get(reverse("volunteers:volunteer-list")).status_code == 403  # not a staff page for them

    again = web(world.officer_a).post(url, {"username": "wangxm2"})
    assert again.status_code == 409 and "already has an account" in again.content.decode()


def test_an_account_name_that_is_taken_is_refused(world, web):
    vf.volunteer_user("taken")
    volunteer = vf.volunteer(world.community_a)
    response = web(world.officer_a).post(reverse("volunteers:volunteer-account", args=[volunteer.pk]),
                                         {"username": "TAKEN"})
    assert response.status_code == 400 and "User name: This user name is taken." in response.content.decode()


def test_staff_still_land_on_the_workbench(world, web):
    assert web(world.officer_a).get(reverse("home")).status_code == 200
