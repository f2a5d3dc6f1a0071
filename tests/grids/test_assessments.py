"""The register of assessments of communities (issue 13, 社区减负增效): recorded once, a department's own
assessment cites an approval or is refused by the community in one step with its reason, the persona
matrix of every page and endpoint (tests/scoped.py), and the indicator of own and refused assessments."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.exceptions import OutOfScope, TransitionRefused
from core.models import AuditEvent
from core.workdays import add_working_days
from grids import assessment_services as services
from grids import services as grid_services
from grids.assessments import AssessmentState, CommunityAssessment
from reports.engine import compute
from reports.periods import Period
from reports.registry import REGISTRY
from tests.grids.personas import CommunityDesk
from tests.scoped import API, Pages

pytestmark = pytest.mark.django_db


def _record(world, area=None, actor=None, **kw):
    values = {"department": "区城管局", "kind": "inspection", "title": "门前三包检查", "period": "2026",
              "held_on": datetime.date(2026, 5, 6), "unified": True, **kw}
    return services.record_assessment(actor=actor, area=area or world.community_a, **values)


def _admitted(world, admit=True):
    req = grid_services.apply_for_admission(actor=None, area=world.district_a, department="区卫健委",
                                            title="健康社区评比", legal_basis="某法",
                                            starts_on=add_working_days(timezone.localdate(), 31))
    return grid_services.decide_admission(actor=None, admission=req, admit=admit, note="经工作组审核")


def _values(code, *areas):
    by_area = {v.area_id: v for v in compute([REGISTRY[code]], Period.parse("2026")).values}
    return [by_area[a.pk] for a in areas]


# --- rules -----------------------------------------------------------------------------------------------
def test_a_worker_records_an_assessment_of_their_community_and_not_of_another(world):
    made = _record(world, actor=world.worker_a)
    assert made.state == AssessmentState.RECORDED and made.approved
    assert AuditEvent.objects.filter(actor=world.worker_a, action="grids.assessment.record",
                                     target_id=str(made.pk)).exists()
    with pytest.raises(OutOfScope):
        _record(world, area=world.community_b, actor=world.worker_a)
    assert not CommunityAssessment.objects.filter(area=world.community_b).exists()


def test_the_same_department_kind_period_and_community_is_recorded_once(world):
    _record(world, actor=world.worker_a)
    with pytest.raises(ValidationError) as twice:
        _record(world, actor=world.officer_a, department=" 区城管局 ", title="再查一次")
    assert "period" in twice.value.message_dict and "只登记一次" in " ".join(twice.value.message_dict["period"])
    # A street-wide record covers its communities, and the community's own record blocks the street's.
    with pytest.raises(ValidationError):
        _record(world, area=world.street_a, actor=world.officer_a)
    # Another period, kind or department is another assessment.
    assert _record(world, actor=world.worker_a, period="2027").pk
    assert _record(world, actor=world.worker_a, kind="ranking").pk
    assert _record(world, actor=world.worker_a, department="区民政局").pk
    assert CommunityAssessment.objects.count() == 4


def test_a_departments_own_assessment_without_approval_is_refused_by_the_community_in_one_step(world):
    own = _record(world, actor=world.officer_a, unified=False, kind="ranking", title="文明社区评比")
    assert own.state == AssessmentState.UNAPPROVED and not own.approved
    refused = services.refuse_assessment(actor=world.worker_a, assessment=own)
    assert refused.state == AssessmentState.REFUSED and "各职能部门" in refused.reason
    assert refused.decided_on == timezone.localdate()
    assert AuditEvent.objects.filter(actor=world.worker_a, action="grids.assessment.refuse").exists()
    with pytest.raises(TransitionRefused):
        services.refuse_assessment(actor=world.worker_a, assessment=refused)
    # It stays on the register: recorded once, even refused.
    with pytest.raises(ValidationError):
        _record(world, actor=world.officer_a, unified=False, kind="ranking")


def test_an_assessment_citing_an_admitted_request_is_recorded_and_not_refused(world):
    approved = _record(world, actor=world.officer_a, unified=False, department="区卫健委", admission=_admitted(world))
    assert approved.state == AssessmentState.RECORDED
    with pytest.raises(TransitionRefused):
        services.refuse_assessment(actor=world.worker_a, assessment=approved)
    rejected = _record(world, actor=world.officer_a, unified=False, kind="ranking", department="区卫健委",
                       admission=_admitted(world, admit=False))
    assert rejected.state == AssessmentState.UNAPPROVED
    with pytest.raises(ValidationError) as far:
        _record(world, area=world.community_b, unified=False, department="区卫健委", admission=_admitted(world))
    assert "admission" in far.value.message_dict


def test_only_communities_streets_and_districts_are_assessed(world):
    with pytest.raises(ValidationError) as grid:
        _record(world, area=world.grid_a)
    assert "area" in grid.value.message_dict


def test_the_indicator_counts_own_assessments_and_refusals_per_area_and_year(world):
    _record(world)  # unified: not counted
    own = _record(world, unified=False, kind="ranking")
    _record(world, area=world.street_a, unified=False, kind="assessment")
    services.refuse_assessment(actor=None, assessment=own)
    _record(world, area=world.community_b, unified=False, held_on=datetime.date(2025, 5, 6))  # another year
    assert [v.value for v in _values("grids.assessments_own", world.community_a, world.street_a, world.district_a,
                                     world.community_b)] == [1, 2, 2, 0]
    assert [v.value for v in _values("grids.assessments_refused", world.community_a, world.district_a)] == [1, 1]


# --- the persona matrix ------------------------------------------------------------------------------------
class _Assessment(CommunityDesk):
    audit_action_prefix = "grids.assessment."

    def make_object(self, world):
        n = CommunityAssessment.objects.count()
        return _record(world, unified=False, title=f"文明社区评比{n}", period=f"2026-{n}")


class TestAssessmentPages(_Assessment, Pages.List, Pages.Export):
    list_url_name = "grids:assessment-list"

    def row_text(self, obj):
        return obj.title


class TestAssessmentRefusePage(_Assessment, Pages.Action):
    action_url_name = "grids:assessment-refuse"

    def action_payload(self, world, obj):
        return {"reason": "未经准入的评比，社区不予配合"}

    def test_the_reason_is_recorded_and_an_approved_one_is_refused_beside_the_kept_input(self, world, web):
        own = self.make_object(world)
        client = web(world.worker_a)
        assert client.get(reverse(self.action_url_name, args=[own.pk])).status_code == 200
        client.post(reverse(self.action_url_name, args=[own.pk]), {"reason": "未经准入"})
        assert CommunityAssessment.objects.get(pk=own.pk).reason == "未经准入"
        unified = _record(world, kind="assessment")
        page = client.post(reverse(self.action_url_name, args=[unified.pk]), {"reason": "不配合"})
        assert page.status_code == 409
        assert "不配合" in page.content.decode()  # the input is kept beside the refusal
        assert CommunityAssessment.objects.get(pk=unified.pk).state == AssessmentState.RECORDED


class TestAssessmentCreatePage:
    covers_routes = ["grids:assessment-create"]

    def _data(self, world, **kw):
        return {"area": world.community_a.pk, "department": "区城管局", "kind": "inspection", "title": "门前三包检查",
                "period": "2026", "held_on": "2026-05-06", "unified": "on", **kw}

    def test_in_scope_recorded_out_of_scope_refused_and_twice_refused_with_a_message(self, world, web):
        url = reverse("grids:assessment-create")
        assert web().get(url).status_code == 302
        assert web(world.outsider).get(url).status_code == 403
        assert web(world.officer_b).post(url, self._data(world)).status_code == 400
        assert web(world.worker_a).get(url).status_code == 200
        assert web(world.worker_a).post(url, self._data(world)).status_code == 302
        again = web(world.officer_a).post(url, self._data(world, title="再查一次"))
        assert again.status_code == 400
        assert "再查一次" in again.content.decode()  # the input is kept beside the refusal
        assert CommunityAssessment.objects.count() == 1


class TestAssessmentAPI(_Assessment, API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    basename = "grids-assessment"
    list_filter_params = {"state": "unapproved"}

    def create_payload(self, world):
        return {"area": world.community_a.code, "department": "区民政局", "kind": "ranking", "title": "和谐社区评比",
                "period": "2026", "held_on": "2026-05-06", "unified": True}

    def test_a_duplicate_is_a_400_on_its_field_not_a_500(self, world, api):
        client = api(world.worker_a)
        assert client.post(self.list_url(), self.create_payload(world), format="json").status_code == 201
        twice = client.post(self.list_url(), self.create_payload(world), format="json")
        assert twice.status_code == 400 and "period" in twice.json()["error"]["fields"]

    def test_the_other_districts_community_is_not_a_choice(self, world, api):
        body = {**self.create_payload(world), "area": world.community_b.code}
        assert api(world.worker_a).post(self.list_url(), body, format="json").status_code in (400, 404)
        assert not CommunityAssessment.objects.exists()


class TestAssessmentRefuseAPI(_Assessment, API.Transition):
    basename = "grids-assessment"
    transition = "refuse"

    def transition_payload(self, world, obj):
        return {"reason": "未经准入"}

    def test_an_approved_assessment_is_a_409_with_the_reason(self, world, api):
        unified = _record(world, kind="assessment")
        response = api(world.worker_a).post(self.transition_url(unified), {}, format="json")
        assert response.status_code == 409 and response.json()["error"]["code"] == "transition_refused"


def test_the_assessment_pages_read_in_chinese(world):
    from tests.test_pages_language import _zh, english_in

    own = _record(world, unified=False, kind="ranking", title="文明社区评比")
    _record(world, kind="inspection", title="门前三包检查")
    client = _zh(world.worker_a)
    allowed = {world.worker_a.username}
    for url in (reverse("grids:assessment-list"), reverse("grids:assessment-create"),
                reverse("grids:assessment-refuse", args=[own.pk])):
        page = client.get(url)
        assert page.status_code == 200
        assert not english_in(page.content.decode(), allowed), (url, english_in(page.content.decode(), allowed))
    listed = client.get(reverse("grids:assessment-list")).content.decode()
    assert "社区考核评比" in listed and "未经准入" in listed  # the state, in Chinese
    refused = client.post(reverse("grids:assessment-refuse", args=[_record(world, kind="assessment").pk]), {})
    assert refused.status_code == 409 and "不得拒绝" in refused.content.decode()


def test_the_demo_records_the_four_kinds_of_fate_once(world):
    from grids import demo

    assert demo._assessments() == 4
    states = sorted(CommunityAssessment.objects.values_list("state", flat=True))
    assert states == ["recorded", "recorded", "refused", "unapproved"]
    with pytest.raises(ValidationError):
        demo._assessments()  # run twice, the register refuses the repeat


@pytest.mark.e2e
def test_the_assessment_pages_fit_a_390_px_phone(world):
    """The list (with a long reason), the form and the refusal step at 390 × 844 in Chromium, as
    tests/test_pages_mobile.py shows every page (pagewalk has no assessment to open the step with)."""
    import os

    from tests.test_pages_language import _zh
    from tests.test_pages_mobile import CHROMIUM, _widths

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    own = _record(world, unified=False, kind="ranking", title="文明社区评比（区文化和旅游局单独组织，涵盖全部居民小区）")
    refused = _record(world, unified=False, kind="inspection")
    services.refuse_assessment(actor=None, assessment=refused, reason="未经准入，" * 30)
    client = _zh(world.worker_a)
    pages = {}
    for name, url in (("list", reverse("grids:assessment-list")), ("create", reverse("grids:assessment-create")),
                      ("refuse", reverse("grids:assessment-refuse", args=[own.pk]))):
        page = client.get(url)
        assert page.status_code == 200
        pages[url] = (name, page.content)
    assert not _widths(pages)


def test_an_approval_is_the_same_departments(world):
    with pytest.raises(ValidationError) as other:
        _record(world, unified=False, department="区城管局", admission=_admitted(world))  # 区卫健委's request
    assert "admission" in other.value.message_dict
    assert _record(world, unified=False, department="区卫健委", admission=_admitted(world)).approved


def test_an_own_assessment_without_approval_is_raised_above_the_community_until_refused(world):
    from core import supervision
    from core.models import Finding

    rule = "grids.assessment_unapproved"
    own = _record(world, unified=False, kind="ranking")
    _record(world, kind="inspection")  # unified: never raised
    supervision.run_all(today=datetime.date(2026, 6, 1), only=[rule])
    supervision.run_all(today=datetime.date(2026, 6, 1), only=[rule])
    raised = Finding.objects.filter(rule=rule, status="open")
    assert list(raised.values_list("target_id", "area")) == [(str(own.pk), world.street_a.pk)]
    services.refuse_assessment(actor=world.worker_a, assessment=own)
    supervision.run_all(today=datetime.date(2026, 6, 2), only=[rule])
    assert not Finding.objects.filter(rule=rule, status="open").exists()
