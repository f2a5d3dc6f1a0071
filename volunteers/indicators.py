"""Indicators of the volunteers app (domain.md §4), each one grouped query per measure."""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from reports.registry import Indicator, Measure, Target, Unit, register, registered_population, resident_population

from .choices import VolunteerStatus


def _volunteers(period):
    from .models import Volunteer

    return Volunteer.objects.filter(registered_on__lte=period.end).exclude(status=VolunteerStatus.CANCELLED)


def _with_hours(period):
    return _volunteers(period).filter(approved_hours__gt=0)


def _trained(period):
    from .models import TrainingAttendance

    return TrainingAttendance.objects.filter(session__held_on__lte=period.end)


def _social_workers(period):
    from .models import SocialWorker

    return SocialWorker.objects.filter(certified_year__lte=period.year)


registered = Measure(_volunteers, area_path="area", aggregate=Count("id"),
                     missing_reason=_("no volunteers registered in %(area)s by %(period)s"))

register(Indicator(
    code="volunteers.registered", name=_("Real-name registered volunteers"), unit=Unit.COUNT,
    numerator=registered, lowest_level=AreaLevel.COMMUNITY,
    source=_("National volunteer information system (全国志愿服务信息系统)"),
))
register(Indicator(
    code="volunteers.registered_share", name=_("Real-name volunteers as a share of resident population"),
    unit=Unit.PERCENT, numerator=registered, denominator=resident_population(), lowest_level=AreaLevel.COMMUNITY,
    target=Target(">=", 25.3), source=_("City figure for 2020 reported by the Civil Affairs Bureau: 25.3%"),
))
register(Indicator(
    code="volunteers.with_hours_share", name=_("Volunteers with approved service hours"), unit=Unit.PERCENT,
    numerator=Measure(_with_hours, area_path="area", aggregate=Count("id")), denominator=registered,
    lowest_level=AreaLevel.COMMUNITY, target=Target(">=", 51),
    source=_("City figure for 2020 reported by the Civil Affairs Bureau: 51%"),
))
register(Indicator(
    code="volunteers.hours_per_volunteer", name=_("Approved service hours per registered volunteer"),
    unit=Unit.RATIO, numerator=Measure(_volunteers, area_path="area", aggregate=Sum("approved_hours")),
    denominator=registered, lowest_level=AreaLevel.COMMUNITY,
    description=_("National reference: 13.85 hours per registered volunteer (2017-06-30)."),
))
register(Indicator(
    code="volunteers.trained", name=_("People trained in volunteer service"), unit=Unit.COUNT,
    numerator=Measure(_trained, area_path="volunteer__area", aggregate=Count("volunteer", distinct=True)),
    lowest_level=AreaLevel.COMMUNITY, target=Target(">=", 1500, level=AreaLevel.COUNTY),
    source=_("1,500+ trained jointly with the civilisation office, per district/county"),
))
register(Indicator(
    code="volunteers.social_workers_per_mille", name=_("Social-work professionals per 1,000 registered population"),
    unit=Unit.PERMILLE, numerator=Measure(_social_workers, area_path="area", aggregate=Count("id")),
    denominator=registered_population(), lowest_level=AreaLevel.COMMUNITY, target=Target(">=", 3.07),
    source=_("Pilot requirement: 3.07‰ of the registered population"),
))

