"""Indicators of grid management and community work (domain.md §2): grids with a published board,
posts approved/filled/vacant, workers per grid, the pilots' share of the districts' urban communities
(66 of 143 = 46.2% in 2020), smart-community pilots, patrols, incidents by on-time class, days to
close, reopen rate, window requests done the same day, refused unlisted tasks, certificates by type.

The engine (reports.engine) sums each measure per area and up the tree, so most figures here are sums
or ratios of sums. "Time to close" is a median, which is not a sum of its parts: it is a
``Distribution`` (the engine counts incidents per whole day and area, adds the counts up the tree and
reads each area's median from its own histogram)."""

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AreaKind, AreaLevel
from core.models import Area
from reports.registry import DaysBetween, Distribution, Indicator, Measure, Target, Unit, register

from .choices import OnTime, PilotKind, State, TaskState

# GB/T 2260: positions 5-6 from 01 to 20 are districts (市辖区); 21+ counties and county-level cities.
DISTRICT_CODE = r"^[0-9]{4}(0[1-9]|1[0-9]|20)"


def _district_communities(period):
    return (Area.objects.valid_on(period.end)
            .filter(level=AreaLevel.COMMUNITY, kind=AreaKind.URBAN, code__regex=DISTRICT_CODE))


def _pilots(kind):
    def queryset(period):
        from .models import Pilot

        return Pilot.objects.filter(year=period.year, kind=kind)
    return queryset


def _quotas(period):
    from .models import PostQuota

    return PostQuota.objects.filter(year=period.year)


def _workers(period):
    """Persons in post at the period's end, each once (grids.people.one_per_person: where their latest post is)."""
    from .models import CommunityWorker
    from .people import in_post_on, one_per_person

    return one_per_person(in_post_on(CommunityWorker.objects.all(), period.end))


def _grids(period):
    return Area.objects.valid_on(period.end).filter(level=AreaLevel.GRID)


def _published(period):
    from .models import GridProfile

    return GridProfile.objects.filter(published=True, area__in=_grids(period))


def _visits(period):
    from .models import PatrolVisit

    return PatrolVisit.objects.filter(started_at__date__gte=period.start, started_at__date__lte=period.end)


def _incidents(period):
    """Incidents filed in the period, classed as of the period's end (or today, while it runs)."""
    from .models import Incident

    as_of = min(period.end, timezone.localdate())
    return (Incident.objects.filter(filed_at__date__gte=period.start, filed_at__date__lte=period.end)
            .with_on_time_class(as_of))


def _window_requests(period):
    from .models import WindowRequest

    return WindowRequest.objects.filter(received_at__date__gte=period.start, received_at__date__lte=period.end)


def _refused_tasks(period):
    from .models import CommunityTask

    return CommunityTask.objects.filter(state=TaskState.REFUSED, decided_on__gte=period.start,
                                        decided_on__lte=period.end)


def _certificates(period):
    from .models import Certificate

    return Certificate.objects.filter(issued_on__gte=period.start, issued_on__lte=period.end)


DISTRICT_COMMUNITIES = Measure(_district_communities, area_path="id", aggregate=Count("id"),
                               missing_reason=_("no urban community of a district in %(area)s"))
GRIDS = Measure(_grids, area_path="id", aggregate=Count("id"), missing_reason=_("no grid in %(area)s"))


def _quota(field):
    return Measure(_quotas, area_path="area", aggregate=Sum(field))


register(Indicator(
    code="grids.published_boards", name=_("Grids with a published contact board"), unit=Unit.PERCENT,
    numerator=Measure(_published, area_path="area", aggregate=Count("id")), denominator=GRIDS,
    lowest_level=AreaLevel.COMMUNITY, order=60, target=Target(">=", 100),
    source=_("Grid name, extent, worker, service and complaints phone posted publicly (滨州条例 Art. 6)"),
))
register(Indicator(
    code="grids.posts_approved", name=_("Community-worker posts approved"), unit=Unit.COUNT,
    numerator=_quota("approved"), lowest_level=AreaLevel.COMMUNITY, order=61,
    source=_("2,744 posts approved in the four districts (2020)"),
))
register(Indicator(
    code="grids.posts_filled", name=_("Community-worker posts filled"), unit=Unit.COUNT,
    numerator=_quota("filled"), lowest_level=AreaLevel.COMMUNITY, order=62,
))
register(Indicator(
    code="grids.posts_vacant", name=_("Community-worker posts vacant"), unit=Unit.COUNT,
    numerator=_quota("vacant"), lowest_level=AreaLevel.COMMUNITY, order=63,
))
register(Indicator(
    code="grids.workers_per_grid", name=_("Community workers per grid"), unit=Unit.RATIO,
    numerator=Measure(_workers, area_path="area", aggregate=Count("id")), denominator=GRIDS,
    lowest_level=AreaLevel.COMMUNITY, order=64, description=_("2,744 posts over 2,461 grids ≈ 1.1 at full staffing."),
))
register(Indicator(
    code="grids.generalist_pilot_share", name=_("Generalist social work pilots among the districts' urban communities"),
    unit=Unit.PERCENT, numerator=Measure(_pilots(PilotKind.GENERALIST), area_path="area", aggregate=Count("id")),
    denominator=DISTRICT_COMMUNITIES, lowest_level=AreaLevel.TOWNSHIP, order=65, target=Target(">=", 46.2),
    source=_("Pilot communities among the urban communities of the city's districts in 2020: 66, 46.2%"),
))
register(Indicator(
    code="grids.smart_pilots", name=_("Provincial smart-community pilots"), unit=Unit.COUNT,
    numerator=Measure(_pilots(PilotKind.SMART), area_path="area", aggregate=Count("id")),
    lowest_level=AreaLevel.COMMUNITY, order=66, source=_("3 provincial smart-community pilots (2020)"),
))
register(Indicator(
    code="grids.patrol_visits", name=_("Patrol visits"), unit=Unit.COUNT,
    numerator=Measure(_visits, area_path="area", aggregate=Count("id")), lowest_level=AreaLevel.GRID, order=67,
))
for order, (cls, name) in enumerate([
        (OnTime.CLOSED_ON_TIME, _("Incidents closed on time")),
        (OnTime.PENDING_ON_TIME, _("Incidents pending, on time")),
        (OnTime.CLOSED_OVERDUE, _("Incidents closed overdue")),
        (OnTime.PENDING_OVERDUE, _("Incidents pending, overdue"))]):
    register(Indicator(
        code=f"grids.incidents_{cls}", name=name, unit=Unit.COUNT, order=70 + order, lowest_level=AreaLevel.GRID,
        numerator=Measure(_incidents, area_path="area", aggregate=Count("id", filter=Q(on_time_class=cls))),
        source=_("Filed in the period; classed on the working-day time limit"),
    ))

# Time to close: calendar days from the filing day to the closing day, over the incidents filed in the
# period and closed (a reopened incident is not closed until it is closed again).
CLOSED = Q(state=State.CLOSED, closed_on__isnull=False)


def _closed_incidents(period):
    """Closed incidents filed in the period's local days, as a range of the stored instant (an index-friendly
    comparison, not a conversion of every row's time to a date)."""
    import datetime

    from .models import Incident

    def midnight(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return Incident.objects.filter(CLOSED, filed_at__gte=midnight(period.start),
                                   filed_at__lt=midnight(period.end + datetime.timedelta(days=1)))


DAYS_TO_CLOSE = DaysBetween(F("closed_on"), TruncDate("filed_at"))
register(Indicator(
    code="grids.incident_days_to_close", name=_("Days from filing to closing an incident (median)"),
    unit=Unit.RATIO,
    numerator=Distribution(_closed_incidents, value=DAYS_TO_CLOSE, area_path="area",
                           missing_reason=_("no incident filed in %(area)s in %(period)s has been closed")),
    lowest_level=AreaLevel.GRID, order=74,
    description=_("Calendar days, over the incidents filed in the period and closed: half took at most this long."),
))
# Reopen rate: of the incidents that were closed (or ended unable) at least once, the share reopened on a
# complaint. An incident reopened and still open was closed once, so it counts in both.
REOPENED = Q(reopened_count__gt=0)
register(Indicator(
    code="grids.incident_reopen_rate", name=_("Incidents reopened on a complaint"), unit=Unit.PERCENT,
    numerator=Measure(_incidents, area_path="area", aggregate=Count("id", filter=REOPENED)),
    denominator=Measure(_incidents, area_path="area",
                        aggregate=Count("id", filter=REOPENED | Q(state__in=[State.CLOSED, State.UNABLE])),
                        missing_reason=_("no incident filed in %(area)s in %(period)s has been closed")),
    lowest_level=AreaLevel.GRID, order=75,
    source=_("Share of the closed incidents reopened on a complaint"),
))
register(Indicator(
    code="grids.window_same_day", name=_("Window requests done the same day"), unit=Unit.PERCENT,
    numerator=Measure(_window_requests, area_path="area",
                      aggregate=Count("id", filter=Q(done_at__date=F("received_at__date")))),
    denominator=Measure(_window_requests, area_path="area", aggregate=Count("id"),
                        missing_reason=_("no window request received in %(area)s in %(period)s")),
    lowest_level=AreaLevel.COMMUNITY, order=76,
    source=_("Received at the one window in the period and done on the day they were received"),
))
register(Indicator(
    code="grids.tasks_refused", name=_("Unlisted tasks refused by communities"), unit=Unit.COUNT,
    numerator=Measure(_refused_tasks, area_path="area", aggregate=Count("id")), lowest_level=AreaLevel.COMMUNITY,
    order=77, source=_("Tasks citing no listed item and no admitted request, refused in the period"),
))
register(Indicator(
    code="grids.certificates_issued", name=_("Certificates issued by communities"), unit=Unit.COUNT,
    numerator=Measure(_certificates, area_path="area", aggregate=Count("id")), lowest_level=AreaLevel.COMMUNITY,
    order=78,
))
# By type: the types the city's list starts with (migration 0004); a type the city adds later counts in
# the total above.
for order, (code, name) in enumerate([
        ("residence", _("Residence certificates issued")),
        ("rental", _("Tenancy certificates issued")),
        ("poor_student", _("Certificates of a student's family hardship issued")),
        ("title_origin", _("Statements of a house's title origin issued"))]):
    register(Indicator(
        code=f"grids.certificates_{code}", name=name, unit=Unit.COUNT, order=79 + order,
        lowest_level=AreaLevel.COMMUNITY,
        numerator=Measure(_certificates, area_path="area", aggregate=Count("id", filter=Q(cert_type__code=code))),
    ))


# --- the register of assessments of communities (grids/assessments.py) -----------------------------------
def _own_assessments(period):
    """Assessments held in the period outside the government's unified assessment (各职能部门单独组织)."""
    from .assessments import CommunityAssessment

    return CommunityAssessment.objects.filter(unified=False, held_on__gte=period.start, held_on__lte=period.end)


register(Indicator(
    code="grids.assessments_own", name=_("Assessments of communities outside the unified assessment"),
    unit=Unit.COUNT, numerator=Measure(_own_assessments, area_path="area", aggregate=Count("id")),
    lowest_level=AreaLevel.COMMUNITY, order=83,
    source=_("Inspections, rankings and assessments held by a department on its own in the period"),
))
register(Indicator(
    code="grids.assessments_refused", name=_("Assessments refused by communities"), unit=Unit.COUNT,
    numerator=Measure(_own_assessments, area_path="area", aggregate=Count("id", filter=Q(state="refused"))),
    lowest_level=AreaLevel.COMMUNITY, order=84,
    source=_("A department's own assessments without approval, refused by the community"),
))
