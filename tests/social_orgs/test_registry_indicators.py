"""The registry's indicators on crafted data, each figure worked out beside its rows: organisations by type,
deregistrations, annual reports on time (each type's own deadline), the random-inspection ratio (an
organisation inspected twice counts once) and the grades held at the end of the year."""

import datetime
from decimal import Decimal

import pytest

from reports.engine import compute
from reports.periods import Period
from reports.registry import REGISTRY
from social_orgs.choices import Grade, InspectionKind, InspectionMethod, OrgStatus, OrgType
from social_orgs.models import AnnualReport, Evaluation, Inspection, StatusChange
from tests.factories.social_orgs import organisation

pytestmark = pytest.mark.django_db
YEAR = Period.parse("2020")
d = datetime.date


def value(code, area):
    return {v.area_id: v for v in compute([REGISTRY[code]], YEAR).values}.get(area.pk)


@pytest.fixture
def orgs(world):
    area = world.district_a
    return {
        "group": organisation(area, org_type=OrgType.GROUP),
        "group2": organisation(area, org_type=OrgType.GROUP),
        "service": organisation(area, org_type=OrgType.SERVICE),
        "foundation": organisation(area, org_type=OrgType.FOUNDATION),
        "new": organisation(area, org_type=OrgType.SERVICE, founded_on=d(2020, 3, 1)),  # after 2019: not due
    }


def test_registered_by_type_and_deregistered(world, orgs):
    assert value("social_orgs.registered_group", world.district_a).value == 2
    assert value("social_orgs.registered_service", world.district_a).value == 2
    assert value("social_orgs.registered_foundation", world.district_a).value == 1
    StatusChange.objects.create(organisation=orgs["group2"], from_status=OrgStatus.ACTIVE,
                                to_status=OrgStatus.DEREGISTERED, on=d(2020, 8, 1), step="deregister")
    StatusChange.objects.create(organisation=orgs["service"], from_status=OrgStatus.ACTIVE,
                                to_status=OrgStatus.DEREGISTERED, on=d(2019, 8, 1), step="deregister")  # another year
    assert value("social_orgs.deregistered", world.district_a).value == 1


def test_reports_on_time_use_each_types_deadline(world, orgs):
    def report(org, on):
        AnnualReport.objects.create(organisation=org, year=2019, submitted_on=on)

    report(orgs["group"], d(2020, 5, 31))  # the authority's deadline itself: on time
    report(orgs["service"], d(2020, 6, 1))  # a day late
    report(orgs["foundation"], d(2020, 4, 1))  # on time for a group, late for a foundation (31 March)
    AnnualReport.objects.create(organisation=orgs["group2"], year=2018, submitted_on=d(2019, 3, 1))  # another year
    figure = value("social_orgs.reports_on_time", world.district_a)
    # due: the four registered at the end of 2019 (not the one founded in 2020); on time: one
    assert (figure.numerator, figure.denominator, figure.value) == (1, 4, Decimal("25.0000"))


def test_the_random_inspection_ratio_counts_an_organisation_once(world, orgs):
    for org, on, kind in ((orgs["group"], d(2020, 4, 1), InspectionKind.RANDOM),
                          (orgs["group"], d(2020, 9, 1), InspectionKind.RANDOM),
                          (orgs["service"], d(2020, 5, 1), InspectionKind.FEE),  # a fee inspection: not random
                          (orgs["foundation"], d(2019, 5, 1), InspectionKind.RANDOM)):  # last year
        Inspection.objects.create(organisation=org, kind=kind, method=InspectionMethod.ON_SITE, inspected_on=on,
                                  inspectors="甲、乙")
    figure = value("social_orgs.inspection_ratio", world.district_a)
    assert (figure.numerator, figure.denominator, figure.value) == (1, 5, Decimal("20.0000"))


def test_grades_held_at_the_end_of_the_year(world, orgs):
    Evaluation.objects.create(organisation=orgs["group"], grade=Grade.A3, evaluated_on=d(2017, 6, 1))  # to 2022
    Evaluation.objects.create(organisation=orgs["service"], grade=Grade.A3, evaluated_on=d(2015, 6, 1))  # lapsed 2020-05
    Evaluation.objects.create(organisation=orgs["foundation"], grade=Grade.A5, evaluated_on=d(2020, 12, 1))
    Evaluation.objects.create(organisation=orgs["group2"], grade=Grade.A4, evaluated_on=d(2021, 1, 5))  # after
    assert value("social_orgs.grade_3a", world.district_a).value == 1
    assert value("social_orgs.grade_5a", world.district_a).value == 1
    assert value("social_orgs.grade_4a", world.district_a) is None or value(
        "social_orgs.grade_4a", world.district_a).value in (0, None)
