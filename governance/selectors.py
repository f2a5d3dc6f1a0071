"""Reads shared by staff pages, public pages and the case-file PDF."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from core.models import AuditEvent

from .choices import ENDED_STAGES, PublicationKind, Stage
from .models import Matter

# Fields that name residents or staff: never on a public page, not even in the change history.
PRIVATE_FIELDS = {"raised_by_name", "entered_by", "parties", "respondent", "name", "user", "countersigned_by",
                  "member", "created_by", "signed_by", "attachment"}


@dataclass
class Event:
    when: object
    title: str
    detail: str = ""


def case_file(matter: Matter, *, public: bool) -> dict:
    """Everything of one matter (一事一档): timeline, steps, meetings, publications, project, evaluation."""
    meetings = list(matter.meetings.select_related("step", "quorum_rule", "minutes")
                    .prefetch_related("ballots", "participants"))
    publications = list(matter.publications.all())
    project = getattr(matter, "project", None) if hasattr(matter, "project") else None
    rounds = list(matter.evaluation_rounds.all())
    timeline = [Event(matter.raised_at, _("Raised (百姓点事)") if matter.origin == "resident"
                      else _("Proposed by the two committees (两委提事)"),
                      matter.get_channel_display())]
    if matter.answered_at and matter.origin == "resident":
        timeline.append(Event(matter.answered_at, _("Answered: %(stage)s") % {
            "stage": Stage(matter.stage).label if matter.stage in ENDED_STAGES else Stage.ACCEPTED.label},
            matter.answer_reason))
    for m in meetings:
        timeline.append(Event(m.notice_sent_at, _("Notice: %(meeting)s") % {"meeting": m}, m.location))
        for b in m.ballots.all():
            if b.closed_at:
                timeline.append(Event(b.closed_at, _("Vote: %(result)s") % {
                    "result": _("passed") if b.passed else _("not passed")}, b.motion))
    for p in publications:
        timeline.append(Event(p.posted_at, _("Published: %(kind)s") % {"kind": p.get_kind_display()},
                              p.content[:200]))
    if project:
        timeline.append(Event(project.started_at, _("Project started: %(title)s") % {"title": project.title},
                              project.lead_body))
    for o in matter.objections.all():
        timeline.append(Event(o.raised_at, _("Objection of the supervision committee"), o.text))
        if o.responded_at:
            timeline.append(Event(o.responded_at, _("Answer to the objection"), o.response))
    for r in rounds:
        timeline.append(Event(r.opened_at, _("Public evaluation opened")))
        if r.closed_at:
            timeline.append(Event(r.closed_at, _("Public evaluation closed: %(s)s") % {
                "s": r.satisfaction if r.satisfaction is not None else "-"}))
    timeline.sort(key=lambda e: e.when)
    return {
        "matter": matter,
        "supports": matter.supports.count(),
        "steps": list(matter.steps.all()),
        "meetings": meetings,
        "publications": publications,
        "resolution": next((p for p in publications if p.kind == PublicationKind.RESOLUTION), None),
        "project": project,
        "tasks": list(project.tasks.all()) if project else [],
        "milestones": list(project.milestones.all()) if project else [],
        "progress": project.progress() if project else None,
        "rounds": rounds,
        "objections": list(matter.objections.all()),
        "timeline": timeline,
        "history": history(matter, public=public),
        "public": public,
    }


def history(matter: Matter, *, public: bool) -> list[dict]:
    events = AuditEvent.objects.filter(target_type="governance.matter", target_id=str(matter.pk)).order_by(
        "created_at", "id")
    out = []
    for e in events:
        changes = {k: v for k, v in (e.changes or {}).items() if not (public and k in PRIVATE_FIELDS)}
        out.append({"when": e.created_at, "action": e.action.rsplit(".", 1)[-1], "changes": changes,
                    "actor": "" if public else e.actor_label})
    return out


def public_matters(area):
    return (Matter.objects.filter(area=area).exclude(stage=Stage.WITHDRAWN).select_related("category")
            .annotate(supports_count=Count("supports")).order_by("-raised_at"))


def communities_where(user, perm: str):
    """The communities/villages where ``user`` holds ``perm``: the choices of a form that records
    something in a community (a grid worker's grant reaches its community for matters and disputes)."""
    from core.choices import AreaLevel
    from core.models import Area
    from core.querysets import within_scope_of

    return within_scope_of(perm, "code")(Area.objects.filter(level=AreaLevel.COMMUNITY), user).order_by("code")
