"""Indicators of community consultation: matters by stage, answers on time, 四议两公开 compliance,
publications on time, satisfaction, and disputes effectively resolved per year."""

import datetime

from django.db.models import Count, DateField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from reports.registry import Indicator, Measure, Target, Unit, register

from .choices import OPEN_STAGES, DisputeOutcome, Stage, StepStatus, Track
from .models import EFFECTIVE_DAYS, Dispute, EvaluationRound, Matter, Publication


def _matters_at(stage):
    def queryset(period):
        return Matter.objects.filter(stage=stage, raised_at__date__lte=period.end)
    return queryset


for _stage in OPEN_STAGES + [Stage.CLOSED]:
    register(Indicator(
        code=f"governance.matters_{_stage}",
        name=_("Matters at stage: %(stage)s") % {"stage": Stage(_stage).label},
        unit=Unit.COUNT,
        numerator=Measure(_matters_at(_stage)),
        lowest_level=AreaLevel.COMMUNITY,
    ))


def _answered(period):
    return Matter.objects.filter(answered_at__date__gte=period.start, answered_at__date__lte=period.end,
                                 origin="resident")


register(Indicator(
    code="governance.answered_on_time_share",
    name=_("Share of raised matters the two committees answered within the deadline"),
    unit=Unit.PERCENT,
    numerator=Measure(lambda p: _answered(p).filter(answered_at__date__lte=F("response_due"))),
    denominator=Measure(_answered, missing_reason=_("no matter answered in %(area)s in %(period)s")),
    lowest_level=AreaLevel.COMMUNITY, order=21,
    target=Target(">=", 100),
))


def _major_closed(period):
    return Matter.objects.filter(track=Track.FOUR_DELIBERATIONS, stage=Stage.CLOSED,
                                 stage_changed_at__date__gte=period.start, stage_changed_at__date__lte=period.end)


register(Indicator(
    code="governance.four_deliberations_compliance",
    name=_("Major matters closed with all four deliberations and both publications"),
    unit=Unit.PERCENT,
    numerator=Measure(lambda p: _major_closed(p).exclude(
        steps__status__in=[StepStatus.PENDING, StepStatus.FAILED])),
    denominator=Measure(_major_closed, missing_reason=_("no major matter closed in %(area)s in %(period)s")),
    lowest_level=AreaLevel.COMMUNITY, order=22,
    target=Target(">=", 100),
))


def _published(period):
    return Publication.objects.filter(posted_at__date__gte=period.start, posted_at__date__lte=period.end)


register(Indicator(
    code="governance.publications_on_time",
    name=_("Publications posted by their deadline"),
    unit=Unit.PERCENT,
    numerator=Measure(lambda p: _published(p).filter(posted_at__date__lte=F("due_on"))),
    denominator=Measure(_published, missing_reason=_("nothing published in %(area)s in %(period)s")),
    lowest_level=AreaLevel.COMMUNITY, order=23,
    target=Target(">=", 100),
))


def _rounds(period):
    return EvaluationRound.objects.filter(closed_at__date__gte=period.start, closed_at__date__lte=period.end,
                                          satisfaction__isnull=False)


register(Indicator(
    code="governance.satisfaction",
    name=_("Average satisfaction of closed public evaluations (1–5)"),
    unit=Unit.RATIO,
    numerator=Measure(_rounds, aggregate=Sum("satisfaction")),
    denominator=Measure(_rounds, aggregate=Count("id"),
                        missing_reason=_("no evaluation closed in %(area)s in %(period)s")),
    lowest_level=AreaLevel.COMMUNITY, order=24,
))


def effectively_resolved(period):
    """Resolved in the period and not reopened within 90 days (有效化解)."""
    limit = ExpressionWrapper(F("resolved_on") + datetime.timedelta(days=EFFECTIVE_DAYS), output_field=DateField())
    return Dispute.objects.filter(outcome=DisputeOutcome.RESOLVED, resolved_on__gte=period.start,
                                  resolved_on__lte=period.end).filter(
        Q(reopened_on__isnull=True) | Q(reopened_on__gt=limit) | Q(reopened_on__lte=F("resolved_on")))


register(Indicator(
    code="governance.disputes_effectively_resolved",
    name=_("Disputes effectively resolved"),
    unit=Unit.COUNT,
    numerator=Measure(effectively_resolved),
    lowest_level=AreaLevel.COMMUNITY, order=25,
    target=Target(">=", 1000),
    source=_("“Over a thousand disputes effectively resolved a year”, Civil Affairs Bureau, 2020 (city level)"),
))


def _communities(period):
    from core.models import Area

    return Area.objects.valid_on(period.end).filter(level=AreaLevel.COMMUNITY)


def _with_supervision_committee(period):
    """Communities/villages with a member of the supervision committee in office on the period's last day."""
    from .choices import Capacity
    from .models import BodyMember

    seated = BodyMember.objects.filter(capacity=Capacity.SUPERVISION_COMMITTEE, term_start__lte=period.end).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=period.end)).values("area_id")
    return _communities(period).filter(pk__in=seated)


register(Indicator(
    code="governance.supervision_committee_coverage",
    name=_("Communities and villages with a supervision committee (村(居)务监督委员会)"),
    unit=Unit.PERCENT,
    numerator=Measure(_with_supervision_committee, area_path="id"),
    denominator=Measure(_communities, area_path="id",
                        missing_reason=_("no community or village in %(area)s in %(period)s")),
    lowest_level=AreaLevel.COMMUNITY,
    target=Target(">=", 100),
    source=_("Every village and community has an affairs supervision committee (《村民委员会组织法》§32)"),
))
