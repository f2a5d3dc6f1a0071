"""Writes of the register of assessments of communities, on core's kit (create_recorded /
update_recorded): recorded once, a department's own assessment cites an approval or is refused by
the community in one step with its reason."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import AreaLevel
from core.exceptions import TransitionRefused
from core.models import Area
from core.recorded import create_recorded, update_recorded

from .assessments import AssessmentState, CommunityAssessment

REFUSAL_RULE = gettext_lazy("Departments do not organise their own assessments of communities (各职能部门一般不再单独组织"
                 "考核评比): this one is not part of the unified assessment and cites no admitted request.")


def _overlapping(area, above):
    """The records whose communities overlap ``area``'s: the area itself, the areas above it, those below."""
    return Q(area=area) | Q(area__pk__in=[a.pk for a in above]) | Q(area__code__startswith=area.prefix)


def _lock_district(area, above):
    """Overlapping records all lie in one district: locking its row makes two clerks recording the same
    assessment at once (one for a street, one for its community) wait for each other, so one is refused."""
    district = next((a for a in [*above, area] if a.level == AreaLevel.COUNTY), None)
    if district is not None:
        Area.objects.select_for_update().filter(pk=district.pk).first()


@transaction.atomic
def record_assessment(*, actor, area, department, kind, title, period, held_on=None, unified=False,
                      admission=None):
    """Record an assessment of communities once. Part of the unified assessment or citing an admitted
    request it is recorded; a department's own without approval is on record as "not approved" and the
    community refuses it (``refuse_assessment``)."""
    department = (department or "").strip()
    period = (period or "").strip()
    if admission is not None and not area.code.startswith(admission.area.prefix):
        raise ValidationError({"admission": _("That admission request does not cover %(area)s.")
                               % {"area": area.name}})
    if admission is not None and admission.department.strip() != department:
        raise ValidationError({"admission": _("That admission request is %(other)s's, not %(department)s's.")
                               % {"other": admission.department, "department": department}})

    def adjust(obj, _before):
        obj.state = AssessmentState.RECORDED if obj.approved else AssessmentState.UNAPPROVED
        if department and period and area.pk:
            above = area.ancestors()
            _lock_district(area, above)
            twice = (CommunityAssessment.objects.filter(department=department, kind=kind, period=period)
                     .filter(_overlapping(area, above)).select_related("area").first())
            if twice is not None:
                raise ValidationError({"period": _(
                    "Already recorded: %(department)s's %(kind)s of %(area)s for %(period)s (held on %(held)s). "
                    "An assessment is recorded once.") % {
                    "department": department, "kind": twice.get_kind_display(), "area": twice.area.name,
                    "period": period, "held": twice.held_on}})

    return create_recorded(CommunityAssessment, {
        "area": area, "department": department, "kind": kind, "title": (title or "").strip(), "period": period,
        "held_on": held_on or timezone.localdate(), "unified": bool(unified), "admission": admission,
    }, actor=actor, action="grids.assessment.record", adjust=adjust)


def refuse_assessment(*, actor, assessment, reason="", on=None):
    """One step: the community refuses a department's own assessment that cites no approval; the
    reason (the rule unless one is given) is recorded."""
    why = (reason or "").strip() or str(REFUSAL_RULE)

    def check(obj):
        if obj.state == AssessmentState.REFUSED:
            raise TransitionRefused(_("This assessment was already refused on %(on)s.") % {"on": obj.decided_on})
        if obj.approved:
            raise TransitionRefused(_("This assessment is part of the unified assessment or approved: it is not "
                                      "refused."))

    return update_recorded(assessment, {"state": AssessmentState.REFUSED, "decided_on": on or timezone.localdate(),
                                        "reason": why},
                           allowed=("state", "decided_on", "reason"), actor=actor, action="grids.assessment.refuse",
                           reason=why, check=check)
