"""The credit lists' flows in a year, on crafted data: entries, departures and the median days a departure
spent on the list (a true median: the mean and the districts' medians differ from it on purpose)."""

import datetime
from decimal import Decimal

import pytest

from reports.engine import compute
from reports.periods import Period
from reports.registry import REGISTRY
from social_orgs.choices import ListingReason, ListingStatus, ListType
from social_orgs.models import CreditListing
from tests.factories.social_orgs import organisation

pytestmark = pytest.mark.django_db
YEAR = Period.parse("2020")


def listing(org, listed, left=None, status=ListingStatus.EXITED, list_type=ListType.ABNORMAL):
    return CreditListing.objects.create(
        organisation=org, list_type=list_type, reason=ListingReason.choices[0][0], listed_on=listed,
        clock_from=listed, status=status if left else ListingStatus.LISTED, exited_on=left)


def values(code, *areas):
    by_area = {v.area_id: v for v in compute([REGISTRY[code]], YEAR).values}
    return [by_area.get(a.pk) for a in areas]


def test_entries_departures_and_the_median_days_to_exit(world):
    a1, a2 = organisation(world.community_a), organisation(world.community_a)
    b1 = organisation(world.community_b)
    d = datetime.date
    listing(a1, d(2020, 1, 1), d(2020, 1, 11))  # 10 days
    listing(a2, d(2020, 2, 1), d(2020, 3, 2))  # 30 days
    listing(b1, d(2020, 4, 1), d(2020, 4, 3))  # 2 days: the city's median is 10 (mean 14; districts 20 and 2)
    listing(b1, d(2019, 6, 1), d(2020, 6, 1), status=ListingStatus.ESCALATED)  # left, moved on: no exit earned
    listing(a1, d(2020, 9, 1))  # still listed: entered, not left
    listing(a2, d(2019, 1, 1), d(2019, 2, 1))  # left in another year
    listing(b1, d(2020, 5, 1), d(2020, 5, 31), list_type=ListType.SERIOUS)  # the other list
    city, district_a, district_b = values("social_orgs.abnormal_days_to_exit", world.city, world.district_a,
                                          world.district_b)
    assert (city.numerator, city.value) == (3, Decimal("10.0000"))
    assert district_a.value == Decimal("20.0000") and district_b.value == Decimal("2.0000")
    assert values("social_orgs.abnormal_entered", world.city)[0].value == 4  # three exits' entries of 2020 + one
    assert values("social_orgs.abnormal_left", world.city)[0].value == 4  # three exits and the escalation
    assert values("social_orgs.serious_days_to_exit", world.city)[0].value == Decimal("30.0000")
