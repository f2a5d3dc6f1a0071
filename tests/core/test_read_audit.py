"""Records declared read-audited leave a trace of every reading: who saw which records, on which page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import readaudit, services
from core.models import Area, AuditEvent, RevealGrant, StaffProfile
from tests.factories import id_number


@pytest.fixture
def audited():
    """Declare models read-audited for one test (as an app would with ``read_audited = True``)."""
    declared = []

    def declare(model):
        readaudit.register(model)
        declared.append(model)

    yield declare
    for model in declared:
        readaudit.unregister(model)


def profile(world, user, area, name="陈静"):
    return services.save_staff_profile(actor=None, user=user, area=area, full_name=name,
                                       id_number=id_number(), phone="13912345678")


def reads():
    return list(AuditEvent.objects.filter(action="core.read").order_by("id"))


class TestDeclaration:
    def test_a_class_attribute_declares_a_model_read_audited(self):
        class Sensitive:
            read_audited = True

        assert readaudit.is_read_audited(Sensitive)
        assert not readaudit.is_read_audited(Area)


class TestPages:
    def test_a_list_page_writes_one_event_with_the_ids_it_showed(self, world, web, audited):
        audited(StaffProfile)
        mine = profile(world, world.worker_a, world.community_a)
        elsewhere = profile(world, world.officer_b, world.community_b, name="王强")
        assert web(world.officer_a).get(reverse("staff-list")).status_code == 200
        (event,) = reads()
        assert event.actor == world.officer_a
        assert event.target_type == "core.staffprofile"
        assert event.changes["ids"] == [str(mine.pk)]  # only what the page showed, not B's profile
        assert str(elsewhere.pk) not in event.changes["ids"]
        assert "StaffListView" in event.reason and event.changes["path"] == reverse("staff-list")

    def test_each_request_is_one_more_event(self, world, web, audited):
        audited(StaffProfile)
        profile(world, world.worker_a, world.community_a)
        client = web(world.officer_a)
        client.get(reverse("staff-list"))
        client.get(reverse("staff-list"))
        assert len(reads()) == 2

    def test_an_export_records_every_exported_id(self, world, web, audited):
        audited(StaffProfile)
        ids = {str(profile(world, u, world.community_a, name=n).pk)
               for u, n in [(world.worker_a, "陈静"), (world.street_officer_a, "李娜")]}
        response = web(world.officer_a).get(reverse("staff-list") + "?export=csv")
        b"".join(response.streaming_content)
        (event,) = reads()
        assert set(event.changes["ids"]) == ids and "export csv" in event.reason

    def test_a_detail_page_records_the_one_record(self, world, web, audited):
        audited(Area)
        web(world.officer_a).get(reverse("area-detail", args=[world.community_a.code]))
        (event,) = reads()
        assert (event.target_type, event.target_id) == ("core.area", str(world.community_a.pk))
        assert event.area_code == world.community_a.code

    def test_a_model_not_declared_leaves_no_read_trace(self, world, web):
        profile(world, world.worker_a, world.community_a)
        web(world.officer_a).get(reverse("staff-list"))
        web(world.officer_a).get(reverse("area-detail", args=[world.community_a.code]))
        assert reads() == []

    def test_a_record_outside_the_area_is_not_found_and_not_recorded_as_read(self, world, web, audited):
        audited(Area)
        assert web(world.officer_a).get(reverse("area-detail", args=[world.community_b.code])).status_code == 404
        assert reads() == []


class TestApi:
    def test_the_list_endpoint_records_the_page_it_returned(self, world, api, audited):
        audited(Area)
        response = api(world.officer_b).get("/api/v1/areas/")
        assert response.status_code == 200
        (event,) = reads()
        shown = set(Area.objects.filter(code__startswith="340303").values_list("pk", flat=True))
        assert {int(i) for i in event.changes["ids"]} == shown
        assert "list" in event.reason

    def test_retrieve_records_the_record(self, world, api, audited):
        audited(Area)
        assert api(world.officer_a).get(f"/api/v1/areas/{world.grid_a.code}/").status_code == 200
        (event,) = reads()
        assert event.target_id == str(world.grid_a.pk) and "retrieve" in event.reason

    def test_an_api_read_of_an_undeclared_model_leaves_no_trace(self, world, api):
        api(world.officer_a).get("/api/v1/areas/")
        api(world.officer_a).get(f"/api/v1/areas/{world.grid_a.code}/")
        assert reads() == []


class TestKeptReveals:
    def test_a_kept_reveal_shows_the_value_again_until_it_expires(self, world):
        p = profile(world, world.worker_a, world.community_a)
        plain = services.reveal_personal_data_for(actor=world.officer_a, instance=p, field="phone",
                                                  reason="回访核实身份", keep_for=datetime.timedelta(minutes=15))
        assert plain == "13912345678"
        assert services.kept_reveal(actor=world.officer_a, instance=p, field="phone") == "13912345678"
        again = AuditEvent.objects.get(action="core.personal_data.reveal_kept")
        assert again.reason == "回访核实身份" and again.actor == world.officer_a

    def test_an_expired_reveal_needs_a_new_reason(self, world):
        p = profile(world, world.worker_a, world.community_a)
        services.reveal_personal_data_for(actor=world.officer_a, instance=p, field="phone", reason="回访核实身份",
                                          keep_for=datetime.timedelta(minutes=15))
        RevealGrant.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        assert services.kept_reveal(actor=world.officer_a, instance=p, field="phone") is None

    def test_a_reveal_without_keep_for_is_not_kept_and_is_for_its_user_only(self, world):
        p = profile(world, world.worker_a, world.community_a)
        services.reveal_personal_data_for(actor=world.officer_a, instance=p, field="phone", reason="回访核实身份")
        assert services.kept_reveal(actor=world.officer_a, instance=p, field="phone") is None
        services.reveal_personal_data_for(actor=world.officer_a, instance=p, field="phone", reason="回访核实身份",
                                          keep_for=datetime.timedelta(minutes=15))
        assert services.kept_reveal(actor=world.city_admin, instance=p, field="phone") is None
        assert services.kept_reveal(actor=world.officer_a, instance=p, field="id_number") is None
