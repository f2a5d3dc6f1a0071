"""Reads shared by staff pages, public pages and the case-file PDF."""

from dataclasses import dataclass

from django.db.models import Count, DateTimeField
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core import auditwords
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
    """The matter's audited steps in the reader's language: what was done (the matter's own words, else
    the audit log's, core.auditwords), by whom (staff pages only), and each change as label: before →
    after, with field labels, choice labels and local times, never codes; names stay off public pages."""
    events = AuditEvent.objects.filter(target_type="governance.matter", target_id=str(matter.pk)).order_by(
        "created_at", "id")
    out = []
    for e in events:
        e.changes = {k: v for k, v in (e.changes or {}).items()
                     if not (public and k in PRIVATE_FIELDS) and isinstance(v, list | tuple) and len(v) == 2}
        out.append({"when": e.created_at, "action": _action_words(e), "changes": _change_words(e),
                    "actor": "" if public else e.actor_label})
    return out


# The matter's own steps in words; any other action reads as the audit log reads it (core.auditwords).
HISTORY_ACTIONS = {
    "raise": pgettext_lazy("matter history", "Raised"),
    "propose": pgettext_lazy("matter history", "Proposed by the two committees"),
    "update": pgettext_lazy("matter history", "Corrected"), "support": pgettext_lazy("matter history", "Supported"),
    "accept": pgettext_lazy("matter history", "Accepted"), "decline": pgettext_lazy("matter history", "Declined"),
    "merge": pgettext_lazy("matter history", "Merged"), "refer": pgettext_lazy("matter history", "Referred"),
    "withdraw": pgettext_lazy("matter history", "Withdrawn"),
    "deliberate": pgettext_lazy("matter history", "Deliberation started"),
    "decide": pgettext_lazy("matter history", "Decided"),
    "implement": pgettext_lazy("matter history", "Implementation started"),
    "evaluate": pgettext_lazy("matter history", "Evaluation opened"),
    "close": pgettext_lazy("matter history", "Closed"), "reopen": pgettext_lazy("matter history", "Reopened"),
    "attach": pgettext_lazy("matter history", "File attached"),
}
# Keys of the matter's events that are no field of a matter.
HISTORY_KEYS = {"supports": pgettext_lazy("matter history", "Supports"),
                "attachment": pgettext_lazy("matter history", "Attachment")}


def _action_words(event) -> str:
    step = event.action.rsplit(".", 1)[-1]
    if step in HISTORY_ACTIONS:
        return str(HISTORY_ACTIONS[step])
    if step in auditwords.VERBS:
        return str(auditwords.VERBS[step])
    return str(pgettext_lazy("matter history", "Change"))


def _change_words(event) -> list[dict]:
    """core.auditwords' labels and values, with the matter's own keys named, the ids of related rows left
    out, and times in local time."""
    out = []
    for change, name in zip(auditwords.describe_changes(event), event.changes, strict=True):
        field = _matter_field(name)
        if field is None:
            change["label"] = str(HISTORY_KEYS.get(name, pgettext_lazy("matter history", "Other")))
        elif field.is_relation:
            change["before"] = change["after"] = ""
        elif isinstance(field, DateTimeField):
            change["before"], change["after"] = _local(change["before"]), _local(change["after"])
        out.append(change)
    return out


def _local(value: str) -> str:
    when = parse_datetime(value) if value and value != "—" else None
    if when is None:
        return value
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    return when.strftime("%Y-%m-%d %H:%M")


def _matter_field(name):
    try:
        field = Matter._meta.get_field(name)
    except Exception:  # FieldDoesNotExist: a service's own key (attachment)
        return None
    return field if getattr(field, "concrete", False) else None  # "supports" is the reverse relation


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


# The six steps of the 六事 mechanism, as the progress bar of a matter's page shows them.
SIX_STEPS = [
    ("raised", pgettext_lazy("six steps", "Residents raise")),
    ("accepted", pgettext_lazy("six steps", "Committees propose")),
    ("deliberating", pgettext_lazy("six steps", "Residents deliberate")),
    ("decided", pgettext_lazy("six steps", "The meeting decides")),
    ("implementing", pgettext_lazy("six steps", "Parties carry out")),
    ("evaluating", pgettext_lazy("six steps", "The public evaluates")),
]


@dataclass
class ProgressStep:
    number: int
    label: str
    state: str  # "done", "current", "todo" or "stopped"


def progress(matter) -> list[ProgressStep]:
    """Where the matter stands among the six steps: the steps before its stage done, its stage current
    (all done once closed); a matter that left early (declined, merged, referred, withdrawn) stopped at
    the first step."""
    order = [key for key, _label in SIX_STEPS]
    if matter.stage == Stage.CLOSED:
        reached, current = len(order), None
    elif matter.stage in order:
        reached = current = order.index(matter.stage)
    else:
        reached, current = 0, None
    out = []
    for i, (_key, label) in enumerate(SIX_STEPS):
        if i < reached:
            state = "done"
        elif i == current:
            state = "current"
        elif i == 0 and current is None and matter.stage != Stage.CLOSED:
            state = "stopped"
        else:
            state = "todo"
        out.append(ProgressStep(i + 1, label, state))
    return out


def seats_held_by(user, *, viewer, on=None):
    """The seats on the community bodies (two committees, supervision committee) held on ``on`` (today) by
    the person with the portal account ``user``, the secretary's and director's first: read-only, for
    another app's page (grids' community-worker file). Matched by the account, never by a name; only the
    seats in ``viewer``'s scope for body members (elsewhere a seat is not shown)."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from .choices import MemberRole
    from .models import BodyMember

    if user is None:
        return BodyMember.objects.none()
    day = on or timezone.localdate()
    rank = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(MemberRole.values)),
                output_field=IntegerField())
    return (BodyMember.objects.restrict(viewer, "view").filter(user=user, term_start__lte=day)
            .filter(Q(term_end__isnull=True) | Q(term_end__gte=day)).select_related("area")
            .annotate(rank=rank).order_by("rank", "area__code", "capacity"))
