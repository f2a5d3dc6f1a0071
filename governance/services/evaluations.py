"""公众评事: public evaluation rounds, answers and their outcome."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.choices import AreaLevel
from core.exceptions import TransitionRefused
from core.recorded import create_recorded
from core.services import require_in_scope

from ..choices import (
    Capacity,
    Stage,
    StepKind,
    StepStatus,
    Track,
)
from ..models import (
    EvaluationResponse,
    EvaluationRound,
    Matter,
    Project,
    Task,
)
from ._base import (
    RECTIFICATION_DAYS,
    _change,
    _load_matter,
    _perm,
    _require_seat,
    _require_stage,
    _set_stage,
)


# --- 公众评事: public evaluation ----------------------------------------------------------------------------------
def community_grids(community):
    """The grids (网格) of a community or village."""
    from core.models import Area

    return Area.objects.descendants_of(community, include_self=False).filter(level=AreaLevel.GRID)


def _grid_names(grids):
    return "、".join(g.name for g in grids)


@transaction.atomic
def open_evaluation(*, actor, matter, closes_at, threshold=Decimal("3.5"), min_responses=5,
                    grids=None) -> EvaluationRound:
    """公众评事: open a round to the residents the matter affects: the grids named (the matter's
    community's own), or, without grids, the whole community."""
    matter = _load_matter(actor, matter)
    _require_stage(matter, [Stage.IMPLEMENTING], _("Open the evaluation"))
    project = Project.objects.filter(matter=matter).first()
    if project is None or project.progress() < 100:
        raise TransitionRefused(_("The public evaluates once every task is done."))
    if matter.track == Track.FOUR_DELIBERATIONS and not matter.steps.get(kind=StepKind.RESULT_PUBLISHED).done:
        raise TransitionRefused(_("The implementation result of a major matter must be published and countersigned "
                                  "before the evaluation."))
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("The round must close in the future.")})
    grids = list(grids or [])
    own = set(community_grids(matter.area).filter(pk__in=[g.pk for g in grids]).values_list("pk", flat=True))
    outside = [g for g in grids if g.pk not in own]
    if outside:
        raise ValidationError({"grids": _("%(grids)s: not a grid of %(community)s.")
                               % {"grids": _grid_names(outside), "community": matter.area.name}})
    rnd = create_recorded(EvaluationRound, {"area": matter.area, "matter": matter, "closes_at": closes_at,
                                            "threshold": threshold, "min_responses": min_responses},
                          m2m={"grids": grids}, actor=actor, action="governance.evaluation.open")
    _set_stage(actor, matter, Stage.EVALUATING, "evaluate")
    return rnd


@transaction.atomic
def record_evaluation(*, actor, round, respondent, score, comment="", grid=None) -> EvaluationResponse:
    """A resident's answer, with the grid they live in: required, and one of the round's grids,
    when the round is open to some grids only."""
    rnd = EvaluationRound.objects.select_for_update().select_related("area").get(pk=round.pk)
    require_in_scope(actor, _perm(EvaluationResponse, "add"), rnd.area.code)
    if not rnd.is_open:
        raise TransitionRefused(_("The evaluation round is closed."))
    allowed = list(rnd.grids.all())
    if allowed and grid is None:
        raise ValidationError({"grid": _("This evaluation is open to the residents of %(grids)s; say which grid "
                                         "the resident lives in.") % {"grids": _grid_names(allowed)}})
    if allowed and grid.pk not in {g.pk for g in allowed}:
        raise ValidationError({"grid": _("%(grid)s is outside this evaluation, which is open to the residents of "
                                         "%(grids)s only.") % {"grid": grid.name, "grids": _grid_names(allowed)}})
    if grid is not None and not allowed and not community_grids(rnd.area).filter(pk=grid.pk).exists():
        raise ValidationError({"grid": _("%(grids)s: not a grid of %(community)s.")
                               % {"grids": grid.name, "community": rnd.area.name}})
    respondent = (respondent or "").strip()
    if rnd.responses.filter(respondent=respondent).exists():
        raise TransitionRefused(_("%(name)s has already answered.") % {"name": respondent})
    response = EvaluationResponse(round=rnd, respondent=respondent, score=score, comment=comment, grid=grid)
    response.full_clean()
    response.save()
    # The score stays out of the audit log: results are hidden until the round closes.
    changes = {"responses": [None, rnd.responses.count()]}
    if grid is not None:
        changes["grid"] = [None, grid.code]
    audit.record(actor=actor, action="governance.evaluation.respond", target=rnd, changes=changes)
    return response


@transaction.atomic
def close_evaluation(*, actor, round) -> EvaluationRound:
    """Close a round: satisfied and enough answers closes the matter; otherwise it goes back to
    implementation with a rectification task (整改)."""
    rnd = EvaluationRound.objects.select_for_update().select_related("area").get(pk=round.pk)
    require_in_scope(actor, _perm(EvaluationRound, "change"), rnd.area.code)
    _require_seat(actor, rnd.area, Capacity.TWO_COMMITTEES)
    if not rnd.is_open:
        raise TransitionRefused(_("The evaluation round is already closed."))
    matter = Matter.objects.select_for_update().select_related("area", "category").get(pk=rnd.matter_id)
    stats = rnd.responses.aggregate(n=Count("id"), mean=Avg("score"))
    satisfaction = Decimal(str(round_half(stats["mean"]))) if stats["mean"] is not None else None
    rnd = _change(actor, rnd, "evaluation.close", closed_at=timezone.now(), responses_count=stats["n"],
                  satisfaction=satisfaction,
                  accepted=bool(stats["n"] >= rnd.min_responses and satisfaction is not None
                                and satisfaction >= rnd.threshold))
    if rnd.accepted:
        if matter.track == Track.FOUR_DELIBERATIONS and matter.steps.exclude(
                status__in=[StepStatus.PASSED, StepStatus.MERGED]).exists():
            raise TransitionRefused(_("A major matter closes only after all six steps of the four deliberations "
                                      "and two publications."))
        _set_stage(actor, matter, Stage.CLOSED, "close")
        return rnd
    reason = _("Satisfaction %(s)s from %(n)s answers is below what is needed; rectify.") % {
        "s": rnd.satisfaction if rnd.satisfaction is not None else "-", "n": stats["n"]}
    matter = _set_stage(actor, matter, Stage.IMPLEMENTING, "reopen", reason)
    project = matter.project
    create_recorded(Task(project=project, title=_("Rectification after the public evaluation"),
                         assignee=project.lead_body, is_rectification=True,
                         due_on=timezone.localdate() + datetime.timedelta(days=RECTIFICATION_DAYS)),
                    actor=actor, action="governance.task.add", reason=reason)
    if matter.track == Track.FOUR_DELIBERATIONS:
        # The result published before the rectification no longer describes the result.
        for step in matter.steps.filter(kind=StepKind.RESULT_PUBLISHED).exclude(status=StepStatus.PENDING):
            _change(actor, step, "step.reopen", reason, status=StepStatus.PENDING, completed_at=None)
    return rnd


def round_half(value) -> float:
    return round(float(value) + 1e-9, 2)
