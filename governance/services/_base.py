"""Guards and helpers shared by the governance services: scope, stage, seats, audit."""

import logging

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import TransitionRefused
from core.recorded import perm_name, update_recorded
from core.services import require_in_scope

from ..choices import (
    STEP_ORDER,
    BodyKind,
    StepKind,
)
from ..models import (
    BodyMember,
    DecisionStep,
    Matter,
)

logger = logging.getLogger("governance.services")

# Which body holds the meeting of each deliberation step of 四议两公开.
STEP_BODIES = {
    StepKind.PARTY_PROPOSAL: [BodyKind.PARTY_ORG],
    StepKind.COMMITTEES_DISCUSS: [BodyKind.TWO_COMMITTEES],
    StepKind.PARTY_MEMBERS_REVIEW: [BodyKind.PARTY_MEMBERS_ASSEMBLY],
    StepKind.ASSEMBLY_RESOLVES: [BodyKind.VILLAGERS_ASSEMBLY, BodyKind.VILLAGER_REPRESENTATIVES,
                                 BodyKind.RESIDENTS_ASSEMBLY, BodyKind.RESIDENT_REPRESENTATIVES],
}
CONSULTATION_BODIES = [BodyKind.CONSULTATION_COUNCIL, BodyKind.TWO_COMMITTEES, BodyKind.VILLAGERS_ASSEMBLY,
                       BodyKind.VILLAGER_REPRESENTATIVES, BodyKind.RESIDENTS_ASSEMBLY,
                       BodyKind.RESIDENT_REPRESENTATIVES]
RECTIFICATION_DAYS = 14
OBJECTION_RESPONSE_DAYS = 7


# --- guards -------------------------------------------------------------------------------------------
def _perm(model, action):
    return perm_name(model, action)


def _refuse_stage(matter, action_label):
    raise TransitionRefused(_("“%(action)s” is not possible while the matter is at “%(stage)s”.")
                            % {"action": action_label, "stage": matter.get_stage_display()})


def _require_stage(matter, stages, action_label):
    if matter.stage not in stages:
        _refuse_stage(matter, action_label)


def seat(actor, area, capacity) -> BodyMember | None:
    """The actor's current seat on a body of the community, if any."""
    if actor is None or not actor.is_authenticated:
        return None
    today = timezone.localdate()
    return (BodyMember.objects.filter(area=area, capacity=capacity, user=actor, term_start__lte=today)
            .filter(Q(term_end__isnull=True) | Q(term_end__gte=today)).first())


def _require_seat(actor, area, capacity):
    """The two committees' and the supervision committee's acts belong to their members."""
    if actor is None:
        return None
    member = seat(actor, area, capacity)
    if member is None:
        raise TransitionRefused(_("Only a member of the %(body)s of %(community)s may do this.")
                                % {"body": BodyKind(capacity).label, "community": area.name})
    return member


def _load_matter(actor, matter, action="change"):
    matter = Matter.objects.select_for_update().select_related("area", "category").get(pk=matter.pk)
    require_in_scope(actor, _perm(Matter, action), matter.area.code)
    return matter


def _change(actor, instance, action, reason="", *, exclude=None, **values):
    """A recorded change of ``values`` (and only those) of ``instance`` through the kit's
    ``update_recorded``: locked, in the actor's "change" scope, ``full_clean``, saved, re-checked, one
    audit event ``governance.<action>`` with before/after. Returns the saved instance."""
    return update_recorded(instance, values, allowed=tuple(values), actor=actor, action=f"governance.{action}",
                           reason=reason, exclude=exclude)


def _set_stage(actor, matter, stage, action, reason="", **values) -> Matter:
    """Move the matter to ``stage`` (with any ``values`` the step sets with it): one recorded change,
    audited as ``governance.matter.<action>``. Returns the saved matter."""
    return _change(actor, matter, f"matter.{action}", reason, stage=stage, stage_changed_at=timezone.now(), **values)


# --- 四议: ordered steps --------------------------------------------------------------------------------
def _step(matter, kind) -> DecisionStep:
    return matter.steps.select_for_update().get(kind=kind)


def _previous_done(matter, kind) -> bool:
    index = STEP_ORDER.index(kind)
    return index == 0 or matter.steps.get(kind=STEP_ORDER[index - 1]).done


def _refuse_order(kind):
    index = STEP_ORDER.index(kind)
    raise TransitionRefused(_("“%(step)s” cannot start before “%(previous)s” has passed.")
                            % {"step": StepKind(kind).label, "previous": StepKind(STEP_ORDER[index - 1]).label})
