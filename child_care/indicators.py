"""Indicators of the child-care app (domain.md §5). Children's figures carry the permission
``child_care.view_statistics``: the dashboard shows them (and keys its cache) only where it is held."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from reports.registry import Indicator, Measure, Target, Unit, register

from .choices import Category, ReportStage, StaffPost, VisitStatus

PERM = "child_care.view_statistics"


def _in_force(category):
    def queryset(period):
        from .models import CategoryRecord

        return CategoryRecord.objects.filter(category=category, person__deleted_at__isnull=True).in_force_on(period.end)

    return queryset


def _submitted(period):
    return _in_force(Category.LEFT_BEHIND)(period).filter(person__report_stage=ReportStage.SUBMITTED)


def _appointed(post, trained=False):
    def queryset(period):
        from django.db.models import Q

        from .models import Appointment

        qs = Appointment.objects.filter(post=post, starts_on__lte=period.end).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=period.end))
        if not trained:
            return qs
        # Trained: a training day on the appointment (typed in, or set when attendance is marked) or an attended
        # training by the period's end; either counts, once (no join, so no double count).
        from django.db.models import Exists, OuterRef

        from .models import Attendance

        attended = Attendance.objects.filter(appointment=OuterRef("pk"), attended=True,
                                             training__held_on__lte=period.end)
        return qs.filter(Q(trained_on__lte=period.end) | Exists(attended))

    return queryset


def _visits_due(period):
    from .models import Visit

    return Visit.objects.filter(due_on__gte=period.start, due_on__lte=period.end).exclude(status=VisitStatus.CANCELLED)


def _visits_on_time(period):
    from django.db.models import F

    return _visits_due(period).filter(status=VisitStatus.DONE, done_on__lte=F("due_on"))


def _count(queryset, what):
    return Measure(queryset, area_path="area", aggregate=Count("person", distinct=True) if what else Count("id"))


left_behind = _count(_in_force(Category.LEFT_BEHIND), True)

register(Indicator(code="child_care.left_behind_children", name=_("Left-behind children"), unit=Unit.COUNT,
                   numerator=left_behind, lowest_level=AreaLevel.COMMUNITY, permission=PERM, order=60,
                   source=_("Entered in the national system: 32,589 (2020)")))
register(Indicator(code="child_care.left_behind_women", name=_("Left-behind women"), unit=Unit.COUNT,
                   numerator=_count(_in_force(Category.LEFT_BEHIND_WOMAN), True), lowest_level=AreaLevel.COMMUNITY,
                   permission=PERM, order=61, source=_("Entered in the national system: 1,743 (2020)")))
register(Indicator(code="child_care.left_behind_elderly", name=_("Left-behind elderly people"), unit=Unit.COUNT,
                   numerator=_count(_in_force(Category.LEFT_BEHIND_ELDERLY), True),
                   lowest_level=AreaLevel.COMMUNITY, permission=PERM, order=62))
register(Indicator(code="child_care.children_in_difficulty", name=_("Children in difficulty"), unit=Unit.COUNT,
                   numerator=_count(_in_force(Category.DIFFICULTY), True), lowest_level=AreaLevel.COMMUNITY,
                   permission=PERM, order=63))
register(Indicator(code="child_care.key_assistance", name=_("Children in difficulty under key assistance"),
                   unit=Unit.COUNT, numerator=_count(_in_force(Category.KEY_ASSISTANCE), True),
                   lowest_level=AreaLevel.COMMUNITY, permission=PERM, order=64,
                   source=_("Rescue station: 64 children under key assistance (2020)")))
register(Indicator(code="child_care.entry_rate", name=_("Left-behind children entry rate (submitted / identified)"),
                   unit=Unit.PERCENT, numerator=_count(_submitted, True), denominator=left_behind,
                   lowest_level=AreaLevel.COMMUNITY, permission=PERM, target=Target(">=", 100), order=65,
                   source=_("Entry rate 100% (2020)")))
register(Indicator(code="child_care.visits_on_time", name=_("Visits made by their due date"), unit=Unit.PERCENT,
                   numerator=_count(_visits_on_time, False), denominator=_count(_visits_due, False),
                   lowest_level=AreaLevel.COMMUNITY, permission=PERM, order=66))
register(Indicator(code="child_care.supervisors", name=_("Township child-care supervisors appointed"),
                   unit=Unit.COUNT, numerator=_count(_appointed(StaffPost.SUPERVISOR), False),
                   lowest_level=AreaLevel.TOWNSHIP, target=Target("==", 100), order=67,
                   source=_("100 township supervisors (2020)")))
register(Indicator(code="child_care.directors", name=_("Village child directors appointed"), unit=Unit.COUNT,
                   numerator=_count(_appointed(StaffPost.DIRECTOR), False), lowest_level=AreaLevel.COMMUNITY,
                   target=Target("==", 1288), order=68, source=_("1,288 village child directors (2020)")))
register(Indicator(code="child_care.trained_staff_share", name=_("Child-care staff trained"), unit=Unit.PERCENT,
                   numerator=Measure(lambda p: _appointed(StaffPost.DIRECTOR, True)(p), area_path="area"),
                   denominator=Measure(lambda p: _appointed(StaffPost.DIRECTOR)(p), area_path="area"),
                   lowest_level=AreaLevel.COMMUNITY, target=Target(">=", 100), order=69))


# --- roster reconciliation, age-outs, rescue follow-ups ---------------------------------------------------
def _roster_open(period):
    from .models import RosterEntry

    return RosterEntry.objects.filter(decision="open", bucket__in=["conflict", "unknown", "not_in_school"],
                                      roster__created_at__date__lte=period.end)


def _age_outs_pending(period):
    from .models import Proposal

    return Proposal.objects.filter(rule__in=["turned_16", "turned_18"], status__in=["proposed", "confirmed"],
                                   proposed_at__date__lte=period.end)


def _follow_ups_due(period):
    from .models import FollowUp

    return FollowUp.objects.filter(due_on__gte=period.start, due_on__lte=period.end)


def _follow_ups_on_time(period):
    from django.db.models import F

    return _follow_ups_due(period).filter(done_on__isnull=False, done_on__lte=F("due_on"))


register(Indicator(code="child_care.roster_open", name=_("School-roster differences not yet decided"),
                   unit=Unit.COUNT, numerator=_count(_roster_open, False), lowest_level=AreaLevel.COMMUNITY,
                   permission=PERM, order=70))
register(Indicator(code="child_care.age_outs_pending", name=_("Age-outs (16 or 18) waiting for a decision"),
                   unit=Unit.COUNT, numerator=_count(_age_outs_pending, False), lowest_level=AreaLevel.COMMUNITY,
                   permission=PERM, order=71))
register(Indicator(code="child_care.rescue_follow_ups_on_time", name=_("Rescue follow-ups made by their due date"),
                   unit=Unit.PERCENT, numerator=_count(_follow_ups_on_time, False),
                   denominator=_count(_follow_ups_due, False), lowest_level=AreaLevel.COMMUNITY, permission=PERM,
                   order=72))


# --- policy outreach (政策宣讲进村(居)) -----------------------------------------------------------------
def _outreach_villages(period):
    """The villages/communities with an outreach event in the period (a year: "covered in the year")."""
    from core.models import Area

    from .models import Outreach

    held = Outreach.objects.filter(held_on__gte=period.start, held_on__lte=period.end).values("area")
    return Area.objects.valid_on(period.end).filter(level=AreaLevel.COMMUNITY, pk__in=held)


def _villages(period):
    from core.models import Area

    return Area.objects.valid_on(period.end).filter(level=AreaLevel.COMMUNITY)


register(Indicator(code="child_care.outreach_coverage", name=_("Villages/communities covered by policy outreach"),
                   unit=Unit.PERCENT, numerator=Measure(_outreach_villages, area_path="id", aggregate=Count("id")),
                   denominator=Measure(_villages, area_path="id", aggregate=Count("id")),
                   lowest_level=AreaLevel.COMMUNITY, permission=PERM, target=Target(">=", 100), order=73))
