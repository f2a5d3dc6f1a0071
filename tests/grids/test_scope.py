"""The persona matrix for every grids route: the other district's officer finds nothing (404), the
in-scope officer works and leaves an audit row, read-only personas cannot write."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from grids import services
from grids.choices import PilotKind
from grids.models import ChecklistItem, GridProfile
from tests.factories import grids as f
from tests.scoped import API, Pages

pytestmark = pytest.mark.django_db


def png(name="photo.png"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _profile(world):
    return services.save_grid_profile(actor=None, area=f.grid(world.community_a), households=10, residents=30)


class _ProfileMaker:
    def make_object(self, world):
        return _profile(world)


class TestProfileAPI(_ProfileMaker, API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
    basename = "grids-profile"
    audit_action_prefix = "grids."

    def create_payload(self, world):
        return {"area": f.grid(world.community_a).code, "households": 100, "residents": 300}

    def update_payload(self, world, obj):
        return {"households": 12}


class TestWorkerAPI(API.ReadOnly):
    basename = "grids-worker"

    def make_object(self, world):
        return f.worker(world.community_a)


class TestQuotaAPI(API.ReadOnly):
    basename = "grids-quota"

    def make_object(self, world):
        return services.set_post_quota(actor=None, area=f.community(world), year=2020, approved=3)


class TestPilotAPI(API.ReadOnly):
    basename = "grids-pilot"

    def make_object(self, world):
        return services.add_pilot(actor=None, area=f.community(world), year=2020, kind=PilotKind.GENERALIST)


def _visit(world):
    plan = f.plan(f.grid(world.community_a))
    start = timezone.now() - datetime.timedelta(hours=2)
    return services.record_visit(actor=None, plan=plan, started_at=start, ended_at=start + datetime.timedelta(hours=1),
                                 answers=dict.fromkeys(plan.items.values_list("code", flat=True), "ok"), photo=png())


class TestVisitAPI(API.ReadOnly):
    basename = "grids-visit"

    def make_object(self, world):
        return _visit(world)


class _IncidentMaker:
    def make_object(self, world):
        return f.incident(world.grid_a)


class TestIncidentAPI(_IncidentMaker, API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    basename = "grids-incident"
    audit_action_prefix = "grids."

    def create_payload(self, world):
        return {"area": world.grid_a.code, "source": "resident", "category": "garbage", "description": "垃圾"}

    def test_a_refused_step_is_409_with_the_reason(self, world, api):
        incident = self.make_object(world)
        response = api(world.officer_a).post(reverse("api:grids-incident-close", args=[incident.pk]), {},
                                             format="json")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "transition_refused"


def _transition(name, payload=None, prepare=None):
    class T(_IncidentMaker, API.Transition):
        basename = "grids-incident"
        transition = name
        audit_action_prefix = "grids."

        def make_object(self, world):
            if name == "duplicate":
                self.original_ref = f.incident(world.grid_a).ref
            incident = f.incident(world.grid_a)
            for step in prepare or []:
                step(incident)
            return incident

        def transition_payload(self, world, obj):
            if name == "duplicate":
                return {"of": self.original_ref}
            return payload or {}
    return T


def _start(i):
    services.start_incident(actor=None, incident=i)


def _resolve(i):
    services.resolve_incident(actor=None, incident=i, note="done")


def _verify(i):
    services.verify_incident(actor=None, incident=i)


def _close(i):
    services.close_incident(actor=None, incident=i)


TestStart = _transition("start")
TestResolve = _transition("resolve", {"note": "已处置"}, [_start])
TestVerify = _transition("verify", {}, [_start, _resolve])
TestClose = _transition("close", {"satisfaction": 5}, [_start, _resolve, _verify])
TestNotResponsible = _transition("not-responsible", {"reason": "不属本单位"})
TestDuplicate = _transition("duplicate")
TestUnable = _transition("unable", {"reason": "无法处置"})
TestReopen = _transition("reopen", {"reason": "投诉"}, [_start, _resolve, _verify, _close])


# --- pages ------------------------------------------------------------------------------------------
class TestProfilePages(_ProfileMaker, Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "grids:profile-list"
    detail_url_name = "grids:profile-detail"

    def row_text(self, obj):
        return obj.area.code


class TestWorkerPages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "grids:worker-list"
    detail_url_name = "grids:worker-detail"

    def make_object(self, world):
        return f.worker(world.community_a)


class TestQuotaPages(Pages.List, Pages.Export):
    list_url_name = "grids:quota-list"

    def make_object(self, world):
        return services.set_post_quota(actor=None, area=f.community(world), year=2020, approved=3)

    def row_text(self, obj):
        return obj.area.name


class TestIncidentPages(_IncidentMaker, Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "grids:incident-list"
    detail_url_name = "grids:incident-detail"


class TestIncidentActionPage(_IncidentMaker, Pages.Action):
    action_url_name = "grids:incident-action"

    def action_args(self, obj):
        return [obj.pk, "start"]

    def test_a_refusal_is_shown_beside_the_kept_input(self, world, web):
        incident = self.make_object(world)
        response = web(world.officer_a).post(reverse("grids:incident-action", args=[incident.pk, "unable"]),
                                             {"unable-reason": "  "})
        assert response.status_code == 400
        response = web(world.officer_a).post(reverse("grids:incident-action", args=[incident.pk, "close"]),
                                             {"close-note": "保留的说明"})
        assert response.status_code == 409
        assert "保留的说明" in response.content.decode()


class TestIncidentPhoto(Pages.Action):
    action_url_name = "grids:incident-photo"
    action_method = "get"

    def make_object(self, world):
        return f.incident(world.grid_a, photo=png())


class TestVisitPhoto(Pages.Action):
    action_url_name = "grids:visit-photo"
    action_method = "get"

    def make_object(self, world):
        return _visit(world)


class TestVisitPages(Pages.Detail):
    detail_url_name = "grids:visit-detail"

    def make_object(self, world):
        return _visit(world)

    def entry_request(self, world, client):
        return client.get(reverse(self.detail_url_name, args=[_visit(world).pk]))


class TestVisitForm(Pages.Action):
    """The phone form of a patrol: the camera input, and a finding that becomes a routed incident."""

    action_url_name = "grids:visit-create"
    action_method = "get"
    writes = False

    def make_object(self, world):
        return f.plan(world.grid_a)

    def test_the_photo_field_opens_the_camera(self, world, web):
        plan = self.make_object(world)
        page = web(world.officer_a).get(reverse("grids:visit-create", args=[plan.pk])).content.decode()
        assert 'accept="image/*"' in page and 'capture="environment"' in page

    def test_a_patrol_with_a_photo_and_a_finding_opens_a_routed_incident(self, world, web):
        plan = self.make_object(world)
        now = timezone.localtime().replace(second=0, microsecond=0)
        data = {"started_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "ended_at": now.strftime("%Y-%m-%dT%H:%M"), "item_safety": "ok", "item_fire": "issue",
                "finding_category": f.category("fire_exit").pk, "finding_description": "消防通道堆放杂物",
                "photo": png()}
        response = web(world.worker_a).post(reverse("grids:visit-create", args=[plan.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        visit = plan.visits.get()
        assert visit.photo and visit.answers == {"safety": "ok", "fire": "issue"}
        assert visit.incidents.get().state == "routed"

    def test_a_forged_file_is_refused_with_the_input_kept(self, world, web):
        plan = self.make_object(world)
        now = timezone.localtime().replace(second=0, microsecond=0)
        data = {"started_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "ended_at": now.strftime("%Y-%m-%dT%H:%M"), "item_safety": "ok", "item_fire": "ok",
                "notes": "保留", "photo": SimpleUploadedFile("x.png", b"<script>", content_type="image/png")}
        response = web(world.worker_a).post(reverse("grids:visit-create", args=[plan.pk]), data)
        assert response.status_code == 400 and "保留" in response.content.decode()
        assert not plan.visits.exists()


class TestIncidentCreate:
    covers_routes = ["grids:incident-create"]

    def test_in_scope_files_and_out_of_scope_cannot_choose_the_grid(self, world, web):
        data = {"area": world.grid_a.pk, "category": f.category("garbage").pk, "source": "resident",
                "priority": "normal", "description": "垃圾"}
        before = AuditEvent.objects.count()
        assert web(world.officer_b).post(reverse("grids:incident-create"), data).status_code == 400
        assert AuditEvent.objects.count() == before
        response = web(world.officer_a).post(reverse("grids:incident-create"), data)
        assert response.status_code == 302
        assert web(world.outsider).get(reverse("grids:incident-create")).status_code == 403


class TestPublicBoard:
    def test_the_board_shows_the_service_phone_never_the_personal_phone(self, world, client):
        worker = f.worker(world.community_a)
        services.save_grid_profile(actor=None, area=world.grid_a, contact_name=str(worker),
                                   service_phone="0552-3012345", complaints_phone="0552-12345", published=True)
        page = client.get(reverse("grids:public-board", args=[world.community_a.code])).content.decode()
        assert "0552-3012345" in page and "0552-12345" in page and str(worker) in page
        assert "13900000000" not in page
        assert GridProfile.objects.get(area=world.grid_a).published
        assert ChecklistItem.objects.exists()
