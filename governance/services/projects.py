"""多元办事: the implementation project, its tasks and milestones."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import TransitionRefused
from core.recorded import create_recorded
from core.services import require_in_scope

from ..choices import (
    Capacity,
    PointsSubject,
    Stage,
    StepKind,
    Track,
)
from ..models import (
    Milestone,
    Project,
    Task,
)
from ._base import _change, _load_matter, _perm, _require_seat, _require_stage, _set_stage
from .points import _award


# --- 多元办事: implementation ----------------------------------------------------------------------------------
@transaction.atomic
def start_implementation(*, actor, matter, title, lead_body, partners, budget=None) -> Project:
    """成果项目化: the decision becomes a project with a lead body and partners (多元办事)."""
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.DECIDED], _("Start implementation"))
    if matter.track == Track.FOUR_DELIBERATIONS and not matter.steps.get(kind=StepKind.RESOLUTION_PUBLISHED).done:
        raise TransitionRefused(_("A major matter is carried out only after its resolution is published and "
                                  "countersigned."))
    partners = [p for p in (partners or []) if str(p.get("name", "")).strip()]
    if not partners:
        raise ValidationError({"partners": _("Name at least one partner that carries out the project.")})
    project = Project(area=matter.area, matter=matter, title=title, lead_body=lead_body, budget=budget,
                      partners=[{"name": str(p["name"]).strip(), "category": str(p.get("category", "")),
                                 "role": str(p.get("role", ""))} for p in partners])
    project = create_recorded(project, actor=actor, action="governance.project.start")
    _set_stage(actor, matter, Stage.IMPLEMENTING, "implement")
    return project


def _load_project(actor, project):
    project = Project.objects.select_for_update().select_related("area", "matter").get(pk=project.pk)
    require_in_scope(actor, _perm(Task, "change"), project.area.code)
    _require_stage(project.matter, [Stage.IMPLEMENTING], _("Change the tasks"))
    return project


@transaction.atomic
def add_task(*, actor, project, title, assignee, due_on, weight=1, is_rectification=False) -> Task:
    project = _load_project(actor, project)
    return create_recorded(Task(project=project, title=title, assignee=assignee, due_on=due_on, weight=weight,
                                is_rectification=is_rectification), actor=actor, action="governance.task.add")


@transaction.atomic
def complete_task(*, actor, task, evidence) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    project = _load_project(actor, task.project)
    if task.done_at:
        raise TransitionRefused(_("This task is already done."))
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Describe or attach the evidence that the task is done.")})
    task = _change(actor, task, "task.complete", done_at=timezone.now(), evidence=evidence.strip())
    _award(area=project.area, subject_kind=PointsSubject.ORGANISATION, subject=task.assignee, event="task_done",
           matter=project.matter)
    return task


@transaction.atomic
def add_milestone(*, actor, project, date, title, description="") -> Milestone:
    project = _load_project(actor, project)
    return create_recorded(Milestone(project=project, date=date, title=title, description=description),
                           actor=actor, action="governance.milestone.add")
