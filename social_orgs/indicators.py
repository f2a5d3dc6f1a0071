"""Indicators of the social-organisations app (domain.md §3), each one grouped query per measure.

List stocks are read at the end of the period (listed by then, not left by then), so a later
night's timers never change a past year's figure.
"""

from django.db.models import Count, F, Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.choices import AreaKind, AreaLevel
from reports.registry import DaysBetween, Distribution, Indicator, Measure, Target, Unit, register

from .choices import Grade, InspectionKind, InspectionMethod, ListType, OrgStatus, OrgType, SupportKind

SOURCE_2020 = _("City figure for 2020 reported by the Civil Affairs Bureau")


def _registered(period):
    from .models import Organisation

    return Organisation.objects.filter(founded_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=period.end))


def _revoked(period):
    from .models import StatusChange

    return StatusChange.objects.filter(to_status=OrgStatus.REVOKED, on__range=(period.start, period.end))


def _listed(list_type):
    def queryset(period):
        from .models import CreditListing

        return CreditListing.objects.filter(list_type=list_type, listed_on__lte=period.end).filter(
            Q(exited_on__isnull=True) | Q(exited_on__gt=period.end))

    return queryset


def _inspections(**filters):
    def queryset(period):
        from .models import Inspection

        return Inspection.objects.filter(inspected_on__range=(period.start, period.end), **filters)

    return queryset


def _directory(period):
    from .models import DirectoryEntry

    return DirectoryEntry.objects.filter(year=period.year, included=True)


def _grants(kind):
    def queryset(period):
        from .models import SupportGrant

        return SupportGrant.objects.filter(kind=kind, granted_on__range=(period.start, period.end))

    return queryset


def _community_orgs(kind):
    def queryset(period):
        from .models import CommunityOrg

        return CommunityOrg.objects.filter(filed_on__lte=period.end, area__kind=kind)

    return queryset


def _communities(kind):
    def queryset(period):
        from core.models import Area

        return Area.objects.valid_on(period.end).filter(level=AreaLevel.COMMUNITY, kind=kind)

    return queryset


def _with_party_org(period):
    return _registered(period).filter(has_party_org=True)


ORG = "organisation__area"
registered = Measure(_registered, area_path="area", aggregate=Count("id"),
                     missing_reason=_("no social organisation registered in %(area)s by %(period)s"))

register(Indicator(code="social_orgs.registered", name=_("Registered social organisations"), unit=Unit.COUNT,
                   numerator=registered, lowest_level=AreaLevel.COMMUNITY, order=50))
register(Indicator(code="social_orgs.revoked", name=_("Social organisations revoked in the year"), unit=Unit.COUNT,
                   numerator=Measure(_revoked, area_path=ORG), lowest_level=AreaLevel.COUNTY, order=51,
                   source=_("5 zombie organisations revoked (2020)")))
register(Indicator(code="social_orgs.serious_list", name=_("On the serious illegal and dishonest list"),
                   unit=Unit.COUNT, numerator=Measure(_listed(ListType.SERIOUS), area_path=ORG),
                   lowest_level=AreaLevel.COUNTY, order=52, source=_("14 organisations (2020)")))
register(Indicator(code="social_orgs.abnormal_list", name=_("On the abnormal-activities list"), unit=Unit.COUNT,
                   numerator=Measure(_listed(ListType.ABNORMAL), area_path=ORG), lowest_level=AreaLevel.COUNTY,
                   order=53, source=_("23 organisations (2020)")))
register(Indicator(code="social_orgs.onsite_inspections", name=_("On-site random inspections (双随机一公开)"),
                   unit=Unit.COUNT, numerator=Measure(_inspections(kind=InspectionKind.RANDOM,
                                                                   method=InspectionMethod.ON_SITE), area_path=ORG),
                   lowest_level=AreaLevel.COUNTY, order=54, source=_("5 organisations inspected on site (2020)")))
register(Indicator(code="social_orgs.fee_inspected", name=_("Industry associations and chambers fee-inspected"),
                   unit=Unit.COUNT, numerator=Measure(_inspections(kind=InspectionKind.FEE), area_path=ORG,
                                                      aggregate=Count("organisation", distinct=True)),
                   lowest_level=AreaLevel.COUNTY, order=55, source=_("55 associations and chambers (2020)")))
register(Indicator(code="social_orgs.directory", name=_("Purchase directory (3A and above)"), unit=Unit.COUNT,
                   numerator=Measure(_directory, area_path=ORG), lowest_level=AreaLevel.COUNTY, order=56,
                   source=_("45 organisations rated 3A or above (2020)")))
register(Indicator(code="social_orgs.venture_grants", name=_("Venture-philanthropy projects granted"),
                   unit=Unit.COUNT, numerator=Measure(_grants(SupportKind.VENTURE), area_path="area"),
                   lowest_level=AreaLevel.COUNTY, order=57, source=_("5 projects (2020)")))
register(Indicator(code="social_orgs.venture_yuan", name=_("Venture-philanthropy grants"), unit=Unit.YUAN,
                   numerator=Measure(_grants(SupportKind.VENTURE), area_path="area", aggregate=Sum("amount")),
                   lowest_level=AreaLevel.COUNTY, order=58, source=_("300,000 yuan (2020)")))
register(Indicator(code="social_orgs.lottery_yuan", name=_("Welfare-lottery funds for social organisations"),
                   unit=Unit.YUAN, numerator=Measure(_grants(SupportKind.LOTTERY), area_path="area",
                                                     aggregate=Sum("amount")),
                   lowest_level=AreaLevel.COUNTY, order=59, source=_("400,000 yuan a year")))
register(Indicator(code="social_orgs.party_org_coverage", name=_("Registered organisations with a party organisation"),
                   unit=Unit.PERCENT, numerator=Measure(_with_party_org, area_path="area",
                                                        aggregate=Count("id")),
                   denominator=registered, lowest_level=AreaLevel.COUNTY, order=60))
for kind, code, name, target in [
    (AreaKind.URBAN, "urban", _("Community social organisations per urban community (city average)"), 10),
    (AreaKind.RURAL, "rural", _("Community social organisations per rural community (city average)"), 5),
]:
    register(Indicator(
        code=f"social_orgs.community_orgs_per_{code}", name=name, unit=Unit.RATIO,
        numerator=Measure(_community_orgs(kind), area_path="area"),
        denominator=Measure(_communities(kind), area_path="id", aggregate=Count("id"),
                            missing_reason=_("no such community in %(area)s")),
        # A city average (民发〔2017〕191号), not a quota of each community: shown for the city only.
        lowest_level=AreaLevel.CITY, target=Target(">=", target), order=61,
        source=_("民发〔2017〕191号: on average ≥10 per urban and ≥5 per rural community by 2020"),
    ))


# Flows of each credit list in the period: entries (inflow), departures (outflow: left the list, or moved on
# to the serious list), and the median days a departure had spent on the list (a true median, rolled up as a
# histogram by the reports engine). Escalations count as leaving the abnormal list, not as an exit earned.
def _entered(list_type):
    def queryset(period):
        from .models import CreditListing

        return CreditListing.objects.filter(list_type=list_type, listed_on__range=(period.start, period.end))

    return queryset


def _left(list_type):
    def queryset(period):
        from .models import CreditListing

        return CreditListing.objects.filter(list_type=list_type, exited_on__range=(period.start, period.end))

    return queryset


def _exited(list_type):
    def queryset(period):
        from .choices import ListingStatus
        from .models import CreditListing

        return CreditListing.objects.filter(list_type=list_type, status=ListingStatus.EXITED,
                                            exited_on__range=(period.start, period.end))

    return queryset


FLOW_NAMES = {
    ListType.ABNORMAL: (_("Entered the abnormal-activities list in the year"),
                        _("Left the abnormal-activities list in the year"),
                        _("Days on the abnormal-activities list before leaving it (median)")),
    ListType.SERIOUS: (_("Entered the serious illegal and dishonest list in the year"),
                       _("Left the serious illegal and dishonest list in the year"),
                       _("Days on the serious illegal and dishonest list before leaving it (median)")),
}
for _order, (_type, (_entered_name, _left_name, _days_name)) in enumerate(FLOW_NAMES.items()):
    register(Indicator(code=f"social_orgs.{_type}_entered", name=_entered_name, unit=Unit.COUNT,
                       numerator=Measure(_entered(_type), area_path=ORG), lowest_level=AreaLevel.COUNTY,
                       order=62 + 3 * _order))
    register(Indicator(code=f"social_orgs.{_type}_left", name=_left_name, unit=Unit.COUNT,
                       numerator=Measure(_left(_type), area_path=ORG), lowest_level=AreaLevel.COUNTY,
                       order=63 + 3 * _order, description=_("Exits and moves to the serious list dated in the year.")))
    register(Indicator(
        code=f"social_orgs.{_type}_days_to_exit", name=_days_name, unit=Unit.RATIO,
        numerator=Distribution(_exited(_type), value=DaysBetween(F("exited_on"), F("listed_on")), area_path=ORG,
                               missing_reason=_("no organisation of %(area)s left the list in %(period)s")),
        lowest_level=AreaLevel.COUNTY, order=64 + 3 * _order,
        description=_("Calendar days from listing to leaving, over the exits in the year: half left within this.")))


# --- the registry by type, status changes, reports on time, inspection ratio, grades ------------------------------
def _registered_of(org_type):
    def queryset(period):
        return _registered(period).filter(org_type=org_type)

    return queryset


def _deregistered(period):
    from .models import StatusChange

    return StatusChange.objects.filter(to_status=OrgStatus.DEREGISTERED, on__range=(period.start, period.end))


TYPE_NAMES = {
    OrgType.GROUP: _("Registered social groups (社会团体)"),
    OrgType.SERVICE: _("Registered social service agencies (社会服务机构)"),
    OrgType.FOUNDATION: _("Registered foundations (基金会)"),
}
for _i, (_type, _name) in enumerate(TYPE_NAMES.items()):
    register(Indicator(code=f"social_orgs.registered_{_type}", name=_name, unit=Unit.COUNT,
                       numerator=Measure(_registered_of(_type), area_path="area", aggregate=Count("id")),
                       lowest_level=AreaLevel.COMMUNITY, order=70 + _i))
register(Indicator(code="social_orgs.deregistered", name=_("Social organisations deregistered in the year"),
                   unit=Unit.COUNT, numerator=Measure(_deregistered, area_path=ORG), lowest_level=AreaLevel.COUNTY,
                   order=73))


# Annual reports on time: the reports on the year before the period, filed with the registration authority by
# its deadline (31 May; foundations 31 March: rule values, social_orgs.rules), over the organisations registered
# at the end of that year. A period's figure is the reporting season that falls in it.
def _report_year(period):
    import datetime

    return period.start.year - 1, datetime.date(period.start.year - 1, 12, 31)


def _reports_on_time(period):
    from .models import AnnualReport
    from .rules import report_deadlines

    year, _end = _report_year(period)
    on_time = Q()
    for org_type in OrgType.values:
        on_time |= Q(organisation__org_type=org_type, submitted_on__lte=report_deadlines(org_type, year)[1])
    return AnnualReport.objects.filter(on_time, year=year, submitted_on__isnull=False)


def _due_to_report(period):
    from .models import Organisation

    _year, end = _report_year(period)
    return Organisation.objects.filter(founded_on__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))


register(Indicator(code="social_orgs.reports_on_time", name=_("Annual reports filed on time"), unit=Unit.PERCENT,
                   numerator=Measure(_reports_on_time, area_path=ORG, aggregate=Count("organisation", distinct=True)),
                   denominator=Measure(_due_to_report, area_path="area", aggregate=Count("id"),
                                       missing_reason=_("no organisation in %(area)s had to report")),
                   lowest_level=AreaLevel.COUNTY, order=74,
                   description=_("Reports on the previous year filed with the registration authority by the deadline, "
                                 "over the organisations registered at the end of that year.")))


# Random inspections (双随机一公开): organisations inspected in the year over those registered; the minimum is
# 3% for a county's registry (4% the city's, 5% a province's), shown as the county's target.
def _randomly_inspected(period):
    return _inspections(kind=InspectionKind.RANDOM)(period)


register(Indicator(code="social_orgs.inspection_ratio", name=_("Share of registered organisations randomly inspected"),
                   unit=Unit.PERCENT,
                   numerator=Measure(_randomly_inspected, area_path=ORG, aggregate=Count("organisation", distinct=True)),
                   denominator=registered, lowest_level=AreaLevel.COUNTY, order=75,
                   target=Target(">=", 3, level=AreaLevel.COUNTY),
                   source=_("Minimum ratios: county 3%, city 4%, province 5%")))


# Grades (1A–5A, valid five years): the organisations holding each grade at the end of the period.
def _graded(grade):
    def queryset(period):
        from .models import Evaluation

        return Evaluation.objects.filter(grade=grade, evaluated_on__lte=period.end, valid_until__gte=period.end)

    return queryset


for _grade, _label in Grade.choices:
    register(Indicator(code=f"social_orgs.grade_{_grade}a", name=format_lazy(_("Organisations graded {grade}"), grade=_label),
                       unit=Unit.COUNT,
                       numerator=Measure(_graded(_grade), area_path=ORG, aggregate=Count("organisation", distinct=True)),
                       lowest_level=AreaLevel.COUNTY, order=76 + _grade))
