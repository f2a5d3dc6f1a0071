import pytest

from core import demo as core_demo
from reports import services as reports
from reports.models import IndicatorValue
from social_orgs import demo
from social_orgs.models import DirectoryEntry, IncubationCentre, LotteryFund, Organisation, SupportGrant

pytestmark = pytest.mark.django_db


def test_the_demo_lands_on_the_sources_2020_figures_through_the_indicators():
    from django.contrib.auth.models import Group

    if not Group.objects.exists():  # flushed by an earlier transactional test
        from core.roles import sync_all_roles

        sync_all_roles()
    core_demo.load(scale=0.002)
    demo.load(scale=0.002)
    values = _city_values("2020")
    assert values["social_orgs.revoked"] == 5
    assert values["social_orgs.serious_list"] == 14
    assert values["social_orgs.abnormal_list"] == 23
    assert values["social_orgs.directory"] == 45
    assert values["social_orgs.fee_inspected"] == 55
    assert values["social_orgs.onsite_inspections"] == 5
    assert values["social_orgs.venture_grants"] == 5 and values["social_orgs.venture_yuan"] == 300_000
    assert values["social_orgs.lottery_yuan"] == 400_000
    assert 0 < values["social_orgs.party_org_coverage"] < 100
    assert values["social_orgs.community_orgs_per_urban"] >= 10
    assert values["social_orgs.community_orgs_per_rural"] >= 5
    excluded = DirectoryEntry.objects.filter(year=2020, included=False)
    graded_but_listed = excluded.filter(reason__contains="活动异常名录", organisation__evaluations__grade__gte=3)
    assert graded_but_listed.distinct().count() == 5
    assert Organisation.objects.filter(status="revoked", listings__reason="revoked").count() == 5
    # The welfare-lottery funds out of the box: the city's fund of each year, allocated in full through it.
    funds = {f.year: f for f in LotteryFund.objects.filter(area__level="city")}
    assert sorted(funds) == [2019, 2020] and {f.amount for f in funds.values()} == {400_000}
    for fund in funds.values():
        assert sum(a.amount for a in fund.allocations.all()) == 400_000
        assert all(a.granted_on.year == fund.year and a.title for a in fund.allocations.all())
    assert not SupportGrant.objects.filter(kind="lottery", fund__isnull=True).exists()
    assert _city_values("2019")["social_orgs.lottery_yuan"] == 400_000
    # The city's service centre and the counties' incubation centres, run by hub organisations, with
    # organisations incubated (registered and being prepared) and 2019's intake ended, most graduated.
    centres = IncubationCentre.objects.all()
    assert {c.area.level for c in centres} == {"city", "county"} and all(c.operator_id for c in centres)
    for centre in centres:
        statuses = list(centre.incubations.values_list("status", flat=True))
        assert {"incubating", "graduated", "withdrawn"} <= set(statuses)
        assert centre.incubations.filter(organisation__isnull=False).exists()
        assert centre.incubations.filter(organisation__isnull=True).exclude(applicant_name="").exists()


def _city_values(period):
    run = reports.run_now(actor=None, period=period, trigger="demo")
    assert run.status == "done", run.message
    rows = IndicatorValue.objects.filter(period=period, area__level="city", indicator__startswith="social_orgs.")
    return {row.indicator: row.value for row in rows}
