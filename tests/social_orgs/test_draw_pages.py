"""双随机一公开 on the staff pages: a plan is frozen from a phone, drawn from the published seed, each
drawn organisation's result recorded for the inspectors the draw assigned, and published."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from social_orgs import services
from social_orgs.models import Inspection, InspectionPlan
from tests.factories.social_orgs import organisation, uscc_for
from tests.scoped import Pages

pytestmark = pytest.mark.django_db
SEED = "2020-09-01 福彩3D 第2020240期 587"


def _plan(world, n=3, area=None):
    area = area or world.district_a
    for _ in range(n):
        organisation(area)
    year = 2000 + InspectionPlan.objects.count()
    return services.create_plan(actor=None, area=area, year=year, level="county", items=["年度报告", "财务管理"],
                                inspectors=[{"name": "张明"}, {"name": "李华"}, {"name": "王芳"}])


def _drawn(world):
    return services.draw_plan(actor=None, plan=_plan(world), seed=SEED)


class TestPlanPages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "social_orgs:plan-list"
    detail_url_name = "social_orgs:plan-detail"

    def make_object(self, world):
        return _plan(world, n=1)

    def row_text(self, obj):
        return f'href="{reverse("social_orgs:plan-detail", args=[obj.pk])}"'

    def test_export_is_scoped_and_audited(self, world, web):
        obj = self.make_object(world)
        theirs = web(world.officer_b).get(self.list_url(), {"export": "csv"})
        assert obj.pools_hash not in b"".join(theirs.streaming_content).decode("utf-8-sig")
        mine = web(world.officer_a).get(self.list_url(), {"export": "xlsx"})
        assert mine["Content-Type"].startswith("application/vnd.openxmlformats")
        assert AuditEvent.objects.filter(actor=world.officer_a, action="core.export").exists()


class TestPlanCreatePage(Pages.Action):
    action_url_name = "social_orgs:plan-create"
    in_scope_status = (302,)

    def make_object(self, world):
        organisation(world.district_a)
        return world.district_a

    def action_args(self, obj):
        return []

    def action_payload(self, world, obj):
        return {"area": obj.pk, "year": "2020", "level": "county", "items": "年度报告\n财务管理",
                "inspectors": "张明\n李华：" + uscc_for()}

    def test_out_of_scope_user_gets_404_and_nothing_is_written(self, world, web):
        """The other district's officer cannot choose district A: the form refuses, nothing is frozen."""
        area = self.make_object(world)
        before = AuditEvent.objects.count()
        response = self._do(world, web(world.officer_b), area)
        assert response.status_code == 400 and not InspectionPlan.objects.exists()
        assert AuditEvent.objects.count() == before


class TestPlanDrawPage(Pages.Action):
    action_url_name = "social_orgs:plan-draw"
    in_scope_status = (302,)

    def make_object(self, world):
        return _plan(world)

    def action_payload(self, world, obj):
        return {"seed": SEED}


class TestPlanResultPage(Pages.Action):
    action_url_name = "social_orgs:plan-result"
    in_scope_status = (302,)

    def make_object(self, world):
        return _drawn(world)

    def action_payload(self, world, obj):
        return {"organisation": obj.draw[0]["organisation"], "method": "on_site",
                "inspected_on": timezone.localdate().isoformat(), "findings": "财务制度不健全",
                "rectification_deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
                "published": "on"}


class TestInspectionList(Pages.List, Pages.Export):
    list_url_name = "social_orgs:inspection-list"

    def make_object(self, world):
        plan = _drawn(world)
        return services.record_draw_result(actor=None, plan=plan, organisation=plan.draw[0]["organisation"],
                                           method="written", inspected_on=timezone.localdate(), findings="无问题")

    def row_text(self, obj):
        return obj.organisation.name


def test_an_officer_freezes_a_plan_and_a_bad_conflict_code_is_refused_with_its_line(world, web):
    organisation(world.district_a)
    bad = uscc_for()[:-1] + "!"
    response = web(world.officer_a).post(reverse("social_orgs:plan-create"), {
        "area": world.district_a.pk, "year": "2020", "level": "county", "items": "年度报告",
        "inspectors": f"张明\n李华：{bad}"})
    page = response.content.decode()
    assert response.status_code == 400 and "第2行" in page and bad in page
    assert not InspectionPlan.objects.exists()
    one = web(world.officer_a).post(reverse("social_orgs:plan-create"), {
        "area": world.district_a.pk, "year": "2020", "level": "county", "items": "年度报告", "inspectors": "张明"})
    assert one.status_code == 400 and "至少需要两人" in one.content.decode()
    ok = web(world.officer_a).post(reverse("social_orgs:plan-create"), {
        "area": world.district_a.pk, "year": "2020", "level": "county", "items": "年度报告\n财务管理",
        "inspectors": "张明\n李华\n王芳"})
    plan = InspectionPlan.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("social_orgs:plan-detail", args=[plan.pk])
    assert plan.items == ["年度报告", "财务管理"] and len(plan.inspector_pool) == 3


def test_the_draw_page_draws_once_and_a_second_seed_is_refused_beside_the_form(world, web):
    plan = _plan(world)
    client = web(world.officer_a)
    assert client.post(reverse("social_orgs:plan-draw", args=[plan.pk]), {"seed": SEED}).status_code == 302
    plan.refresh_from_db()
    assert plan.seed == SEED and plan.draw
    again = client.post(reverse("social_orgs:plan-draw", args=[plan.pk]), {"seed": "another seed"})
    assert again.status_code == 409 and "不得重新抽取" in again.content.decode()
    plan.refresh_from_db()
    assert plan.seed == SEED
    page = client.get(reverse("social_orgs:plan-detail", args=[plan.pk])).content.decode()
    assert "action-result" in page and "action-draw" not in page


def test_a_result_is_refused_for_an_organisation_the_draw_did_not_select(world, web):
    plan = _drawn(world)
    outside = organisation(world.district_a)
    response = web(world.officer_a).post(reverse("social_orgs:plan-result", args=[plan.pk]), {
        "organisation": outside.pk, "method": "on_site", "inspected_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert not Inspection.objects.exists()
    with pytest.raises(ValidationError, match="本计划只检查被抽中的社会组织"):
        services.record_draw_result(actor=None, plan=plan, organisation=outside.pk, method="on_site",
                                    inspected_on=timezone.localdate())


def test_a_result_names_the_drawn_inspectors_and_is_not_recorded_twice(world):
    plan = _drawn(world)
    row = plan.draw[0]
    today = timezone.localdate()
    ins = services.record_draw_result(actor=world.officer_a, plan=plan, organisation=row["organisation"],
                                      method="on_site", inspected_on=today, findings="会费标准未公示",
                                      rectification_deadline=today + datetime.timedelta(days=30))
    assert ins.inspectors == "、".join(row["inspectors"]) and ins.kind == "random" and ins.plan == plan
    from core.exceptions import TransitionRefused

    with pytest.raises(TransitionRefused, match="recorded already"):
        services.record_draw_result(actor=world.officer_a, plan=plan, organisation=row["organisation"],
                                    method="written", inspected_on=today)


def test_a_rectification_deadline_needs_findings_and_comes_after_the_inspection(world):
    plan = _drawn(world)
    org, today = plan.draw[0]["organisation"], timezone.localdate()
    with pytest.raises(ValidationError, match="needs the findings"):
        services.record_draw_result(actor=None, plan=plan, organisation=org, method="on_site", inspected_on=today,
                                    rectification_deadline=today + datetime.timedelta(days=10))
    with pytest.raises(ValidationError, match="comes after the inspection"):
        services.record_draw_result(actor=None, plan=plan, organisation=org, method="on_site", inspected_on=today,
                                    findings="账目不清", rectification_deadline=today)
    with pytest.raises(ValidationError, match="after its draw"):
        services.record_draw_result(actor=None, plan=plan, organisation=org, method="on_site",
                                    inspected_on=today - datetime.timedelta(days=1))


def test_a_result_before_the_draw_is_refused(world):
    from core.exceptions import TransitionRefused

    plan = _plan(world)
    with pytest.raises(TransitionRefused, match="not been drawn"):
        services.record_draw_result(actor=None, plan=plan, organisation=plan.org_pool[0][0], method="on_site",
                                    inspected_on=timezone.localdate())


def test_published_results_show_on_the_public_draw_page_and_unpublished_ones_do_not(world, web):
    plan = _drawn(world)
    today = timezone.localdate()
    services.record_draw_result(actor=None, plan=plan, organisation=plan.draw[0]["organisation"], method="on_site",
                                inspected_on=today, findings="会费标准未公示",
                                rectification_deadline=today + datetime.timedelta(days=30))
    page = web().get(reverse("social_orgs:public-draw", args=[plan.pk])).content.decode()
    assert "会费标准未公示" in page and (today + datetime.timedelta(days=30)).isoformat() in page
    Inspection.objects.update(published=False)
    assert "会费标准未公示" not in web().get(reverse("social_orgs:public-draw", args=[plan.pk])).content.decode()


def test_the_plan_list_filters_by_status_and_the_staff_page_shows_the_draw_in_chinese(world, web):
    drawn, frozen = _drawn(world), _plan(world)
    client = web(world.officer_a)
    page = client.get(reverse("social_orgs:plan-list"), {"status": "frozen"}).content.decode()
    assert reverse("social_orgs:plan-detail", args=[frozen.pk]) in page
    assert reverse("social_orgs:plan-detail", args=[drawn.pk]) not in page
    from django.utils import translation

    with translation.override("zh-hans"):
        detail = client.get(reverse("social_orgs:plan-detail", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "检查人员" in detail.content.decode() or "抽查" in detail.content.decode()
