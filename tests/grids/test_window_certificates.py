"""One window, burden reduction and certificates: the rules with bad input, and the persona matrix of
every new route (tests/scoped.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.exceptions import TransitionRefused
from core.models import AuditEvent
from core.workdays import add_working_days
from grids import services
from grids.choices import TaskState, WindowState
from grids.models import SealUse
from tests.factories import grids as f
from tests.grids.personas import CommunityDesk
from tests.scoped import Pages

pytestmark = pytest.mark.django_db


# --- rules -----------------------------------------------------------------------------------------------
def test_a_request_closed_on_the_spot_is_closed_the_same_day_and_the_resident_told(world):
    req = f.window_request(world.community_a, on_the_spot=True, actor=world.worker_a, item_code="dibao_consult")
    assert req.state == WindowState.CLOSED and req.same_day and req.notified_at


def test_a_back_office_request_runs_to_the_resident_being_told(world):
    req = f.window_request(world.community_a, actor=world.worker_a)
    assert req.state == WindowState.BACK_OFFICE
    assert req.target_date == add_working_days(timezone.localdate(), 10)
    with pytest.raises(TransitionRefused):
        services.notify_resident(actor=world.worker_a, window_request=req, channel="phone")
    with pytest.raises(ValidationError):
        services.complete_window_request(actor=world.worker_a, window_request=req, result=" ")
    services.complete_window_request(actor=world.worker_a, window_request=req, result="已发放")
    req = services.notify_resident(actor=world.worker_a, window_request=req, channel="phone")
    assert req.state == WindowState.CLOSED and req.notify_channel == "phone"


def test_a_target_date_beyond_the_items_time_limit_is_refused_naming_the_limit(world):
    late = add_working_days(timezone.localdate(), 11)
    with pytest.raises(ValidationError) as exc:
        f.window_request(world.community_a, target_date=late)
    assert "10" in exc.value.message_dict["target_date"][0]
    with pytest.raises(ValidationError) as exc:
        f.window_request(world.community_a, on_the_spot=True, result="")
    assert "result" in exc.value.message_dict
    with pytest.raises(ValidationError):
        f.window_request(world.grid_a)


def test_a_forbidden_certificate_is_refused_citing_the_rule_and_naming_the_department(world):
    with pytest.raises(ValidationError) as exc:
        f.certificate(world.community_a, code="no_crime", actor=world.worker_a)
    message = exc.value.message_dict["cert_type"][0]
    assert "民发〔2020〕20号" in message and "公安机关" in message
    assert not SealUse.objects.exists()


def test_an_issued_certificate_has_a_number_text_and_a_seal_use_entry(world):
    cert = f.certificate(world.community_a, actor=world.worker_a)
    assert cert.number.startswith(f"ZM{world.community_a.code}-")
    assert "王小明" in cert.body and "子女入学" in cert.body
    assert cert.seal_use.used_by == world.worker_a and cert.number in cert.seal_use.purpose



def test_issuing_a_certificate_audits_the_certificate_and_its_seal_use(world):
    cert = f.certificate(world.community_a, actor=world.worker_a)
    issued = AuditEvent.objects.get(action="grids.certificate.issue", target_id=str(cert.pk))
    assert issued.actor == world.worker_a and issued.changes["number"] == [None, cert.number]
    seal = AuditEvent.objects.get(action="grids.seal.use", target_id=str(cert.seal_use.pk))
    assert seal.actor == world.worker_a and seal.changes["certificate"] == [None, cert.pk]

def test_a_task_without_a_listed_item_cannot_be_accepted_and_is_refused_in_one_step(world):
    task = f.task(world.community_a, listed=False, actor=world.officer_a)
    with pytest.raises(TransitionRefused) as exc:
        services.accept_task(actor=world.worker_a, task=task)
    assert "依法履职" in str(exc.value.reason)
    refused = services.refuse_task(actor=world.worker_a, task=task)
    assert refused.state == TaskState.REFUSED and "依法履职" in refused.reason
    listed = f.task(world.community_a, actor=world.officer_a)
    with pytest.raises(TransitionRefused):
        services.refuse_task(actor=world.worker_a, task=listed)
    assert services.accept_task(actor=world.worker_a, task=listed).state == TaskState.ACCEPTED


def test_an_admission_request_is_made_30_working_days_ahead_and_an_admitted_one_lists_the_task(world):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.apply_for_admission(actor=world.officer_a, area=world.district_a, department="区城管局",
                                     title="垃圾分类督导", legal_basis="《固体废物污染环境防治法》",
                                     starts_on=today + datetime.timedelta(days=10))
    assert "starts_on" in exc.value.message_dict
    req = services.apply_for_admission(actor=world.officer_a, area=world.district_a, department="区城管局",
                                       title="垃圾分类督导", legal_basis="《固体废物污染环境防治法》",
                                       starts_on=add_working_days(today, 30))
    assert req.decide_by == add_working_days(today, 15)
    task = services.push_task(actor=world.officer_a, area=world.community_a, department="区城管局",
                              title="垃圾分类督导", admission=req)
    with pytest.raises(TransitionRefused):
        services.accept_task(actor=world.worker_a, task=task)
    services.decide_admission(actor=world.officer_a, admission=req, admit=True, note="经工作组审核")
    assert services.accept_task(actor=world.worker_a, task=task).state == TaskState.ACCEPTED


def test_a_redivision_that_would_orphan_a_grids_records_is_refused(world):
    from core import services as core_services

    f.incident(world.grid_a)
    with pytest.raises(ValidationError):  # the grid retired with no successor: its incidents would be orphans
        core_services.redivide_areas(actor=None, retire=[world.grid_a.code], create=[],
                                     on=datetime.date(2021, 1, 1), reason="网格调整")


# --- pages: persona matrix --------------------------------------------------------------------------------


class _Window(CommunityDesk):
    def make_object(self, world):
        return f.window_request(world.community_a)


class TestWindowPages(_Window, Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "grids:window-list"
    detail_url_name = "grids:window-detail"


class TestWindowCreate(_Window, Pages.Action):
    action_url_name = "grids:window-create"

    def action_args(self, obj):
        return []

    def action_payload(self, world, obj):
        return {"area": world.community_a.pk, "item": f.service_item().pk, "resident_name": "张三",
                "request": "咨询", "back_office": "街道民政办"}

    def test_out_of_scope_user_gets_404_and_nothing_is_written(self, world, web):
        # A create page has no record to hide: the other district's community is not a choice (400).
        response = web(world.officer_b).post(reverse(self.action_url_name), self.action_payload(world, None))
        assert response.status_code in (400, 403)

    def test_a_refusal_keeps_the_input_beside_the_reason(self, world, web):
        late = add_working_days(timezone.localdate(), 30).isoformat()
        data = {**self.action_payload(world, None), "target_date": late, "request": "保留的诉求"}
        response = web(world.worker_a).post(reverse(self.action_url_name), data)
        assert response.status_code == 400 and "保留的诉求" in response.content.decode()


class TestWindowStep(_Window, Pages.Action):
    action_url_name = "grids:window-step"

    def action_args(self, obj):
        return [obj.pk, "complete"]

    def action_payload(self, world, obj):
        return {"complete-result": "已办结"}


class _Task(CommunityDesk):
    def make_object(self, world):
        return f.task(world.community_a, listed=False)


class TestTaskPages(_Task, Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "grids:task-list"
    detail_url_name = "grids:task-detail"

    def row_text(self, obj):
        return obj.title


class TestTaskStep(_Task, Pages.Action):
    action_url_name = "grids:task-step"

    def action_args(self, obj):
        return [obj.pk, "refuse"]


class TestTaskCreate:
    covers_routes = ["grids:task-create", "grids:admission-create", "grids:admission-step", "grids:window-create"]

    def test_officers_record_tasks_and_admissions_within_their_district_only(self, world, web):
        data = {"area": world.community_a.pk, "department": "区统计局", "title": "抽样调查"}
        assert web(world.officer_b).post(reverse("grids:task-create"), data).status_code == 400
        assert web(world.officer_a).post(reverse("grids:task-create"), data).status_code == 302
        assert web(world.worker_a).get(reverse("grids:task-create")).status_code == 403
        starts = add_working_days(timezone.localdate(), 31).isoformat()
        data = {"area": world.district_a.pk, "department": "区城管局", "title": "督导", "legal_basis": "某法",
                "starts_on": starts}
        assert web(world.officer_b).post(reverse("grids:admission-create"), data).status_code == 400
        assert web(world.officer_a).post(reverse("grids:admission-create"), data).status_code == 302
        req = world.district_a.admission_requests.get()
        url = reverse("grids:admission-step", args=[req.pk, "decide"])
        assert web(world.officer_b).post(url, {"decide-admit": "1", "decide-note": "同意"}).status_code == 404
        assert web(world.officer_a).post(url, {"decide-admit": "1", "decide-note": "同意"}).status_code == 302


class TestAdmissionPages(Pages.List, Pages.Export):
    list_url_name = "grids:admission-list"

    def make_object(self, world):
        return services.apply_for_admission(actor=None, area=world.district_a, department="区城管局", title="督导",
                                            legal_basis="某法", starts_on=add_working_days(timezone.localdate(), 31))

    def row_text(self, obj):
        return obj.title


class _Cert(CommunityDesk):
    def make_object(self, world):
        return f.certificate(world.community_a)


class TestCertificatePages(_Cert, Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "grids:certificate-list"
    detail_url_name = "grids:certificate-detail"


class TestCertificatePdf(_Cert, Pages.Action):
    action_url_name = "grids:certificate-pdf"
    action_method = "get"

    def test_the_pdf_has_the_chinese_text_and_the_seal_placeholder(self, world):
        from grids.certificates import render_pdf

        raw = render_pdf(self.make_object(world), uncompressed=True)
        assert raw.startswith(b"%PDF-") and b"NotoSansCJK" in raw.replace(b"-", b"")


class TestCertificateCreate(_Cert, Pages.Action):
    action_url_name = "grids:certificate-create"

    def action_args(self, obj):
        return []

    def action_payload(self, world, obj):
        return {"area": world.community_a.pk, "cert_type": f.cert_type().pk, "resident_name": "王五",
                "purpose": "入学"}

    def test_out_of_scope_user_gets_404_and_nothing_is_written(self, world, web):
        response = web(world.officer_b).post(reverse(self.action_url_name), self.action_payload(world, None))
        assert response.status_code in (400, 403)

    def test_a_forbidden_type_is_refused_on_the_page_naming_the_department(self, world, web):
        data = {**self.action_payload(world, None), "cert_type": f.cert_type("no_crime").pk}
        response = web(world.worker_a).post(reverse(self.action_url_name), data)
        assert response.status_code == 400 and "公安机关" in response.content.decode()


def test_the_incident_list_shows_the_on_time_counters(world, web):
    f.incident(world.grid_a)
    page = web(world.officer_a).get(reverse("grids:incident-list")).content.decode()
    assert 'data-counter="pending_on_time"' in page
