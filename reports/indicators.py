"""Indicators of the territory itself: how many communities, villages, grids and people an area has.

Every area is a row of ``core.Area`` counted at itself (``area_path="id"``) and rolled up the tree;
population comes from ``core.AreaPopulation`` of the period's year.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.choices import AreaKind, AreaLevel
from core.models import Area

from .registry import Indicator, Measure, Unit, register, registered_population, resident_population


def _areas(**filters) -> Measure:
    # The areas in force at the end of the period (期末数): a grid split during the year counts as its
    # successors, not as both (Area.valid_on).
    return Measure(lambda period: Area.objects.valid_on(period.end).filter(**filters), area_path="id",
                   aggregate=Count("id"))


URBAN_COMMUNITIES = _areas(level=AreaLevel.COMMUNITY, kind=AreaKind.URBAN)
GRIDS = _areas(level=AreaLevel.GRID)

register(Indicator(
    code="territory.townships", name=_("Streets and townships"), unit=Unit.COUNT,
    numerator=_areas(level=AreaLevel.TOWNSHIP), lowest_level=AreaLevel.COUNTY, order=10,
))
register(Indicator(
    code="territory.urban_communities", name=_("Urban communities"), unit=Unit.COUNT,
    numerator=URBAN_COMMUNITIES, lowest_level=AreaLevel.TOWNSHIP, order=11,
    source=_("143 urban communities in the four districts (2020)"),
))
register(Indicator(
    code="territory.rural_communities", name=_("Villages (rural communities)"), unit=Unit.COUNT,
    numerator=_areas(level=AreaLevel.COMMUNITY, kind=AreaKind.RURAL), lowest_level=AreaLevel.TOWNSHIP, order=12,
))
register(Indicator(
    code="territory.grids", name=_("Grids"), unit=Unit.COUNT, numerator=GRIDS,
    lowest_level=AreaLevel.COMMUNITY, order=13, source=_("2,461 urban community grids (2020)"),
))
register(Indicator(
    code="territory.grids_per_urban_community", name=_("Grids per urban community"), unit=Unit.RATIO,
    numerator=GRIDS,
    denominator=Measure(URBAN_COMMUNITIES.queryset, area_path="id", aggregate=Count("id"),
                        missing_reason=_("no urban community recorded in %(area)s")),
    lowest_level=AreaLevel.TOWNSHIP, order=14,
))
register(Indicator(
    code="territory.resident_population", name=_("Resident population"), unit=Unit.COUNT,
    numerator=resident_population(), lowest_level=AreaLevel.COMMUNITY, order=15,
    source=_("3,400,000 residents (常住人口) in 2020"),
))
register(Indicator(
    code="territory.registered_population", name=_("Registered population"), unit=Unit.COUNT,
    numerator=registered_population(), lowest_level=AreaLevel.COMMUNITY, order=16,
    source=_("3,830,000 registered residents (户籍人口) in 2020"),
))
