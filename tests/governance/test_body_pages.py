"""The bodies' records on pages: cadre reviews created, rated and concluded; the points ledger listed,
filtered and exported; rosters, community settings (一肩挑) and each community's supervision committee."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from governance import services
from governance.choices import CadreRating, Capacity, PointsSubject
from governance.models import BodyMember, CadreReview, CommunitySetting, PointsEntry
from tests.factories.governance import setting
from tests.scoped import Pages

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate() - datetime.timedelta(days=365)


def seat(area, capacity=Capacity.TWO_COMMITTEES, name=None):
    return services.add_body_member(actor=None, area=area, capacity=capacity, name=name or f"委员{BodyMember.objects.count()}",
                                    term_start=LAST_YEAR)


def review(area, year=2025):
    return services.submit_cadre_report(actor=None, member=seat(area), year=year, report="一年来的工作")


class TestCadreReviewPages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "governance:cadrereview-list"
    detail_url_name = "governance:cadrereview-detail"

    def make_object(self, world):
        return review(world.community_a)

    def row_text(self, obj):
        return obj.member.name


class TestRateOnThePage(Pages.Action):
    action_url_name = "governance:cadrereview-rate"

    def make_object(self, world):
        return review(world.community_a)

    def action_payload(self, world, obj):
        return {"rater_group": "党员", "competent": 10, "basically": 2, "incompetent": 1}


class TestConcludeOnThePage(Pages.Action):
    action_url_name = "governance:cadrereview-conclude"

    def make_object(self, world):
        r = review(world.community_a)
        services.record_cadre_ratings(actor=None, review=r, rater_group="村民代表", competent=20, basically=3)
        return r


def test_a_worker_records_a_report_then_ratings_and_concludes_from_pages(world, web):
    member = seat(world.community_a, name="王书记")
    client = web(world.worker_a)
    form = client.get(reverse("governance:cadrereview-create")).content.decode()
    assert "王书记" in form
    response = client.post(reverse("governance:cadrereview-create"),
                           {"member": member.pk, "year": 2025, "report": "抓党建促发展"})
    assert response.status_code == 302, response.content.decode()[:3000]
    created = CadreReview.objects.get(member=member, year=2025)
    client.post(reverse("governance:cadrereview-rate", args=[created.pk]),
                {"rater_group": "党员", "competent": 30, "basically": 5, "incompetent": 0})
    assert client.post(reverse("governance:cadrereview-conclude", args=[created.pk])).status_code == 302
    created.refresh_from_db()
    assert created.verdict == CadreRating.COMPETENT
    again = client.post(reverse("governance:cadrereview-create"),
                        {"member": member.pk, "year": 2025, "report": "重复"})
    assert again.status_code == 400 and "重复" in again.content.decode()


def test_a_review_cannot_be_created_for_another_districts_member(world, web):
    theirs = seat(world.community_b, name="外区主任")
    form = web(world.worker_a).get(reverse("governance:cadrereview-create")).content.decode()
    assert "外区主任" not in form
    response = web(world.worker_a).post(reverse("governance:cadrereview-create"),
                                        {"member": theirs.pk, "year": 2025, "report": "x"})
    assert response.status_code == 400 and not CadreReview.objects.exists()


class TestPointsPage(Pages.List, Pages.Export):
    list_url_name = "governance:points-list"

    def make_object(self, world):
        entry = PointsEntry(area=world.community_a, subject_kind=PointsSubject.PERSON,
                            subject=f"积分人{PointsEntry.objects.count()}", points=3, event="dispute_resolved")
        entry.save()
        return entry

    def row_text(self, obj):
        return obj.subject


def test_the_points_page_filters_by_subject_and_shows_events_in_words(world, web):
    for name in ("老周", "小李"):
        PointsEntry(area=world.community_a, subject_kind=PointsSubject.PERSON, subject=name, points=2,
                    event="task_done").save()
    page = web(world.worker_a).get(reverse("governance:points-list"), {"q": "周"}).content.decode()
    table = page.split('id="points-table"')[1]
    assert "老周" in table and "小李" not in table
    assert "task_done" not in table


class TestMemberPages(Pages.List, Pages.Detail, Pages.Export):
    list_url_name = "governance:member-list"
    detail_url_name = "governance:member-detail"

    def make_object(self, world):
        return seat(world.community_a)

    def row_text(self, obj):
        return obj.name


class TestSettingPages(Pages.List, Pages.Export):
    list_url_name = "governance:setting-list"

    def make_object(self, world):
        return setting(world.community_a)

    def row_text(self, obj):
        return obj.area.name


def test_a_worker_seats_a_supervisor_and_edits_the_settings_on_pages(world, web):
    client = web(world.worker_a)
    response = client.post(reverse("governance:member-create"), {
        "area": world.community_a.pk, "capacity": "supervision_committee", "name": "监委会主任", "role": "chair",
        "term_start": LAST_YEAR.isoformat()})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert BodyMember.objects.filter(name="监委会主任", capacity=Capacity.SUPERVISION_COMMITTEE).exists()
    created = client.post(reverse("governance:setting-create"), {
        "area": world.community_a.pk, "adults": 900, "households": 300, "representatives": 40, "party_members": 60,
        "committee_members": 0})
    assert created.status_code == 302, created.content.decode()[:3000]
    s = CommunitySetting.objects.get(area=world.community_a)
    edited = client.post(reverse("governance:setting-update", args=[s.pk]), {
        "adults": 950, "households": 300, "representatives": 40, "party_members": 60, "committee_members": 0,
        "secretary_is_director": "on"})
    assert edited.status_code == 302
    s.refresh_from_db()
    assert s.adults == 950 and s.secretary_is_director
    assert AuditEvent.objects.filter(actor=world.worker_a, action="governance.setting.save").exists()
    assert web(world.officer_b).get(reverse("governance:setting-update", args=[s.pk])).status_code == 404


def test_a_committee_member_cannot_also_sit_on_the_supervision_committee_and_the_page_says_so(world, web):
    seat(world.community_a, name="张委员")
    response = web(world.worker_a).post(reverse("governance:member-create"), {
        "area": world.community_a.pk, "capacity": "supervision_committee", "name": "张委员", "role": "member",
        "term_start": LAST_YEAR.isoformat()})
    assert response.status_code == 409 and "张委员" in response.content.decode()


def test_each_community_shows_whether_it_has_a_supervision_committee(world, web):
    seat(world.community_a, Capacity.SUPERVISION_COMMITTEE, name="监委甲")
    client = web(world.officer_a)
    coverage = client.get(reverse("governance:supervision-coverage")).content.decode()
    assert world.community_a.name in coverage and world.community_b.name not in coverage
    mine = client.get(reverse("governance:community-bodies", args=[world.community_a.code])).content.decode()
    assert "监委甲" in mine and 'id="supervision-status"' in mine and "text-bg-success" in mine
    assert client.get(reverse("governance:community-bodies", args=[world.community_b.code])).status_code == 404
    theirs = web(world.officer_b).get(reverse("governance:community-bodies", args=[world.village_b.code]))
    assert theirs.status_code == 200 and "text-bg-danger" in theirs.content.decode()


def test_the_coverage_indicator_counts_communities_with_a_supervision_committee_in_office(world):
    from reports.engine import compute
    from reports.periods import Period
    from reports.registry import autodiscover

    indicator = autodiscover()["governance.supervision_committee_coverage"]
    seat(world.community_a, Capacity.SUPERVISION_COMMITTEE)
    services.add_body_member(actor=None, area=world.community_b, capacity=Capacity.SUPERVISION_COMMITTEE,
                             name="任期已满", term_start=datetime.date(2015, 1, 1), term_end=datetime.date(2018, 1, 1))
    year = str(timezone.localdate().year - 1)
    values = {v.area_id: v for v in compute([indicator], Period.parse(year)).values}
    assert values[world.community_a.pk].value == 100
    assert values[world.community_b.pk].value == 0
    assert values[world.district_a.pk].value == 100
    assert values[world.city.pk].numerator == 1 and values[world.city.pk].denominator == 3
