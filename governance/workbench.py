"""Workbench items of consultation (core/workbench.py): matters awaiting a step, resolutions to publish."""

from django.utils.translation import gettext_lazy as _

from core.workbench import WorkItem


def _awaiting_answer(user):
    from .choices import Stage
    from .models import Matter

    return Matter.objects.restrict(user, "change").filter(stage=Stage.RAISED)


def _in_progress(user):
    from .choices import Stage
    from .models import Matter

    return Matter.objects.restrict(user, "change").filter(
        stage__in=[Stage.ACCEPTED, Stage.DELIBERATING, Stage.IMPLEMENTING, Stage.EVALUATING])


def _to_publish(user):
    from .choices import PublicationKind, Stage
    from .models import Matter

    return (Matter.objects.restrict(user, "change").filter(stage=Stage.DECIDED)
            .exclude(publications__kind=PublicationKind.RESOLUTION))


ITEMS = [
    WorkItem("governance.answer", _("Matters awaiting an answer"), "governance.change_matter",
             "governance:matter-list", todo=_awaiting_answer, query="stage=raised",
             done_actions=("governance.matter.accept", "governance.matter.decline", "governance.matter.refer",
                           "governance.matter.merge"), order=30),
    WorkItem("governance.progress", _("Matters awaiting their next step"), "governance.change_matter",
             "governance:matter-list", todo=_in_progress,
             done_actions=("governance.matter.deliberate", "governance.meeting.notice", "governance.minutes.sign",
                           "governance.matter.decide", "governance.matter.implement", "governance.task.complete",
                           "governance.matter.evaluate", "governance.matter.close"),
             order=31),
    WorkItem("governance.publish", _("Resolutions due for publication"), "governance.change_matter",
             "governance:matter-list", todo=_to_publish, query="stage=decided",
             done_actions=("governance.publication.post", "governance.publication.countersign"), order=32),
]
