"""Grades, the purchase directory, inspections and support: each rule with its bad input."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import TransitionRefused
from core.models import Finding
from core.supervision import run_all
from social_orgs import services
from social_orgs.models import DirectoryEntry
from tests.factories.social_orgs import organisation

pytestmark = pytest.mark.django_db
D = datetime.date


def _qualified(world):
    org = organisation(world.district_a, founded_on=D(2014, 3, 1))
    for year in range(2014, 2020):
        services.file_annual_report(actor=None, org=org, year=year, submitted_on=D(year + 1, 5, 10))
    services.record_evaluation(actor=None, org=org, grade=4, evaluated_on=D(2017, 6, 1))
    return org


def test_a_grade_is_valid_five_years_and_warned_six_months_before_it_lapses(world):
    org = _qualified(world)
    grade = org.evaluations.get()
    assert grade.valid_until == D(2022, 5, 31)
    run_all(today=D(2021, 11, 30), only=["social_orgs.grade_expiring"])
    assert not Finding.objects.filter(rule="social_orgs.grade_expiring").exists()
    run_all(today=D(2021, 12, 1), only=["social_orgs.grade_expiring"])
    assert Finding.objects.get(rule="social_orgs.grade_expiring").due_date == D(2022, 5, 31)


def test_a_qualified_organisation_enters_the_directory_and_a_listed_one_is_refused_with_the_reason(world):
    org = _qualified(world)
    assert services.add_to_directory(actor=world.officer_a, org=org, year=2020, on=D(2020, 7, 1)).included
    listed = _qualified(world)
    services.list_organisation(actor=None, org=listed, reason="unreachable", on=D(2020, 6, 20), reason_text="退信两次")
    with pytest.raises(TransitionRefused, match="Abnormal-activities list"):
        services.add_to_directory(actor=world.officer_a, org=listed, year=2020, on=D(2020, 7, 1))
    assert not DirectoryEntry.objects.filter(organisation=listed).exists()


def test_the_directory_is_rebuilt_by_rule_with_the_reason_for_every_exclusion(world):
    ok = _qualified(world)
    low = organisation(world.district_a, founded_on=D(2015, 3, 1))
    services.file_annual_report(actor=None, org=low, year=2019, submitted_on=D(2020, 5, 10))
    services.record_evaluation(actor=None, org=low, grade=2, evaluated_on=D(2020, 6, 15))
    late = _qualified(world)
    late.annual_reports.all().delete()
    services.file_annual_report(actor=None, org=late, year=2019, submitted_on=D(2020, 6, 10))
    assert services.rebuild_directory(actor=world.officer_a, year=2020, on=D(2020, 7, 1)) == {"included": 1,
                                                                                              "excluded": 2}
    reasons = dict(DirectoryEntry.objects.values_list("organisation", "reason"))
    assert DirectoryEntry.objects.get(organisation=ok).included
    assert "3A" in reasons[low.pk] and "not filed on time" in reasons[late.pk]


def test_an_inspection_needs_two_inspectors_and_a_fee_inspection_an_industry_association(world):
    org = organisation(world.district_a)
    with pytest.raises(ValidationError, match="two inspectors"):
        services.record_inspection(actor=None, org=org, kind="random", method="on_site", inspected_on=D(2020, 10, 1),
                                   inspectors=["张明", "张明"])
    with pytest.raises(ValidationError, match="industry associations"):
        services.record_inspection(actor=None, org=org, kind="fee", method="written", inspected_on=D(2020, 10, 1),
                                   inspectors=["张明", "李华"])


def test_an_organisation_on_the_serious_list_receives_no_grant(world):
    org = organisation(world.district_a)
    services.list_organisation(actor=None, org=org, reason="court_defaulter", on=D(2020, 3, 1), reason_text="失信")
    with pytest.raises(TransitionRefused, match="serious list"):
        services.record_grant(actor=None, kind="venture", area=world.district_a, org=org, year=2020, title="项目",
                              amount=Decimal(50000), granted_on=D(2020, 6, 1), venture_round=_round(world))


def test_the_public_directory_lists_the_included_organisations_with_their_grade(world, web):
    from django.urls import reverse

    ok = _qualified(world)
    low = organisation(world.district_a, founded_on=D(2015, 3, 1))
    services.rebuild_directory(actor=None, year=2020, on=D(2020, 7, 1))
    page = web().get(reverse("social_orgs:public-directory")).content.decode()
    assert ok.name in page and "4A" in page and low.name not in page
    assert web().get(reverse("social_orgs:public-directory"), {"year": "x"}).status_code == 404


def test_evaluation_needs_two_full_years_no_listing_no_valid_grade_and_the_latest_report(world):
    young = organisation(world.district_a, founded_on=D(2019, 3, 1))
    with pytest.raises(TransitionRefused, match="two full years"):
        services.record_evaluation(actor=None, org=young, grade=3, evaluated_on=D(2021, 2, 28))
    graded = _qualified(world)
    with pytest.raises(TransitionRefused, match="valid until 2022-05-31"):
        services.record_evaluation(actor=None, org=graded, grade=5, evaluated_on=D(2020, 6, 1))
    silent = organisation(world.district_a, founded_on=D(2015, 3, 1))
    with pytest.raises(TransitionRefused, match="latest annual report was not filed"):
        services.record_evaluation(actor=None, org=silent, grade=3, evaluated_on=D(2020, 9, 1))
    services.file_annual_report(actor=None, org=silent, year=2019, submitted_on=D(2020, 5, 10))
    services.list_organisation(actor=None, org=silent, reason="unreachable", on=D(2020, 8, 1), reason_text="退信")
    with pytest.raises(TransitionRefused, match="Abnormal-activities list"):
        services.record_evaluation(actor=None, org=silent, grade=3, evaluated_on=D(2020, 9, 1))


def _round(world):
    return services.open_venture_round(actor=None, area=world.district_a, year=2020, title="公益创投",
                                       budget=Decimal(100000), max_grant=Decimal(60000))


def test_a_venture_round_keeps_its_cap_its_budget_and_one_grant_per_organisation(world):
    rnd, first, second = _round(world), organisation(world.district_a), organisation(world.district_a)

    def grant(org, amount):
        return services.record_grant(actor=world.officer_a, kind="venture", area=world.district_a, org=org,
                                     year=2020, title="社区服务项目", amount=Decimal(amount), granted_on=D(2020, 6, 30),
                                     venture_round=rnd)

    with pytest.raises(ValidationError, match="at most 60000"):
        grant(first, 60001)
    grant(first, 60000)
    with pytest.raises(ValidationError, match="One grant per organisation"):
        grant(first, 10000)
    with pytest.raises(ValidationError, match="40000.00 yuan"):
        grant(second, 50000)
    grant(second, 40000)
