"""Supervision checks: overdue incidents and window requests (urged, then escalated by core's findings),
grids not visited in a plan's month, posts vacant for more than 90 days, admission requests undecided
after their 15 working days."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.choices import Severity
from core.supervision import Raise, check

VACANT_DAYS = 90


@check("grids.incident_overdue")
def incident_overdue(today):
    from .choices import OPEN_STATES
    from .models import Incident

    late = Incident.objects.filter(state__in=OPEN_STATES, due_on__lt=today).select_related("area__parent", "unit")
    for incident in late.iterator(chunk_size=2000):
        yield Raise(
            target=incident, area=incident.area.parent, severity=Severity.SERIOUS,
            title=_("Incident %(ref)s is past its time limit (%(due)s) with %(unit)s")
            % {"ref": incident.ref, "due": incident.due_on, "unit": incident.unit or "-"},
            detail=_("Urge the handling unit; an open finding past its due date moves up a level."),
            due_date=today + datetime.timedelta(days=3), url=incident.get_absolute_url(),
        )


@check("grids.grid_unvisited")
def grid_unvisited(today):
    """A plan in force whose grid had no visit in the last 30 days."""
    from .models import PatrolPlan

    since = today - datetime.timedelta(days=30)
    plans = (PatrolPlan.objects.filter(starts_on__lte=since).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
             .annotate(recent=Count("visits", filter=Q(visits__started_at__date__gte=since)))
             .filter(recent=0).select_related("area"))
    for plan in plans:
        yield Raise(
            target=plan, area=plan.area,
            title=_("%(grid)s has had no patrol for 30 days (plan: %(n)s a month)")
            % {"grid": plan.area.name, "n": plan.visits_per_month},
            due_date=today + datetime.timedelta(days=7),
        )


@check("grids.post_vacant")
def post_vacant(today):
    from .models import PostQuota

    cutoff = today - datetime.timedelta(days=VACANT_DAYS)
    for quota in PostQuota.objects.filter(year=today.year, vacant__gt=0, vacant_since__lt=cutoff).select_related(
            "area"):
        yield Raise(
            target=quota, area=quota.area,
            title=_("%(community)s has %(n)s posts vacant for more than %(days)s days")
            % {"community": quota.area.name, "n": quota.vacant, "days": VACANT_DAYS},
            detail=_("Vacant since %(d)s.") % {"d": quota.vacant_since},
            due_date=today + datetime.timedelta(days=30),
        )


@check("grids.window_overdue")
def window_overdue(today):
    """A resident's request with the back office past its target date (or done, the resident not told)."""
    from .choices import WindowState
    from .models import WindowRequest

    late = (WindowRequest.objects.filter(state__in=[WindowState.BACK_OFFICE, WindowState.DONE], target_date__lt=today)
            .select_related("area", "item"))
    for req in late.iterator(chunk_size=2000):
        yield Raise(
            target=req, area=req.area,
            title=_("Window request %(ref)s (%(item)s) is past its target date %(due)s")
            % {"ref": req.ref, "item": req.item.name, "due": req.target_date},
            detail=_("Urge %(office)s and tell the resident the result.") % {"office": req.back_office or "-"},
            due_date=today + datetime.timedelta(days=3), url=req.get_absolute_url(),
        )


@check("grids.admission_undecided")
def admission_undecided(today):
    """An admission request still undecided after its 15 working days."""
    from .choices import AdmissionState
    from .models import AdmissionRequest

    for req in AdmissionRequest.objects.filter(state=AdmissionState.PENDING, decide_by__lt=today).select_related(
            "area"):
        yield Raise(
            target=req, area=req.area, severity=Severity.SERIOUS,
            title=_("The admission request “%(title)s” of %(dept)s was due for a decision by %(due)s")
            % {"title": req.title, "dept": req.department, "due": req.decide_by},
            detail=_("A request is decided within 15 working days of its application."),
            due_date=today + datetime.timedelta(days=3),
        )


@check("grids.assessment_unapproved")
def assessment_unapproved(today):
    """A department's own assessment of communities, outside the unified assessment and without an admitted
    request, that the community has not refused: raised with the area above it, which answers for the
    departments (各职能部门一般不再单独组织考核评比)."""
    from .assessments import AssessmentState, CommunityAssessment

    for item in CommunityAssessment.objects.filter(state=AssessmentState.UNAPPROVED).select_related("area__parent"):
        yield Raise(
            target=item, area=item.area.parent or item.area,
            title=_("%(department)s held its own %(kind)s of %(area)s (%(period)s) without approval")
            % {"department": item.department, "kind": item.get_kind_display(), "area": item.area.name,
               "period": item.period},
            detail=_("Departments do not organise their own assessments of communities: it belongs in the unified "
                     "assessment, or cites an admitted request; otherwise the community refuses it."),
            due_date=today + datetime.timedelta(days=15),
        )
