"""公益创投 projects: an application (a registered organisation, or an unregistered community
organisation through its registered host), the panel's score, the grant within the round's cap and
budget, tranches paid only after the evaluations that release them, mid-term and final grades."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.exceptions import TransitionRefused
from social_orgs import services
from social_orgs.models import VentureApplication
from tests.factories.social_orgs import organisation
from tests.scoped import Pages

pytestmark = pytest.mark.django_db
D = datetime.date


def _round(area, budget=300000, cap=60000):
    return services.open_venture_round(actor=None, area=area, year=2020, title="智汇珠城 牵手公益",
                                       budget=Decimal(budget), max_grant=Decimal(cap))


def _application(world, area=None, **kwargs):
    area = area or world.district_a
    rnd = kwargs.pop("venture_round", None) or _round(area)
    org = kwargs.pop("organisation", None) or organisation(area)
    return services.apply_for_venture(actor=None, venture_round=rnd, title=kwargs.pop("title", "邻里守望"),
                                      requested=Decimal(kwargs.pop("requested", 50000)), applied_on=D(2020, 4, 1),
                                      organisation=org, **kwargs)


def _granted(world, amount=50000):
    app = _application(world)
    services.review_application(actor=None, application=app, score=85, panel="市公益创投评审委员会")
    return services.decide_application(actor=None, application=app, approve=True, on=D(2020, 6, 30),
                                       amount=Decimal(amount))


class TestVenturePages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "social_orgs:venture-list"
    detail_url_name = "social_orgs:venture-detail"

    def make_object(self, world):
        return _application(world, title=f"项目{VentureApplication.objects.count()}")

    def row_text(self, obj):
        return obj.title


class TestVentureCreatePage(Pages.Action):
    action_url_name = "social_orgs:venture-create"
    in_scope_status = (302,)

    def make_object(self, world):
        return _round(world.district_a), organisation(world.district_a)

    def action_args(self, obj):
        return []

    def action_payload(self, world, obj):
        return {"venture_round": obj[0].pk, "title": "社区老年食堂", "organisation": obj[1].pk,
                "requested": "40000", "applied_on": "2020-04-01"}

    def test_out_of_scope_user_gets_404_and_nothing_is_written(self, world, web):
        """The other district's officer does not see district A's round or organisation: refused, nothing written."""
        obj = self.make_object(world)
        response = self._do(world, web(world.officer_b), obj)
        assert response.status_code == 400 and not VentureApplication.objects.exists()


class TestVentureStep(Pages.Action):
    action_url_name = "social_orgs:venture-step"
    in_scope_status = (302,)

    def make_object(self, world):
        return _application(world)

    def action_args(self, obj):
        return [obj.pk, "review"]

    def action_payload(self, world, obj):
        return {"score": "82", "panel": "区评审委员会"}


def test_an_unregistered_community_organisation_applies_through_a_registered_host(world):
    rnd, host = _round(world.district_a), organisation(world.district_a)
    app = services.apply_for_venture(actor=world.officer_a, venture_round=rnd, title="楼道文化", requested=20000,
                                     applied_on=D(2020, 4, 1), applicant_name="幸福里读书会", host=host)
    assert app.applicant == "幸福里读书会" and app.host == host
    with pytest.raises(ValidationError, match="Name the unregistered community organisation"):
        services.apply_for_venture(actor=None, venture_round=rnd, title="x", requested=1000, applied_on=D(2020, 4, 1),
                                   host=host)
    with pytest.raises(ValidationError, match="applies itself, without a host"):
        services.apply_for_venture(actor=None, venture_round=rnd, title="x", requested=1000, applied_on=D(2020, 4, 1),
                                   organisation=organisation(world.district_a), host=host)


def test_an_application_above_the_cap_or_by_an_unregistered_or_seriously_listed_org_is_refused(world):
    rnd = _round(world.district_a, cap=60000)
    with pytest.raises(ValidationError, match="at most 60000"):
        _application(world, venture_round=rnd, requested=60001)
    pending = organisation(world.district_a, status="name_approved")
    with pytest.raises(ValidationError, match="not a registered organisation"):
        _application(world, venture_round=rnd, organisation=pending)
    listed = organisation(world.district_a)
    services.record_penalty(actor=None, org=listed, kind="fine", decided_on=D(2020, 3, 1), reference="蚌民罚〔2020〕1号",
                            amount=Decimal(60000))
    with pytest.raises(TransitionRefused, match="serious list"):
        _application(world, venture_round=rnd, organisation=listed)


def test_a_grant_needs_a_score_at_the_round_pass_mark_and_a_refusal_needs_a_reason(world):
    app = _application(world)
    with pytest.raises(TransitionRefused, match="not been reviewed"):
        services.decide_application(actor=None, application=app, approve=True, on=D(2020, 6, 30))
    with pytest.raises(ValidationError, match="between 0 and 100"):
        services.review_application(actor=None, application=app, score=101, panel="评审会")
    services.review_application(actor=None, application=app, score=59, panel="评审会")
    with pytest.raises(TransitionRefused, match="below the round's 60"):
        services.decide_application(actor=None, application=app, approve=True, on=D(2020, 6, 30))
    with pytest.raises(ValidationError, match="Say why"):
        services.decide_application(actor=None, application=app, approve=False, on=D(2020, 6, 30))
    app = services.decide_application(actor=None, application=app, approve=False, on=D(2020, 6, 30), note="评分未达线")
    assert app.status == "rejected" and app.grant is None


def test_a_granted_project_is_a_venture_grant_counted_against_the_round_budget(world):
    app = _granted(world, 45000)
    assert app.status == "approved" and app.grant.amount == Decimal(45000) and app.grant.kind == "venture"
    assert app.grant.venture_round == app.venture_round and app.grant.organisation == app.organisation
    with pytest.raises(ValidationError, match="at most the amount requested"):
        other = _application(world, venture_round=app.venture_round, requested=10000)
        services.review_application(actor=None, application=other, score=90, panel="评审会")
        services.decide_application(actor=None, application=other, approve=True, on=D(2020, 7, 1), amount=20000)


def test_tranches_wait_for_the_evaluations_and_a_failed_grade_stops_them(world):
    app = _granted(world, 50000)
    services.pay_tranche(actor=None, application=app, amount=Decimal(25000), paid_on=D(2020, 7, 10))
    with pytest.raises(TransitionRefused, match="after the mid-term evaluation"):
        services.pay_tranche(actor=None, application=app, amount=Decimal(15000), paid_on=D(2020, 10, 10))
    with pytest.raises(TransitionRefused, match="follows the mid-term"):
        services.grade_project(actor=None, application=app, stage="final", grade="good")
    services.grade_project(actor=None, application=app, stage="midterm", grade="good")
    services.pay_tranche(actor=None, application=app, amount=Decimal(15000), paid_on=D(2020, 10, 10))
    with pytest.raises(ValidationError, match="Only 10000.00 yuan"):
        services.pay_tranche(actor=None, application=app, amount=Decimal(10001), paid_on=D(2021, 1, 10))
    with pytest.raises(TransitionRefused, match="after the final evaluation"):
        services.pay_tranche(actor=None, application=app, amount=Decimal(10000), paid_on=D(2021, 1, 10))
    with pytest.raises(ValidationError, match="reasons for a failed grade"):
        services.grade_project(actor=None, application=app, stage="final", grade="fail")
    services.grade_project(actor=None, application=app, stage="final", grade="fail", note="服务人次未达标")
    with pytest.raises(TransitionRefused, match="no further tranche"):
        services.pay_tranche(actor=None, application=app, amount=Decimal(5000), paid_on=D(2021, 1, 10))
    assert [t.number for t in app.tranches.all()] == [1, 2]


def test_the_project_page_refuses_a_tranche_beside_the_kept_amount(world, web):
    app = _granted(world, 50000)
    response = web(world.officer_a).post(reverse("social_orgs:venture-step", args=[app.pk, "tranche"]), {
        "amount": "60000", "paid_on": "2020-07-10"})
    page = response.content.decode()
    assert response.status_code == 400 and 'value="60000"' in page and "50000.00" in page
    assert not app.tranches.exists()
    assert web(world.officer_a).post(reverse("social_orgs:venture-step", args=[app.pk, "nonsense"]), {}).status_code == 404


def test_the_project_list_filters_by_status(world, web):
    granted = _granted(world)
    waiting = _application(world, title="未评审项目")
    page = web(world.officer_a).get(reverse("social_orgs:venture-list"), {"status": "applied"}).content.decode()
    assert waiting.title in page and granted.title not in page
