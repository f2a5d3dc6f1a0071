"""A non-additive indicator (a median): histograms rolled up the tree, the figure read from each area's own.

Crafted so that every wrong way of rolling a median up gives another number: the mean of the rows, the
mean of the children's medians and the median of the children's medians all differ from the true median.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, IntegerField, Value, When

from core.choices import AreaLevel
from core.models import Area
from reports import engine
from reports.periods import Period
from reports.registry import Distribution, Indicator, Measure, Unit, quantile_of, register
from tests.factories import make_area

pytestmark = pytest.mark.django_db

# grid code suffix -> the whole number its row carries
A = {"001": 1, "002": 2, "003": 30}  # community A: median 2 (mean 11)
B = {"001": 5, "002": 6}  # community B: median 5.5
# the street: 1, 2, 5, 6, 30 -> median 5; mean 8.8; mean of the medians 3.75; median of the medians 3.75


@pytest.fixture
def tree():
    city = make_area("349900000000", AreaLevel.CITY)
    district = make_area("349901000000", AreaLevel.COUNTY, city)
    street = make_area("349901001000", AreaLevel.TOWNSHIP, district)
    a = make_area("349901001001", AreaLevel.COMMUNITY, street)
    b = make_area("349901001002", AreaLevel.COMMUNITY, street)
    empty = make_area("349901001003", AreaLevel.COMMUNITY, street)
    cases = []
    for community, numbers in ((a, A), (b, B)):
        for suffix, n in numbers.items():
            grid = make_area(community.code + suffix, AreaLevel.GRID, community)
            cases.append(When(code=grid.code, then=Value(n)))
    return {"street": street, "a": a, "b": b, "empty": empty, "city": city,
            "value": Case(*cases, default=None, output_field=IntegerField())}


def _median_indicator(value):
    return Indicator(
        code="test.median_number", name="median number", unit=Unit.RATIO,
        numerator=Distribution(lambda p: Area.objects.filter(level=AreaLevel.GRID, code__startswith="3499"),
                               value=value, area_path="id", missing_reason="nothing in %(area)s"),
        lowest_level=AreaLevel.COMMUNITY,
    )


def test_a_median_is_read_from_each_areas_own_rows_not_averaged_up_the_tree(tree):
    result = engine.compute([_median_indicator(tree["value"])], Period.parse("2020"))
    by_area = {c.area_id: c for c in result.values}
    a, b, street, city = (by_area[tree[k].pk] for k in ("a", "b", "street", "city"))
    assert a.value == Decimal("2.0000") and a.numerator == 3  # 1, 2, 30: not the mean 11
    assert b.value == Decimal("5.5000") and b.numerator == 2  # an even count: the two middle values' mean
    assert street.value == Decimal("5.0000") and street.numerator == 5  # not 8.8, not 3.75
    assert city.value == Decimal("5.0000")
    assert street.denominator is None
    # one grouped query for the distribution, whatever the number of areas
    assert result.queries == 1


def test_an_area_without_a_row_has_no_median_and_says_why(tree):
    result = engine.compute([_median_indicator(tree["value"])], Period.parse("2020"))
    empty = next(c for c in result.values if c.area_id == tree["empty"].pk)
    assert empty.value is None and empty.note == f"nothing in {tree['empty'].prefix}"


def test_grids_are_below_the_lowest_level_and_get_no_value(tree):
    result = engine.compute([_median_indicator(tree["value"])], Period.parse("2020"))
    levels = set(Area.objects.filter(pk__in=[c.area_id for c in result.values]).values_list("level", flat=True))
    assert AreaLevel.GRID not in levels


@pytest.mark.parametrize(("histogram", "q", "expected"), [
    ({4: 1}, 0.5, 4),
    ({2: 1, 4: 1}, 0.5, 3),
    ({1: 1, 2: 1, 30: 1}, 0.5, 2),
    ({0: 3, 10: 1}, 0.5, 0),  # three zeros and a ten: 0, not the mean 2.5
    ({1: 2, 3: 2}, 0.5, 2),
    ({1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, 0.9, 4.6),
    ({}, 0.5, None),
])
def test_quantile_of_a_histogram(histogram, q, expected):
    got = quantile_of(histogram, sum(histogram.values()), q)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_a_distribution_takes_no_denominator():
    with pytest.raises(ImproperlyConfigured):
        register(Indicator(code="test.bad_median", name="bad", unit=Unit.RATIO,
                           numerator=Distribution(lambda p: Area.objects.all(), value=Value(1)),
                           denominator=Measure(lambda p: Area.objects.all())))
