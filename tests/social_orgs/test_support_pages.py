"""Pages of fee inspections (涉企收费检查), welfare-lottery funds (福彩公益金) and incubation centres
(孵化基地): the persona matrix on each, and the refusals a user would meet."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEvent
from social_orgs import services
from social_orgs.choices import IncubationStatus
from social_orgs.models import Incubation, Inspection, LotteryFund
from tests.factories.social_orgs import organisation
from tests.scoped import Pages

D = datetime.date
_years = itertools.count(1990)
_n = itertools.count(1)


def fee_inspection(world, **kwargs):
    org = organisation(world.district_a, is_industry_association=True, name=f"龙子湖区商会{next(_n)}")
    values = {"method": "on_site", "inspected_on": D(2020, 9, 1), "inspectors": ["张明", "李华"],
              "findings": "强制会员参加收费培训", "violation": "forced_service", "refund_yuan": Decimal(12000),
              "rectification_deadline": D(2020, 10, 30), **kwargs}
    return services.record_fee_inspection(actor=None, org=org, **values)


def fund(world, year=None):
    return services.create_lottery_fund(actor=None, area=world.district_a, year=year or next(_years),
                                        amount=Decimal(400000), source_ref="蚌民〔2020〕8号")


def centre(world):
    return services.create_centre(actor=None, name=f"龙子湖区社会组织孵化基地{next(_n)}", area=world.district_a,
                                  space_sqm=600, opened_on=D(2018, 1, 1), services="场地、培训、财务代账")


# --- fee inspections --------------------------------------------------------------------------------
class TestFeePages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "social_orgs:fee-list"
    detail_url_name = "social_orgs:fee-detail"

    def make_object(self, world):
        return fee_inspection(world)

    def row_text(self, obj):
        return obj.organisation.name


class TestFeeCreatePage(Pages.Action):
    action_url_name = "social_orgs:fee-create"
    in_scope_status = (302,)

    def make_object(self, world):
        return organisation(world.district_a, is_industry_association=True)

    def action_args(self, obj):
        return []

    def action_payload(self, world, obj):
        return {"organisation": obj.pk, "method": "written", "inspected_on": "2020-09-01", "inspectors": "张明\n李华",
                "findings": "", "violation": "", "refund_yuan": "0", "published": "on"}

    def test_out_of_scope_user_gets_404_and_nothing_is_written(self, world, web):
        """The other district's officer cannot choose district A's association: refused, nothing written."""
        org = self.make_object(world)
        before = AuditEvent.objects.count()
        response = self._do(world, web(world.officer_b), org)
        assert response.status_code == 400 and not Inspection.objects.exists()
        assert AuditEvent.objects.count() == before


class TestFeeUpdatePage(Pages.Action):
    action_url_name = "social_orgs:fee-update"
    in_scope_status = (302,)

    def make_object(self, world):
        return fee_inspection(world)

    def action_payload(self, world, obj):
        return {"findings": obj.findings, "violation": obj.violation, "rectification_deadline": "2020-10-30",
                "refund_yuan": "12000", "rectified_on": "2020-10-20", "rectification_note": "已退还并废止收费文件",
                "published": "on"}


def test_a_fee_inspection_of_an_organisation_that_is_no_association_is_refused_beside_the_form(world, web):
    ordinary = organisation(world.district_a)
    org = organisation(world.district_a, is_industry_association=True)
    with pytest.raises(Exception, match="industry associations"):
        services.record_fee_inspection(actor=world.officer_a, org=ordinary, method="written",
                                       inspected_on=D(2020, 9, 1), inspectors=["张明", "李华"])
    response = web(world.officer_a).post(reverse("social_orgs:fee-create"), {
        "organisation": org.pk, "method": "written", "inspected_on": "2020-09-01", "inspectors": "张明",
        "refund_yuan": "0"})
    page = response.content.decode()
    assert response.status_code == 400 and "检查人员不得少于两人" in page and "张明" in page
    assert not Inspection.objects.exists()


def test_a_verified_rectification_needs_what_was_done_and_then_shows_on_the_list(world, web):
    ins = fee_inspection(world)
    client = web(world.officer_a)
    url = reverse("social_orgs:fee-update", args=[ins.pk])
    payload = {"findings": ins.findings, "violation": ins.violation, "rectification_deadline": "2020-10-30",
               "refund_yuan": "12000", "rectified_on": "2020-10-20", "rectification_note": "", "published": "on"}
    refused = client.post(url, payload)
    assert refused.status_code == 400 and "请写明整改内容及核实情况" in refused.content.decode()
    ins.refresh_from_db()
    assert ins.rectified_on is None
    assert client.post(url, {**payload, "rectification_note": "已退还"}).status_code == 302
    listed = client.get(reverse("social_orgs:fee-list"), {"rectification": "done"}).content.decode()
    assert ins.organisation.name in listed
    assert ins.organisation.name not in client.get(reverse("social_orgs:fee-list"),
                                                   {"rectification": "open"}).content.decode()
    assert AuditEvent.objects.filter(action="social_orgs.inspection.fee_update", actor=world.officer_a).exists()


# --- welfare-lottery funds ------------------------------------------------------------------------
class TestLotteryPages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "social_orgs:lottery-list"
    detail_url_name = "social_orgs:lottery-detail"

    def make_object(self, world):
        return fund(world)

    def row_text(self, obj):
        return f">{obj.year}<"

    def test_export_is_scoped_and_audited(self, world, web):
        obj = self.make_object(world)
        theirs = web(world.officer_b).get(self.list_url(), {"export": "csv"})
        assert str(obj.year) not in b"".join(theirs.streaming_content).decode("utf-8-sig")
        mine = web(world.officer_a).get(self.list_url(), {"export": "csv"})
        assert str(obj.year) in b"".join(mine.streaming_content).decode("utf-8-sig")
        assert AuditEvent.objects.filter(actor=world.officer_b, action="core.export").exists()


class TestLotteryCreatePage(Pages.Action):
    action_url_name = "social_orgs:lottery-create"
    in_scope_status = (302,)

    def make_object(self, world):
        return world.district_a

    def action_args(self, obj):
        return []

    def action_payload(self, world, obj):
        return {"area": obj.pk, "year": "2020", "amount": "400000", "source_ref": "蚌民〔2020〕8号", "note": ""}

    def test_out_of_scope_user_gets_404_and_nothing_is_written(self, world, web):
        before = AuditEvent.objects.count()
        response = self._do(world, web(world.officer_b), world.district_a)
        assert response.status_code == 400 and not LotteryFund.objects.exists()
        assert AuditEvent.objects.count() == before


class TestLotteryUpdatePage(Pages.Action):
    action_url_name = "social_orgs:lottery-update"
    in_scope_status = (302,)

    def make_object(self, world):
        return fund(world)

    def action_payload(self, world, obj):
        return {"amount": "450000", "source_ref": obj.source_ref, "note": "追加"}


class TestLotteryAllocatePage(Pages.Action):
    action_url_name = "social_orgs:lottery-allocate"
    in_scope_status = (302,)

    def make_object(self, world):
        return fund(world, year=2020)

    def action_payload(self, world, obj):
        return {"title": "社区社会组织培训", "amount": "80000", "granted_on": "2020-05-06"}


def test_an_allocation_beyond_what_is_left_is_refused_beside_the_kept_input_and_the_fund_cannot_shrink(world, web):
    f = fund(world, year=2020)
    services.allocate_lottery_fund(actor=world.officer_a, fund=f, title="孵化基地运营", amount=Decimal(350000),
                                   granted_on=D(2020, 3, 1))
    client = web(world.officer_a)
    response = client.post(reverse("social_orgs:lottery-allocate", args=[f.pk]),
                           {"title": "公益创投配套", "amount": "60000", "granted_on": "2020-06-01"})
    page = response.content.decode()
    assert response.status_code == 400 and "50000" in page and "公益创投配套" in page
    refused = client.post(reverse("social_orgs:lottery-update", args=[f.pk]),
                          {"amount": "300000", "source_ref": "", "note": ""})
    assert refused.status_code == 400
    f.refresh_from_db()
    assert f.amount == 400000 and f.allocations.count() == 1
    detail = client.get(f.get_absolute_url()).content.decode()
    assert "孵化基地运营" in detail and "50000" in detail


# --- incubation centres ----------------------------------------------------------------------------
class TestCentrePages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "social_orgs:centre-list"
    detail_url_name = "social_orgs:centre-detail"

    def make_object(self, world):
        return centre(world)


class TestCentreCreatePage(Pages.Action):
    action_url_name = "social_orgs:centre-create"
    in_scope_status = (302,)

    def make_object(self, world):
        return world.district_a

    def action_args(self, obj):
        return []

    def action_payload(self, world, obj):
        return {"name": "龙子湖区社会组织服务中心", "area": obj.pk, "space_sqm": "800", "opened_on": "2019-01-01"}

    def test_out_of_scope_user_gets_404_and_nothing_is_written(self, world, web):
        before = AuditEvent.objects.count()
        assert self._do(world, web(world.officer_b), world.district_a).status_code == 400
        assert AuditEvent.objects.count() == before


class TestCentreUpdatePage(Pages.Action):
    action_url_name = "social_orgs:centre-update"
    in_scope_status = (302,)

    def make_object(self, world):
        return centre(world)

    def action_payload(self, world, obj):
        return {"name": obj.name, "area": obj.area_id, "space_sqm": "900", "opened_on": "2018-01-01",
                "services": "场地、培训"}


class TestCentreAdmitPage(Pages.Action):
    action_url_name = "social_orgs:centre-admit"
    in_scope_status = (302,)

    def make_object(self, world):
        return centre(world)

    def action_payload(self, world, obj):
        return {"applicant_name": "和平社区读书会", "started_on": "2020-03-01", "term_until": "2021-02-28",
                "space_sqm": "20", "services_given": "工位、培训"}


class TestIncubationEndPage(Pages.Action):
    action_url_name = "social_orgs:incubation-end"
    in_scope_status = (302,)

    def make_object(self, world):
        return services.admit_to_centre(actor=None, centre=centre(world), applicant_name="和平社区读书会",
                                        started_on=D(2020, 3, 1), term_until=D(2021, 2, 28), space_sqm=20)

    def action_payload(self, world, obj):
        return {"graduated": "yes", "ended_on": "2021-02-28", "note": "已登记为社会团体"}


def test_a_centre_cannot_give_more_space_than_it_has_and_an_ended_term_shows_its_outcome(world, web):
    c = centre(world)
    client = web(world.officer_a)
    url = reverse("social_orgs:centre-admit", args=[c.pk])
    payload = {"applicant_name": "和平社区读书会", "started_on": "2020-03-01", "term_until": "2021-02-28",
               "space_sqm": "700"}
    refused = client.post(url, payload)
    assert refused.status_code == 400 and "600" in refused.content.decode() and "和平社区读书会" in refused.content.decode()
    assert client.post(url, {**payload, "space_sqm": "40"}).status_code == 302
    inc = Incubation.objects.get()
    assert client.post(reverse("social_orgs:incubation-end", args=[inc.pk]),
                       {"graduated": "yes", "ended_on": "2021-02-28", "note": "已登记"}).status_code == 302
    again = client.post(reverse("social_orgs:incubation-end", args=[inc.pk]),
                        {"graduated": "no", "ended_on": "2021-03-01", "note": "重复"})
    assert again.status_code == 409
    inc.refresh_from_db()
    assert inc.status == IncubationStatus.GRADUATED
    page = client.get(c.get_absolute_url()).content.decode()
    assert "和平社区读书会" in page and "已登记" in page
