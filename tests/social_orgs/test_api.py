import datetime
import itertools

import pytest

from social_orgs import services
from social_orgs.choices import OrgType
from tests.factories.social_orgs import organisation, uscc_for
from tests.scoped import API

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


class _Org:
    basename = "social_orgs-organisation"
    audit_action_prefix = "social_orgs."

    def make_object(self, world):
        return organisation(world.district_a)


class TestOrganisationAPI(_Org, API.List, API.Detail, API.Create, API.Update, API.ReadOnlyPersonaCannotWrite):
    def create_payload(self, world):
        return {"name": f"龙子湖区新建协会{next(_n)}", "org_type": "group", "registration_level": "county",
                "area": world.district_a.code, "legal_rep_name": "王五", "sponsor_unit": "区教育局"}

    def update_payload(self, world, obj):
        return {"address": "龙子湖区东海大道1号", "full_time_staff": 3}


class TestPreparationAPI(_Org, API.Transition):
    transition = "preparation"

    def make_object(self, world):
        return organisation(world.district_a, status="name_approved")


class TestEstablishAPI(_Org, API.Transition):
    transition = "establish"

    def make_object(self, world):
        return organisation(world.district_a, org_type=OrgType.SERVICE, status="name_approved")

    def transition_payload(self, world, obj):
        return {"uscc": uscc_for(OrgType.SERVICE), "founded_on": "2020-03-02", "party_commitment": True}


class TestRevokeAPI(_Org, API.Transition):
    transition = "revoke"

    def transition_payload(self, world, obj):
        return {"ground": "serious_violation", "reason": "违规开展评比表彰"}


class TestDeregisterAPI(_Org, API.Transition):
    transition = "deregister"

    def transition_payload(self, world, obj):
        return {"reason": "清算完毕，清算报告已备案"}


class _Listing:
    basename = "social_orgs-listing"
    audit_action_prefix = "social_orgs.creditlisting"

    def make_object(self, world):
        return services.list_organisation(actor=None, org=organisation(world.district_a), reason="late_report",
                                          on=datetime.date(2020, 6, 1), reason_text="2019年度工作报告未报")


class TestListingAPI(_Listing, API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    def create_payload(self, world):
        return {"organisation": organisation(world.district_a).pk, "reason": "unreachable",
                "reason_text": "两次挂号信被退回", "on": "2020-07-01"}


class TestVerifyAPI(_Listing, API.Transition):
    transition = "verify"

    def transition_payload(self, world, obj):
        return {"note": "已补报", "on": "2020-07-01"}


class TestRemoveAPI(_Listing, API.Transition):
    transition = "remove"

    def transition_payload(self, world, obj):
        return {"note": "异议成立，列入有误", "correction": True, "on": "2020-07-01"}


class TestReportAPI(API.List, API.Detail, API.Create):
    basename = "social_orgs-report"
    audit_action_prefix = "social_orgs.annualreport"

    def create_payload(self, world):
        return {"organisation": organisation(world.district_a).pk, "year": 2019, "submitted_on": "2020-05-08",
                "sponsor_submitted_on": "2020-03-20"}

    def make_object(self, world):
        return services.file_annual_report(actor=None, org=organisation(world.district_a), year=2019,
                                           submitted_on=datetime.date(2020, 5, 1))


class TestCommunityOrgAPI(API.List, API.Detail, API.Create):
    basename = "social_orgs-communityorg"
    audit_action_prefix = "social_orgs.communityorg"

    def make_object(self, world):
        return services.file_community_org(actor=None, name=f"和平社区文体队{next(_n)}", area=world.community_a,
                                           field="culture", mode="filed", filed_on=datetime.date(2020, 5, 1))

    def create_payload(self, world):
        return {"name": f"和平社区调解队{next(_n)}", "area": world.community_a.code, "field": "mediation",
                "mode": "guided", "filed_on": "2020-06-01"}


def test_a_refused_step_answers_409_with_the_reason(world, api):
    org = organisation(world.district_a, status="name_approved")
    response = api(world.officer_a).post(f"/api/v1/social-orgs/organisations/{org.pk}/establish/", {
        "uscc": uscc_for(), "founded_on": "2020-03-02", "party_commitment": True}, format="json")
    assert response.status_code == 409
    assert "筹备" in response.json()["error"]["message"]  # pages and the API speak Chinese


def test_a_wrong_check_character_is_a_400_on_the_field(world, api):
    org = organisation(world.district_a, org_type=OrgType.SERVICE, status="name_approved")
    good = uscc_for(OrgType.SERVICE)
    response = api(world.officer_a).post(f"/api/v1/social-orgs/organisations/{org.pk}/establish/", {
        "uscc": good[:-1] + ("1" if good[-1] == "0" else "0"), "founded_on": "2020-03-02", "party_commitment": True},
        format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["uscc"] == ["校验码（第18位）错误。"]


def test_a_report_cannot_be_filed_for_an_organisation_of_another_district_which_does_not_exist_for_them(world, api):
    org = organisation(world.district_a)
    client = api(world.officer_b)
    theirs = client.post("/api/v1/social-orgs/reports/", {
        "organisation": org.pk, "year": 2019, "submitted_on": "2020-05-08"}, format="json")
    missing = client.post("/api/v1/social-orgs/reports/", {
        "organisation": org.pk + 1000, "year": 2019, "submitted_on": "2020-05-08"}, format="json")
    assert theirs.status_code == missing.status_code == 400
    said = theirs.json()["error"]["fields"]["organisation"][0].replace(str(org.pk), "N")
    assert said == missing.json()["error"]["fields"]["organisation"][0].replace(str(org.pk + 1000), "N")
    assert not org.annual_reports.exists()


class _Plan:
    basename = "social_orgs-plan"
    audit_action_prefix = "social_orgs.inspectionplan"

    def make_object(self, world):
        from social_orgs.models import InspectionPlan

        organisation(world.district_a)
        year = 2000 + InspectionPlan.objects.count()
        return services.create_plan(actor=None, area=world.district_a, year=year, level="county", items=["年度报告"],
                                    inspectors=[{"name": "张明"}, {"name": "李华"}])


class TestInspectionPlanAPI(_Plan, API.List, API.Detail, API.Create, API.ReadOnlyPersonaCannotWrite):
    def create_payload(self, world):
        return {"year": 2020, "level": "county", "area": world.district_a.code, "items": ["年度报告", "财务管理"],
                "inspectors": [{"name": "张明", "conflicts": []}, {"name": "李华"}, {"name": "王芳"}]}


class TestDrawAPI(_Plan, API.Transition):
    transition = "draw"

    def transition_payload(self, world, obj):
        return {"seed": "2020-09-01 福彩3D 第2020240期 587"}


def test_a_branch_cannot_name_a_parent_outside_ones_areas(world, api):
    theirs = organisation(world.district_b)
    response = api(world.officer_a).post("/api/v1/social-orgs/organisations/", {
        "name": "越界分会", "org_type": "group", "registration_level": "county", "area": world.district_a.code,
        "legal_rep_name": "王五", "parent": theirs.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()["error"]["fields"]
