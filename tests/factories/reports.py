"""Stored indicator values and a small territory with known records for the reports tests."""

import itertools
from decimal import Decimal

from django.utils import timezone

from core.choices import AreaLevel
from reports.models import IndicatorValue
from tests.factories import make_area, population

_years = itertools.count(1990)


def indicator_value(area, indicator="territory.grids", period=None, value=Decimal(1), numerator=None,
                    denominator=None, note=""):
    return IndicatorValue.objects.create(
        indicator=indicator, area=area, period=period or str(next(_years)), value=value,
        numerator=value if numerator is None else numerator, denominator=denominator, note=note,
        computed_at=timezone.now())


def known_territory(world):
    """The world's territory plus a second grid and population for 2020:

    community A (urban, 2 grids) 1,000 residents / 1,100 registered; community B (urban, no grid)
    3,000 / 2,900; village B (rural) 2,000 / 2,500.
    """
    make_area("340302001001002", AreaLevel.GRID, world.community_a, "第2网格")
    population(world.community_a, 2020, resident=1000, registered=1100)
    population(world.community_b, 2020, resident=3000, registered=2900)
    population(world.village_b, 2020, resident=2000, registered=2500)
    return world
