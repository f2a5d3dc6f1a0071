"""The API of the one window, burden reduction and certificates: the persona matrix of every route
(tests/scoped.py), each transition refused with its reason (409) or its field (400), and the rules
a client meets through the API: a forbidden certificate, a target date past the item's limit, an
unlisted task that cannot be accepted, an admission request out of the caller's areas."""

import pytest
from django.utils import timezone

from core.models import AuditEvent
from core.workdays import add_working_days
from grids import services
from grids.choices import TaskState, WindowState
from grids.models import AdmissionRequest, Certificate, CommunityTask, WindowRequest
from tests.factories import grids as f
from tests.grids.personas import CommunityDesk
from tests.scoped import API

pytestmark = pytest.mark.django_db


class _CommunityDesk(CommunityDesk):
    audit_action_prefix = "grids."


# --- one window -------------------------------------------------------------------------------------------
class _Window(_CommunityDesk):
    basename = "grids-window"

    def make_object(self, world):
        return f.window_request(world.community_a)


class TestWindowAPI(_Window, API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    list_filter_params = {"state": WindowState.BACK_OFFICE}

    def create_payload(self, world):
        return {"area": world.community_a.code, "item": "dibao_consult", "resident_name": "张三",
                "request": "咨询低保政策", "on_the_spot": True, "result": "已当场答复"}

    def test_closed_on_the_spot_or_handed_over_by_the_items_limit(self, world, api):
        client = api(world.worker_a)
        spot = client.post(self.list_url(), self.create_payload(world), format="json").json()
        assert spot["state"] == WindowState.CLOSED and spot["same_day"] and spot["notify_channel"] == "at_desk"
        late = add_working_days(timezone.localdate(), 30).isoformat()
        body = {"area": world.community_a.code, "item": "elderly_allowance", "resident_name": "李秀英",
                "request": "申请高龄津贴", "back_office": "街道民政办", "target_date": late}
        refused = client.post(self.list_url(), body, format="json")
        assert refused.status_code == 400 and "target_date" in refused.content.decode()
        del body["target_date"]
        handed = client.post(self.list_url(), body, format="json").json()
        assert handed["state"] == WindowState.BACK_OFFICE
        assert handed["target_date"] == add_working_days(timezone.localdate(), 10).isoformat()

    def test_the_other_districts_community_is_not_a_choice(self, world, api):
        body = {**self.create_payload(world), "area": world.community_b.code}
        response = api(world.worker_a).post(self.list_url(), body, format="json")
        assert response.status_code == 400 and "area" in response.json()["error"]["fields"]
        assert not WindowRequest.objects.filter(area=world.community_b).exists()

    def test_the_cursor_pages_newest_first_without_a_count(self, world, api):
        made = [self.make_object(world) for _ in range(3)]
        page = api(world.worker_a).get(self.list_url(), {"page_size": 2}).json()
        assert "count" not in page and page["next"]
        assert [r["ref"] for r in page["results"]] == [made[2].ref, made[1].ref]


class TestWindowComplete(_Window, API.Transition):
    transition = "complete"

    def transition_payload(self, world, obj):
        return {"result": "已发放"}

    def test_a_request_closed_on_the_spot_is_not_completed_again(self, world, api):
        req = f.window_request(world.community_a, on_the_spot=True, item_code="dibao_consult")
        response = api(world.worker_a).post(self.transition_url(req), {"result": "再办"}, format="json")
        assert response.status_code == 409 and response.json()["error"]["code"] == "transition_refused"

    def test_a_blank_result_is_refused_by_its_field(self, world, api):
        response = api(world.worker_a).post(self.transition_url(self.make_object(world)), {"result": ""},
                                            format="json")
        assert response.status_code == 400 and "result" in response.json()["error"]["fields"]


class TestWindowNotify(_Window, API.Transition):
    transition = "notify"

    def make_object(self, world):
        req = f.window_request(world.community_a)
        return services.complete_window_request(actor=None, window_request=req, result="已发放")

    def transition_payload(self, world, obj):
        return {"channel": "phone", "note": "电话告知"}

    def test_the_resident_is_told_once_the_result_is_in(self, world, api):
        req = f.window_request(world.community_a)
        client = api(world.worker_a)
        assert client.post(self.transition_url(req), {"channel": "phone"}, format="json").status_code == 409
        done = self.make_object(world)
        answer = client.post(self.transition_url(done), {"channel": "sms"}, format="json").json()
        assert answer["state"] == WindowState.CLOSED and answer["notify_channel"] == "sms"


# --- admission requests -----------------------------------------------------------------------------------
def _admission(world, area=None):
    return services.apply_for_admission(actor=None, area=area or world.district_a, department="区城管局",
                                        title="督导检查", legal_basis="某法",
                                        starts_on=add_working_days(timezone.localdate(), 31))


class _Admission:
    basename = "grids-admission"
    audit_action_prefix = "grids."

    def make_object(self, world):
        return _admission(world)


class TestAdmissionAPI(_Admission, API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    list_filter_params = {"state": "pending"}

    def create_payload(self, world):
        return {"area": world.district_a.code, "department": "区城管局", "title": "门前三包检查",
                "legal_basis": "《城市市容和环境卫生管理条例》",
                "starts_on": add_working_days(timezone.localdate(), 31).isoformat()}

    def test_a_request_less_than_30_working_days_ahead_is_refused(self, world, api):
        body = {**self.create_payload(world), "starts_on": add_working_days(timezone.localdate(), 10).isoformat()}
        response = api(world.officer_a).post(self.list_url(), body, format="json")
        assert response.status_code == 400 and "starts_on" in response.json()["error"]["fields"]
        assert not AdmissionRequest.objects.exists()


class TestAdmissionDecide(_Admission, API.Transition):
    transition = "decide"

    def transition_payload(self, world, obj):
        return {"admit": True, "note": "同意准入"}

    def test_a_decided_request_is_not_decided_again(self, world, api):
        req = self.make_object(world)
        client = api(world.officer_a)
        assert client.post(self.transition_url(req), {"admit": False, "note": "不同意"},
                           format="json").json()["state"] == "rejected"
        again = client.post(self.transition_url(req), {"admit": True, "note": "同意"}, format="json")
        assert again.status_code == 409

    def test_a_decision_without_a_note_is_refused(self, world, api):
        response = api(world.officer_a).post(self.transition_url(self.make_object(world)), {"admit": True},
                                             format="json")
        assert response.status_code == 400 and "note" in response.json()["error"]["fields"]


# --- tasks ------------------------------------------------------------------------------------------------
class _Task:
    basename = "grids-task"
    audit_action_prefix = "grids."

    def make_object(self, world):
        return f.task(world.community_a, listed=False)


class TestTaskAPI(_Task, API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    list_filter_params = {"listed": "false"}

    def create_payload(self, world):
        return {"area": world.community_a.code, "department": "区统计局", "title": "人口抽样调查", "item": "census"}

    def test_an_admission_request_of_another_district_is_not_found(self, world, api):
        other = _admission(world, area=world.district_b)
        body = {**self.create_payload(world), "item": None, "admission": other.pk}
        response = api(world.officer_a).post(self.list_url(), body, format="json")
        assert response.status_code == 400 and "admission" in response.json()["error"]["fields"]
        assert not CommunityTask.objects.exists()

    def test_the_listed_filter_separates_listed_from_unlisted(self, world, api):
        listed, unlisted = f.task(world.community_a, listed=True), f.task(world.community_a, listed=False)
        client = api(world.officer_a)
        assert {r["id"] for r in client.get(self.list_url(), {"listed": "true"}).json()["results"]} == {listed.pk}
        assert {r["id"] for r in client.get(self.list_url(), {"listed": "false"}).json()["results"]} == {unlisted.pk}


class TestTaskRefuse(_Task, _CommunityDesk, API.Transition):
    transition = "refuse"

    def test_the_refusal_is_one_step_and_cites_the_rule(self, world, api):
        task = self.make_object(world)
        answer = api(world.worker_a).post(self.transition_url(task), {}, format="json").json()
        assert answer["state"] == TaskState.REFUSED and "依法履职" in answer["reason"]
        assert AuditEvent.objects.filter(action="grids.task.refuse", target_id=str(task.pk)).exists()

    def test_a_listed_task_is_not_refused(self, world, api):
        task = f.task(world.community_a, listed=True)
        assert api(world.worker_a).post(self.transition_url(task), {}, format="json").status_code == 409


class TestTaskAccept(_Task, _CommunityDesk, API.Transition):
    transition = "accept"

    def make_object(self, world):
        return f.task(world.community_a, listed=True)

    def test_an_unlisted_task_is_not_accepted_and_stays_received(self, world, api):
        task = f.task(world.community_a, listed=False)
        response = api(world.worker_a).post(self.transition_url(task), {}, format="json")
        assert response.status_code == 409 and "依法履职" in response.json()["error"]["message"]
        task.refresh_from_db()
        assert task.state == TaskState.RECEIVED


# --- certificates -----------------------------------------------------------------------------------------
class TestCertificateAPI(_CommunityDesk, API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    basename = "grids-certificate"
    list_filter_params = {"issued_from": "2000-01-01"}

    def make_object(self, world):
        return f.certificate(world.community_a)

    def create_payload(self, world):
        return {"area": world.community_a.code, "cert_type": "residence", "resident_name": "王小明",
                "purpose": "子女入学"}

    def test_an_issued_certificate_has_its_number_text_and_seal_entry(self, world, api):
        answer = api(world.worker_a).post(self.list_url(), self.create_payload(world), format="json").json()
        assert answer["number"].startswith(f"ZM{world.community_a.code}-")
        assert "王小明" in answer["body"] and answer["seal_use_at"]

    def test_a_forbidden_type_is_refused_citing_the_rule_and_the_department(self, world, api):
        body = {**self.create_payload(world), "cert_type": "kinship"}
        response = api(world.worker_a).post(self.list_url(), body, format="json")
        assert response.status_code == 400
        text = response.content.decode()
        assert "民发〔2020〕20号" in text and "公安机关" in text
        assert not Certificate.objects.exists()

