import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from social_orgs import services
from social_orgs.choices import OrgType
from social_orgs.models import CreditListing, Organisation
from tests.factories.social_orgs import organisation, uscc_for
from tests.scoped import Pages

pytestmark = pytest.mark.django_db
D = datetime.date


class TestOrganisationPages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "social_orgs:org-list"
    detail_url_name = "social_orgs:org-detail"

    def make_object(self, world):
        return organisation(world.district_a)

    def row_text(self, obj):
        return obj.name


class TestOrganisationStep(Pages.Action):
    action_url_name = "social_orgs:org-action"
    in_scope_status = (302,)

    def make_object(self, world):
        return organisation(world.district_a)

    def action_args(self, obj):
        return [obj.pk, "list"]

    def action_payload(self, world, obj):
        return {"reason": "unreachable", "on": "2020-07-01", "reason_text": "两次挂号信被退回"}


def _listing(world):
    return services.list_organisation(actor=None, org=organisation(world.district_a), reason="late_report",
                                      on=D(2020, 6, 1), reason_text="2019年度工作报告未报")


class TestListingPages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "social_orgs:listing-list"
    detail_url_name = "social_orgs:listing-detail"

    def make_object(self, world):
        return _listing(world)

    def row_text(self, obj):
        return obj.organisation.name


class TestListingStep(Pages.Action):
    action_url_name = "social_orgs:listing-action"
    in_scope_status = (302,)

    def make_object(self, world):
        return _listing(world)

    def action_args(self, obj):
        return [obj.pk, "verify"]

    def action_payload(self, world, obj):
        return {"on": "2020-07-01", "note": "已补报2019年度工作报告"}


class TestNameApprovalForm:
    covers_routes = ["social_orgs:org-create"]

    def test_anonymous_is_sent_to_sign_in_and_a_user_without_a_role_is_refused(self, world, web):
        response = web().get(reverse("social_orgs:org-create"))
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert web(world.outsider).get(reverse("social_orgs:org-create")).status_code == 403

    def test_a_name_cannot_be_approved_in_another_district(self, world, web):
        before = AuditEvent.objects.count()
        response = web(world.officer_a).post(reverse("social_orgs:org-create"), {
            "name": "越界协会", "org_type": "group", "kind": "ordinary", "registration_level": "county",
            "area": world.district_b.pk, "legal_rep_name": "李四"})
        assert response.status_code == 400
        assert not Organisation.objects.filter(name="越界协会").exists()
        assert AuditEvent.objects.count() == before

    def test_an_officer_approves_a_name_in_their_district(self, world, web):
        response = web(world.officer_a).post(reverse("social_orgs:org-create"), {
            "name": "龙子湖区书法协会", "org_type": "group", "kind": "ordinary", "registration_level": "county",
            "area": world.district_a.pk, "legal_rep_name": "李四", "sponsor_unit": "区文旅局"})
        org = Organisation.objects.get(name="龙子湖区书法协会")
        assert response.status_code == 302 and response["Location"] == org.get_absolute_url()


def test_a_refused_establishment_shows_the_reason_beside_the_kept_code(world, web):
    org = organisation(world.district_a, org_type=OrgType.SERVICE, status="name_approved")
    good = uscc_for(OrgType.SERVICE)
    bad = good[:-1] + ("1" if good[-1] == "0" else "0")
    response = web(world.officer_a).post(reverse("social_orgs:org-action", args=[org.pk, "establish"]), {
        "uscc": bad, "founded_on": "2020-03-02", "party_commitment": "on", "party_members": "2"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "校验码（第18位）错误" in page and f'value="{bad}"' in page


def test_the_organisations_page_shows_what_it_must_do_to_leave_the_list(world, web):
    listing = _listing(world)
    page = web(world.officer_a).get(listing.organisation.get_absolute_url()).content.decode()
    assert "补报缺报的年度工作报告" in page and "2022-06-01" in page


def test_the_public_lists_show_reasons_and_dates_without_sign_in_and_no_personal_data(world, web):
    org = organisation(world.district_a)
    services.list_organisation(actor=None, org=org, reason="unreachable", on=D(2020, 7, 1), reason_text="两次挂号信被退回")
    index = web().get(reverse("social_orgs:public-index"))
    assert index.status_code == 200
    page = web().get(reverse("social_orgs:public-list", args=["abnormal"])).content.decode()
    assert org.name in page and "两次挂号信被退回" in page and "2020-07-01" in page
    assert org.name not in web().get(reverse("social_orgs:public-list", args=["serious"])).content.decode()
    assert org.legal_rep_name not in page
    assert web().get("/public/social_orgs/nonsense/").status_code == 404


def test_a_missed_deadline_puts_the_org_on_the_public_list_until_it_rectifies_and_leaves(world, web):
    """The story of the browser test, through the pages: the timer lists, the registrar verifies and removes."""
    org = organisation(world.district_a, founded_on=D(2018, 3, 1))
    services.file_annual_report(actor=None, org=org, year=2018, submitted_on=D(2019, 5, 1))
    services.run_timers(D(2020, 6, 1))
    public = reverse("social_orgs:public-list", args=["abnormal"])
    assert org.name in web().get(public).content.decode()
    listing = CreditListing.objects.get(organisation=org)
    client = web(world.officer_a)
    client.post(reverse("social_orgs:org-action", args=[org.pk, "report"]), {
        "year": "2019", "submitted_on": "2020-06-10"})
    assert client.post(reverse("social_orgs:listing-action", args=[listing.pk, "verify"]), {
        "on": "2020-06-12", "note": "已补报2019年度工作报告"}).status_code == 302
    removed = client.post(reverse("social_orgs:listing-action", args=[listing.pk, "remove"]), {"on": "2020-06-15"})
    assert removed.status_code == 302
    assert org.name not in web().get(public).content.decode()


def test_a_pending_change_shows_the_item_by_its_chinese_name(world, web):
    org = organisation(world.district_a)
    services.apply_for_change(actor=None, org=org, changes={"address": "淮河路1号"}, on=D(2020, 5, 1))
    page = web(world.officer_a).get(org.get_absolute_url()).content.decode()
    assert "住所：淮河路1号" in page and "address:" not in page
