"""API of fee inspections (涉企收费检查), welfare-lottery funds (福彩公益金) and incubation (孵化基地):
the persona matrix on each endpoint, and the refusals a client would meet (the pages' services)."""

import datetime
import itertools
from decimal import Decimal

import pytest

from core.models import AuditEvent
from social_orgs import services
from social_orgs.choices import IncubationStatus
from social_orgs.models import Incubation, Inspection, LotteryFund, SupportGrant
from tests.factories.social_orgs import organisation
from tests.scoped import API

pytestmark = pytest.mark.django_db
D = datetime.date
_years = itertools.count(1990)
_n = itertools.count(1)


def association(world, area=None):
    return organisation(area or world.district_a, is_industry_association=True, name=f"龙子湖区商会{next(_n)}")


def fee_inspection(world):
    return services.record_fee_inspection(
        actor=None, org=association(world), method="on_site", inspected_on=D(2020, 9, 1), inspectors=["张明", "李华"],
        findings="强制会员参加收费培训", violation="forced_service", refund_yuan=Decimal(12000),
        rectification_deadline=D(2020, 10, 30))


def fund(world, area=None, year=None):
    return services.create_lottery_fund(actor=None, area=area or world.district_a, year=year or next(_years),
                                        amount=Decimal(400000), source_ref="蚌民〔2020〕8号")


def centre(world, area=None):
    return services.create_centre(actor=None, name=f"社会组织孵化基地{next(_n)}", area=area or world.district_a,
                                  space_sqm=600, opened_on=D(2018, 1, 1), services="场地、培训、财务代账")


def incubation(world, **kwargs):
    values = {"applicant_name": f"和平社区读书会{next(_n)}", "started_on": D(2020, 3, 1), "term_until": D(2021, 2, 28),
              "space_sqm": 20, **kwargs}
    return services.admit_to_centre(actor=None, centre=centre(world), **values)


# --- fee inspections ----------------------------------------------------------------------------------
class TestFeeInspectionAPI(API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
    basename = "social_orgs-feeinspection"
    audit_action_prefix = "social_orgs.inspection"

    def make_object(self, world):
        return fee_inspection(world)

    def create_payload(self, world):
        return {"organisation": association(world).pk, "method": "on_site", "inspected_on": "2020-09-01",
                "inspectors": ["张明", "李华"], "findings": "超标准收取会费", "violation": "dues_above",
                "refund_yuan": "3000.00", "rectification_deadline": "2020-10-31"}

    def update_payload(self, world, obj):
        return {"rectified_on": "2020-10-20", "rectification_note": "已退还会员多收会费并公示", "refund_yuan": "15000.00"}


def test_a_fee_inspection_needs_an_association_and_two_inspectors_and_records_the_refund(world, api):
    client = api(world.officer_a)
    ordinary = organisation(world.district_a)
    payload = {"organisation": ordinary.pk, "method": "written", "inspected_on": "2020-09-01",
               "inspectors": ["张明", "李华"]}
    refused = client.post("/api/v1/social-orgs/fee-inspections/", payload, format="json")
    assert refused.status_code == 400 and "organisation" in refused.json()["error"]["fields"]
    one = client.post("/api/v1/social-orgs/fee-inspections/", {**payload, "organisation": association(world).pk,
                                                               "inspectors": ["张明"]}, format="json")
    assert one.status_code == 400 and "inspectors" in one.json()["error"]["fields"]
    assert not Inspection.objects.exists()
    ins = fee_inspection(world)
    done = client.patch(f"/api/v1/social-orgs/fee-inspections/{ins.pk}/",
                        {"rectified_on": "2020-10-20", "rectification_note": "已退还", "refund_yuan": "15000"},
                        format="json")
    assert done.status_code == 200, done.content
    read = client.get(f"/api/v1/social-orgs/fee-inspections/{ins.pk}/").json()
    assert read["refund_yuan"] == "15000.00" and read["rectified_on"] == "2020-10-20"
    assert read["inspector_names"] == "张明、李华"
    no_note = client.patch(f"/api/v1/social-orgs/fee-inspections/{ins.pk}/", {"rectification_note": ""}, format="json")
    assert no_note.status_code == 400 and "rectification_note" in no_note.json()["error"]["fields"]


# --- welfare-lottery funds ----------------------------------------------------------------------------
class TestLotteryFundAPI(API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
    basename = "social_orgs-lotteryfund"
    audit_action_prefix = "social_orgs.lotteryfund"

    def make_object(self, world):
        return fund(world)

    def make_many(self, world, n):  # each with an allocation: the list reads them without a query per fund
        funds = [fund(world, year=2100 - next(_n)) for _ in range(n)]
        for f in funds:
            services.allocate_lottery_fund(actor=None, fund=f, title="社区社会组织培训", amount=Decimal(1000),
                                           granted_on=D(f.year, 5, 1), organisation=organisation(world.district_a))
        return funds

    def create_payload(self, world):
        return {"area": world.district_a.code, "year": next(_years), "amount": "400000", "source_ref": "蚌民〔2020〕8号"}

    def update_payload(self, world, obj):
        return {"amount": "450000", "note": "追加"}


class TestLotteryAllocationAPI(API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    basename = "social_orgs-lotteryallocation"
    audit_action_prefix = "social_orgs.supportgrant"

    def make_object(self, world):
        f = fund(world)
        return services.allocate_lottery_fund(actor=None, fund=f, title="孵化基地运营", amount=Decimal(50000),
                                              granted_on=D(f.year, 3, 1))

    def create_payload(self, world):
        f = fund(world, year=2020)
        return {"fund": f.pk, "title": "社区社会组织培训", "amount": "80000", "granted_on": "2020-05-06",
                "organisation": organisation(world.district_a).pk}


def test_an_allocation_beyond_what_is_left_or_from_another_districts_fund_is_refused_and_the_fund_shows_it(
        world, api):
    mine, theirs = fund(world, year=2020), fund(world, area=world.district_b, year=2020)
    client = api(world.officer_a)
    first = client.post("/api/v1/social-orgs/lottery-allocations/", {
        "fund": mine.pk, "title": "孵化基地运营", "amount": "350000", "granted_on": "2020-03-01"}, format="json")
    assert first.status_code == 201, first.content
    more = client.post("/api/v1/social-orgs/lottery-allocations/", {
        "fund": mine.pk, "title": "公益创投配套", "amount": "60000", "granted_on": "2020-06-01"}, format="json")
    assert more.status_code == 400 and "50000" in more.json()["error"]["fields"]["amount"][0]
    other = client.post("/api/v1/social-orgs/lottery-allocations/", {
        "fund": theirs.pk, "title": "越界", "amount": "100", "granted_on": "2020-06-01"}, format="json")
    assert other.status_code == 400 and "fund" in other.json()["error"]["fields"]
    shrink = client.patch(f"/api/v1/social-orgs/lottery-funds/{mine.pk}/", {"amount": "300000"}, format="json")
    assert shrink.status_code == 400
    read = client.get(f"/api/v1/social-orgs/lottery-funds/{mine.pk}/").json()
    assert (read["amount"], read["allocated"], read["left"]) == ("400000.00", "350000.00", "50000.00")
    assert [a["title"] for a in read["allocations"]] == ["孵化基地运营"]
    assert SupportGrant.objects.count() == 1 and LotteryFund.objects.get(pk=mine.pk).amount == 400000


# --- incubation -----------------------------------------------------------------------------------------
class TestIncubationCentreAPI(API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
    basename = "social_orgs-centre"
    audit_action_prefix = "social_orgs.incubationcentre"

    def make_object(self, world):
        return centre(world)

    def create_payload(self, world):
        return {"name": f"龙子湖区社会组织孵化基地{next(_n)}", "area": world.district_a.code, "space_sqm": 800,
                "opened_on": "2019-05-01", "services": "场地、培训"}

    def update_payload(self, world, obj):
        return {"space_sqm": 900, "services": "场地、培训、财务代账"}


class _Incubation:
    basename = "social_orgs-incubation"
    audit_action_prefix = "social_orgs.incubation."

    def make_object(self, world):
        return incubation(world)


class TestIncubationAPI(_Incubation, API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    def create_payload(self, world):
        return {"centre": centre(world).pk, "organisation": organisation(world.district_a).pk,
                "started_on": "2020-03-01", "term_until": "2021-02-28", "space_sqm": 30, "services_given": "工位"}


class TestEndIncubationAPI(_Incubation, API.Transition):
    transition = "end"

    def transition_payload(self, world, obj):
        return {"graduated": True, "ended_on": "2021-02-28", "note": "已登记为社会团体"}


def test_a_centre_gives_no_more_space_than_it_has_and_a_term_ends_once(world, api):
    client = api(world.officer_a)
    c = centre(world)
    payload = {"centre": c.pk, "applicant_name": "和平社区读书会", "started_on": "2020-03-01",
               "term_until": "2021-02-28", "space_sqm": 700}
    refused = client.post("/api/v1/social-orgs/incubations/", payload, format="json")
    assert refused.status_code == 400 and "600" in refused.json()["error"]["fields"]["space_sqm"][0]
    theirs = centre(world, area=world.district_b)
    other = client.post("/api/v1/social-orgs/incubations/", {**payload, "centre": theirs.pk, "space_sqm": 10},
                        format="json")
    assert other.status_code == 400 and "centre" in other.json()["error"]["fields"]
    admitted = client.post("/api/v1/social-orgs/incubations/", {**payload, "space_sqm": 40}, format="json")
    assert admitted.status_code == 201, admitted.content
    pk = admitted.json()["id"]
    ended = client.post(f"/api/v1/social-orgs/incubations/{pk}/end/",
                        {"graduated": True, "ended_on": "2021-02-28", "note": "已登记"}, format="json")
    assert ended.status_code == 200 and ended.json()["status"] == IncubationStatus.GRADUATED
    again = client.post(f"/api/v1/social-orgs/incubations/{pk}/end/",
                        {"graduated": False, "ended_on": "2021-03-01", "note": "重复"}, format="json")
    assert again.status_code == 409
    assert Incubation.objects.get(pk=pk).outcome_note == "已登记"
    listed = client.get("/api/v1/social-orgs/incubation-centres/", {"q": c.name}).json()["results"]
    assert [(row["incubating"], row["graduated"]) for row in listed] == [(0, 1)]
    assert AuditEvent.objects.filter(actor=world.officer_a, action="social_orgs.incubation.end").count() == 1
