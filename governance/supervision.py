"""Supervision checks of community consultation: unanswered matters, overdue publications,
unanswered objections, overdue tasks, evaluation rounds past their closing time."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Severity
from core.supervision import Raise, check

from .choices import PublicationKind, Stage, StepKind, StepStatus, Track
from .models import EvaluationRound, Matter, Objection, Publication, Task


@check("governance.matter_unanswered")
def matter_unanswered(today):
    """A raised matter the two committees left unanswered past its category's deadline."""
    for m in Matter.objects.filter(stage=Stage.RAISED, response_due__lt=today).select_related("area"):
        yield Raise(target=m, area=m.area, due_date=m.response_due, url=m.get_absolute_url(),
                    title=_("Matter %(ref)s unanswered since %(due)s") % {"ref": m.ref, "due": m.response_due},
                    detail=m.title)


@check("governance.publication_overdue")
def publication_overdue(today):
    """A major matter whose resolution is still unpublished after the deadline (immediately or within
    N days of the resolution), or a publication posted after its deadline."""
    for m in (Matter.objects.filter(track=Track.FOUR_DELIBERATIONS, stage=Stage.DECIDED)
              .filter(steps__kind=StepKind.RESOLUTION_PUBLISHED, steps__status=StepStatus.PENDING)
              .select_related("area", "category")):
        resolved = m.steps.get(kind=StepKind.ASSEMBLY_RESOLVES).completed_at
        due = timezone.localdate(resolved) + datetime.timedelta(days=m.category.publication_days)
        if due < today:
            yield Raise(target=m, area=m.area, due_date=due, url=m.get_absolute_url(), severity=Severity.SERIOUS,
                        title=_("Resolution of %(ref)s not published by %(due)s") % {"ref": m.ref, "due": due})


@check("governance.publication_late")
def publication_late(today):
    for p in Publication.objects.select_related("area", "matter"):
        if p.is_late:
            yield Raise(target=p, area=p.area, due_date=p.due_on, url=p.matter.get_absolute_url(),
                        title=_("%(kind)s of %(ref)s posted after its deadline %(due)s") % {
                            "kind": PublicationKind(p.kind).label, "ref": p.matter.ref, "due": p.due_on})


@check("governance.objection_unanswered")
def objection_unanswered(today):
    for o in Objection.objects.filter(responded_at__isnull=True, response_due__lt=today).select_related("area",
                                                                                                       "matter"):
        yield Raise(target=o, area=o.area, due_date=o.response_due, url=o.matter.get_absolute_url(),
                    title=_("Objection of the supervision committee on %(ref)s unanswered") % {"ref": o.matter.ref})


@check("governance.task_overdue")
def task_overdue(today):
    for t in Task.objects.filter(done_at__isnull=True, due_on__lt=today,
                                 project__matter__stage=Stage.IMPLEMENTING).select_related("project__area",
                                                                                          "project__matter"):
        yield Raise(target=t, area=t.project.area, due_date=t.due_on, url=t.project.matter.get_absolute_url(),
                    title=_("Task “%(task)s” of %(ref)s overdue") % {"task": t.title, "ref": t.project.matter.ref})


@check("governance.evaluation_to_close")
def evaluation_to_close(today):
    now = timezone.now()
    for r in EvaluationRound.objects.filter(Q(closed_at__isnull=True), closes_at__lt=now).select_related("area",
                                                                                                          "matter"):
        yield Raise(target=r, area=r.area, url=r.matter.get_absolute_url(),
                    title=_("Evaluation of %(ref)s is past its closing time") % {"ref": r.matter.ref})


@check("governance.cadre_incompetent_twice")
def cadre_incompetent_twice(today):
    """Two consecutive years rated 不称职 end the post (《村民委员会组织法》§33)."""
    from .choices import CadreRating
    from .models import CadreReview

    bad = CadreReview.objects.filter(verdict=CadreRating.INCOMPETENT).select_related("area", "member")
    years = {(r.member_id, r.year) for r in bad}
    for r in bad:
        if (r.member_id, r.year - 1) in years:
            yield Raise(target=r, area=r.area, severity=Severity.SERIOUS,
                        title=_("%(name)s rated incompetent in %(prev)s and %(year)s") % {
                            "name": r.member.name, "prev": r.year - 1, "year": r.year})
