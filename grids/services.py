"""Every write of grid management and community work, one function per change.

Keyword-only arguments with an ``actor`` (None for the system: demo loader, scheduled checks), one
transaction, scope (404 outside one's areas) and permission (403), ``full_clean``, one audit event.
A step the rules do not allow now raises ``TransitionRefused`` with the reason the user sees (409 in
the API, a message beside the kept input on pages).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core import services as core_services
from core.choices import AreaLevel
from core.exceptions import TransitionRefused
from core.models import Area
from core.recorded import create_recorded, update_recorded
from core.services import require_in_scope
from core.workdays import add_working_days

from .choices import ENDED_STATES, Answer, Priority, Source, State, UnitKind, WorkerStatus
from .models import (
    Assessment,
    CommunityWorker,
    GradeChange,
    GridAssignment,
    GridProfile,
    HandlingUnit,
    Incident,
    IncidentEvent,
    PatrolPlan,
    PatrolVisit,
    PayRule,
    Pilot,
    PostQuota,
    RoutingRule,
)

UNROUTED_RULE = "grids.incident_unrouted"


def _perm(model, action):
    return f"grids.{action}_{model._meta.model_name}"


def _require_level(area, level, field="area"):
    if area is None or area.level != level:
        raise ValidationError({field: _("This must be an area of level “%(level)s”.") % {
            "level": AreaLevel(level).label}})


# --- grid profiles ------------------------------------------------------------------------------------
PROFILE_FIELDS = ["grid_type", "households", "residents", "buildings", "stationed_units", "party_organisations",
                  "party_members", "former_grids", "extent", "contact_name", "service_phone", "complaints_phone",
                  "published"]


@transaction.atomic
def save_grid_profile(*, actor, area, **values) -> GridProfile:
    """Create or change the profile of a grid. Its households and residents are the grid's own
    figures: nothing here touches ``core.AreaPopulation``."""
    _require_level(area, AreaLevel.GRID)
    for key in values:
        if key not in PROFILE_FIELDS:
            raise TypeError(key)
    profile = GridProfile.objects.filter(area=area).first()
    if profile is None:
        return create_recorded(GridProfile, {"area": area, **values}, actor=actor, action="grids.profile.create")
    return update_recorded(profile, values, allowed=PROFILE_FIELDS, actor=actor, action="grids.profile.update")


def bulk_create_profiles(*, actor, rows: list[dict]) -> int:
    """The bulk path (demo, a city's first load): every row validated, written and audited in bulk."""
    profiles = []
    for row in rows:
        profile = GridProfile(**row)
        profile.full_clean(validate_unique=False)
        profiles.append(profile)
    with transaction.atomic():
        GridProfile.objects.bulk_create(profiles, batch_size=1000)
        saved = GridProfile.objects.filter(area__in=[p.area for p in profiles]).select_related("area")
        audit.record_many([audit.build(actor=actor, action="grids.profile.create", target=p,
                                       changes=audit.diff({}, audit.snapshot(p))) for p in saved])
    return len(profiles)


# --- posts, workers, grades ---------------------------------------------------------------------------
def _recount(quota: PostQuota, today=None) -> None:
    """filled = persons in post in the community (each once); vacant = approved − filled; since when a post is
    empty."""
    from .people import persons_in_post

    today = today or timezone.localdate()
    filled = persons_in_post(quota.area_id)
    quota.filled = filled
    quota.vacant = max(quota.approved - filled, 0)
    if quota.vacant and quota.vacant_since is None:
        quota.vacant_since = today
    elif not quota.vacant:
        quota.vacant_since = None


@transaction.atomic
def set_post_quota(*, actor, area, year: int, approved: int, decided_by: str = "", vacant_since=None) -> PostQuota:
    """The approved posts (员额) of a community for a year; filled and vacant are recounted from the workers."""
    _require_level(area, AreaLevel.COMMUNITY)
    quota = PostQuota.objects.filter(area=area, year=year).first()

    def recount(instance, before):
        _recount(instance, vacant_since)

    if quota is None:
        return create_recorded(PostQuota, {"area": area, "year": year, "approved": approved, "decided_by": decided_by},
                               actor=actor, action="grids.quota.create", adjust=recount)
    values = {"approved": approved, **({"decided_by": decided_by} if decided_by else {})}
    return update_recorded(quota, values, allowed=("approved", "decided_by"), actor=actor,
                           action="grids.quota.update", adjust=recount)


def rule_for(post_type, on) -> PayRule:
    rule = (PayRule.objects.filter(post_type=post_type, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).order_by("-valid_from").first())
    if rule is None:
        raise ValidationError({"grade": _("No pay rule is in force for this post on %(d)s.") % {"d": on}})
    return rule


def _check_grade(post_type, grade, pay, on) -> PayRule:
    """三岗十八级: the post's grade range, and pay not below the floor in force on that day."""
    rule = rule_for(post_type, on)
    if not rule.min_grade <= grade <= rule.max_grade:
        raise ValidationError({"grade": _("A %(post)s holds grades %(lo)s to %(hi)s (rule: %(source)s).") % {
            "post": rule.get_post_type_display(), "lo": rule.min_grade, "hi": rule.max_grade, "source": rule.source}})
    if pay < rule.monthly_floor:
        raise ValidationError({"monthly_pay": _(
            "Pay may not be below %(floor)s yuan a month, the level of %(ref)s (rule in force from %(since)s: "
            "%(source)s).") % {"floor": rule.monthly_floor, "ref": rule.floor_reference, "since": rule.valid_from,
                               "source": rule.source}})
    return rule


@transaction.atomic
def hire_worker(*, actor, staff, area, post_type, grade: int, monthly_pay, hired_on, is_generalist=False,
                qualification="", selection="") -> CommunityWorker:
    """A staff record becomes a community worker of a community, into a vacant approved post."""
    _require_level(area, AreaLevel.COMMUNITY)
    require_in_scope(actor, _perm(CommunityWorker, "add"), area.code)
    if CommunityWorker.objects.filter(staff=staff).exists():
        raise ValidationError({"staff": _("%(name)s is already a community worker: a person is counted once.")
                               % {"name": staff.full_name}})
    quota = PostQuota.objects.select_for_update().filter(area=area, year=hired_on.year).first()
    if quota is None:
        raise ValidationError({"area": _("No posts are approved for %(community)s in %(year)s.")
                               % {"community": area.name, "year": hired_on.year}})
    _recount(quota, hired_on)
    if quota.vacant < 1:
        raise ValidationError({"area": _("All %(n)s approved posts of %(community)s are filled.")
                               % {"n": quota.approved, "community": area.name}})
    rule = _check_grade(post_type, grade, monthly_pay, hired_on)
    worker = CommunityWorker(staff=staff, area=area, post_type=post_type, grade=grade, grade_since=hired_on,
                             monthly_pay=monthly_pay, hired_on=hired_on, is_generalist=is_generalist,
                             qualification=qualification, selection=selection)
    worker = create_recorded(worker, actor=actor, action="grids.worker.hire")
    GradeChange.objects.create(worker=worker, grade=grade, since=hired_on, monthly_pay=monthly_pay, rule=rule,
                               reason=_("hired"))
    _recount(quota, hired_on)
    quota.save()
    return worker


def _load_worker(actor, worker, action="change"):
    worker = CommunityWorker.objects.select_for_update().select_related("area", "staff").get(pk=worker.pk)
    require_in_scope(actor, _perm(CommunityWorker, action), worker.area.code)
    return worker


@transaction.atomic
def set_grade(*, actor, worker, grade: int, monthly_pay, since, reason: str) -> CommunityWorker:
    """A new grade on the 三岗十八级 ladder from ``since``, with its pay (not below the floor in force), kept
    in the grade history."""
    rules = {}

    def check(locked):
        if since < locked.grade_since:
            raise ValidationError({"since": _("A new grade starts after the current one (%(d)s).")
                                   % {"d": locked.grade_since}})
        rules["rule"] = _check_grade(locked.post_type, grade, monthly_pay, since)

    worker = update_recorded(worker, {"grade": grade, "monthly_pay": monthly_pay, "grade_since": since},
                             allowed=("grade", "monthly_pay", "grade_since"), actor=actor, action="grids.worker.grade",
                             reason=reason, check=check)
    GradeChange.objects.create(worker=worker, grade=grade, since=since, monthly_pay=monthly_pay, rule=rules["rule"],
                               reason=reason)
    return worker


@transaction.atomic
def worker_leaves(*, actor, worker, left_on, reason: str) -> CommunityWorker:
    """A worker leaves their post: their grid assignments end that day and the community's posts are
    recounted (a vacancy from that day)."""

    def check(locked):
        if locked.status != WorkerStatus.ACTIVE:
            raise TransitionRefused(_("%(name)s has already left.") % {"name": locked})

    worker = update_recorded(worker, {"status": WorkerStatus.LEFT, "left_on": left_on},
                             allowed=("status", "left_on"), actor=actor, action="grids.worker.leave", reason=reason,
                             check=check)
    GridAssignment.objects.filter(worker=worker).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=left_on)).update(
        ends_on=left_on)
    for quota in PostQuota.objects.select_for_update().filter(area=worker.area, year=left_on.year):
        _recount(quota, left_on)
        quota.save()
    return worker


@transaction.atomic
def record_assessment(*, actor, worker, year: int, result: str, evidence: str) -> Assessment:
    worker = _load_worker(actor, worker)
    if not evidence.strip():
        raise ValidationError({"evidence": _("An assessment states its evidence.")})
    assessment = Assessment(worker=worker, year=year, result=result, evidence=evidence.strip())
    return create_recorded(assessment, actor=actor, action="grids.worker.assess", area=worker.area)


@transaction.atomic
def assign_to_grid(*, actor, worker, grid, role, starts_on, ends_on=None) -> GridAssignment:
    """A worker works in grids of their own community only; an assignment elsewhere is refused."""
    worker = _load_worker(actor, worker)
    require_in_scope(actor, _perm(GridAssignment, "add"), grid.code)
    _require_level(grid, AreaLevel.GRID, "grid")
    if grid.parent_id != worker.area_id:
        raise ValidationError({"grid": _("%(grid)s is not a grid of %(community)s, the worker's community.")
                               % {"grid": f"{grid.name} ({grid.code})", "community": worker.area.name}})
    if worker.status != WorkerStatus.ACTIVE:
        raise TransitionRefused(_("%(name)s is no longer in post.") % {"name": worker})
    assignment = GridAssignment(worker=worker, area=grid, role=role, starts_on=starts_on, ends_on=ends_on)
    assignment = create_recorded(assignment, actor=actor, action="grids.assignment.create")
    return assignment


# --- pilots ---------------------------------------------------------------------------------------------
@transaction.atomic
def add_pilot(*, actor, area, year: int, kind: str, service_model: str = "1+2+N", note: str = "") -> Pilot:
    _require_level(area, AreaLevel.COMMUNITY)
    require_in_scope(actor, _perm(Pilot, "add"), area.code)
    if Pilot.objects.filter(area=area, year=year, kind=kind).exists():
        raise ValidationError({"kind": _("%(community)s is already in this pilot in %(year)s.")
                               % {"community": area.name, "year": year}})
    pilot = Pilot(area=area, year=year, kind=kind, service_model=service_model, note=note)
    pilot = create_recorded(pilot, actor=actor, action="grids.pilot.create")
    return pilot


# --- patrols --------------------------------------------------------------------------------------------
@transaction.atomic
def create_patrol_plan(*, actor, area, title, starts_on, items, visits_per_month=4, ends_on=None) -> PatrolPlan:
    _require_level(area, AreaLevel.GRID)
    require_in_scope(actor, _perm(PatrolPlan, "add"), area.code)
    items = list(items)
    if not items:
        raise ValidationError({"items": _("A plan has at least one checklist item.")})
    plan = PatrolPlan(area=area, title=title, starts_on=starts_on, ends_on=ends_on, visits_per_month=visits_per_month)
    return create_recorded(plan, actor=actor, action="grids.plan.create", m2m={"items": items})


@transaction.atomic
def record_visit(*, actor, plan, started_at, ended_at, answers: dict, objects_visited="", notes="", photo=None,
                 findings=()) -> PatrolVisit:
    """A patrol visit of a plan's grid: every checklist item answered; each finding opens an incident
    (source: patrol) routed at once. A finding is never a copy of a matter or a dispute: those go
    through governance's own services."""
    plan = PatrolPlan.objects.select_related("area").get(pk=plan.pk)
    require_in_scope(actor, _perm(PatrolVisit, "add"), plan.area.code)
    codes = set(plan.items.values_list("code", flat=True))
    unknown = set(answers) - codes
    missing = codes - set(answers)
    if unknown:
        raise ValidationError({"answers": _("Not items of this plan: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}})
    if missing:
        raise ValidationError({"answers": _("Answer every item of the checklist; missing: %(codes)s.")
                               % {"codes": ", ".join(sorted(missing))}})
    if any(v not in Answer.values for v in answers.values()):
        raise ValidationError({"answers": _("Each answer is “in order”, “problem found” or “not applicable”.")})
    if any(v == Answer.ISSUE for v in answers.values()) and not findings and not notes.strip():
        raise ValidationError({"notes": _("A problem was found: describe it as a finding or in the notes.")})
    visit = PatrolVisit(plan=plan, area=plan.area, worker=actor if actor is not None and actor.pk else None,
                        started_at=started_at, ended_at=ended_at, answers=answers, objects_visited=objects_visited,
                        notes=notes)
    if photo:
        visit.photo = photo
    visit = create_recorded(visit, actor=actor, action="grids.visit.record")
    for finding in findings:
        file_incident(actor=actor, area=plan.area, source=Source.PATROL, visit=visit, **finding)
    return visit


def record_file_download(*, actor, record, field: str):
    """A photo may show residents: every download is audited (the view looked it up in scope)."""
    audit.record(actor=actor, action="grids.file.download", target=record, area=record.area,
                 changes={field: getattr(record, field).name})


# --- incidents ------------------------------------------------------------------------------------------
def _next_ref(year) -> str:
    prefix = f"SJ{year}-"
    last = Incident.objects.filter(ref__startswith=prefix).aggregate(m=Max("ref"))["m"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:07d}"


def due_date(filed_on, category, priority) -> datetime.date:
    """The time limit on the working-day calendar: an urgent incident within one working day."""
    days = 1 if priority == Priority.URGENT else category.time_limit_days
    return add_working_days(filed_on, days)


def find_rule(incident, exclude_unit=None) -> RoutingRule | None:
    """The rule of the incident's category (or its main category) for the most specific area above
    the grid; a sub-category's rule wins over its main category's at the same area."""
    codes = [a.code for a in incident.area.ancestors()] + [incident.area.code]
    cats = [incident.category_id] + ([incident.category.parent_id] if incident.category.parent_id else [])
    rules = RoutingRule.objects.filter(active=True, category_id__in=cats, area__code__in=codes).select_related(
        "area", "unit")
    if exclude_unit is not None:
        rules = rules.exclude(unit=exclude_unit)
    ranked = sorted(rules, key=lambda r: (-len(r.area.prefix), cats.index(r.category_id)))
    return ranked[0] if ranked else None


def community_unit(community) -> HandlingUnit:
    unit, _created = HandlingUnit.objects.get_or_create(
        area=community, kind=UnitKind.COMMUNITY, defaults={"name": _("%(name)s residents' committee")
                                                           % {"name": community.name}})
    return unit


def _event(actor, incident, from_state, note="", unit=None, at=None):
    IncidentEvent.objects.create(incident=incident, actor=actor if actor is not None and actor.pk else None,
                                 from_state=from_state, to_state=incident.state, unit=unit or incident.unit,
                                 note=note, at=at or timezone.now())


def _route_to(incident, exclude_unit=None) -> bool:
    """Set the unit the rules route ``incident`` to (without ``exclude_unit``); an incident no rule routes
    goes to its community, never nowhere. True when a rule routed it (else the caller raises the finding
    with ``_unrouted`` once the row is saved)."""
    rule = find_rule(incident, exclude_unit=exclude_unit)
    incident.unit = rule.unit if rule is not None else community_unit(incident.area.parent)
    return rule is not None


def _unrouted(incident) -> None:
    community = incident.area.parent
    core_services.raise_finding(
        rule=UNROUTED_RULE, target=incident, area=community,
        title=_("No routing rule for %(category)s in %(area)s: incident %(ref)s went to the community")
        % {"category": incident.category, "area": community.name, "ref": incident.ref},
        detail=_("Add a routing rule for this category and area so such incidents reach the unit "
                 "responsible."), due_date=add_working_days(timezone.localdate(), 5),
        target_url=incident.get_absolute_url())


@transaction.atomic
def file_incident(*, actor, area, source, category, description, place="", priority=Priority.NORMAL,
                  reporter_name="", photo=None, visit=None, filed_at=None, external_ref="") -> Incident:
    """File (建档受理) and route (分流交办) in one step: the incident is never left without a unit."""
    _require_level(area, AreaLevel.GRID)
    require_in_scope(actor, _perm(Incident, "add"), area.code)
    now = filed_at or timezone.now()
    if category is not None and category.parent_id is None:
        raise ValidationError({"category": _("Choose a sub-category, not a main category.")})
    incident = Incident(ref=_next_ref(timezone.localtime(now).year), area=area, source=source, category=category,
                        description=(description or "").strip(), place=place, priority=priority,
                        reporter_name=reporter_name, visit=visit, filed_at=now, external_ref=external_ref,
                        due_on=due_date(timezone.localdate(now), category, priority) if category else None)
    if photo:
        incident.photo = photo
    routed = {}

    def route(new, before):  # filed and routed in one step: the audit event shows the routed state
        routed["by_rule"] = _route_to(new)
        new.state = State.ROUTED

    incident = create_recorded(incident, actor=actor, action="grids.incident.file", adjust=route)
    IncidentEvent.objects.create(incident=incident, actor=actor if actor is not None and actor.pk else None,
                                 from_state="", to_state=State.FILED, unit=None, note="", at=now)
    if not routed["by_rule"]:
        _unrouted(incident)
    _event(actor, incident, State.FILED, at=now)
    return incident


def _require_state(incident, states, label):
    if incident.state not in states:
        raise TransitionRefused(_("“%(action)s” is not possible while the incident is “%(state)s”.")
                                % {"action": label, "state": incident.get_state_display()})


def _require_reason(reason, field="reason"):
    if not (reason or "").strip():
        raise ValidationError({field: _("State the reason.")})
    return reason.strip()


def _step(actor, incident, to_state, action, *, states, label, values=None, note="", reason="", at=None,
          check=None, adjust=None):
    """One step of an incident on core's kit (``update_recorded``: the row locked, the actor's scope, the
    state the step needs, ``full_clean``, one audit event) and its ``IncidentEvent``. ``at``: when the step
    happened, for records entered afterwards (an import, the demo); now by default."""
    seen = {}

    def _check(locked):
        _require_state(locked, states, label)
        seen["from"] = locked.state
        if check is not None:
            check(locked)

    values = {**(values or {}), "state": to_state}
    if to_state in ENDED_STATES:
        values["closed_on"] = timezone.localdate(at) if at else timezone.localdate()
    incident = update_recorded(incident, values, allowed=tuple(values), actor=actor, action=f"grids.incident.{action}",
                               reason=reason, check=_check, adjust=adjust)
    _event(actor, incident, seen["from"], note=note or reason, at=at)
    return incident


@transaction.atomic
def start_incident(*, actor, incident, note="", at=None) -> Incident:
    return _step(actor, incident, State.IN_PROGRESS, "start", states=[State.ROUTED], label=_("Start handling"),
                 note=note, at=at)


@transaction.atomic
def resolve_incident(*, actor, incident, note, at=None) -> Incident:
    return _step(actor, incident, State.RESOLVED, "resolve", states=[State.IN_PROGRESS], label=_("Resolve"),
                 note=(note or "").strip(), at=at, check=lambda i: _require_reason(note, "note"))


@transaction.atomic
def verify_incident(*, actor, incident, note="", at=None) -> Incident:
    return _step(actor, incident, State.VERIFIED, "verify", states=[State.RESOLVED], label=_("Verify"), note=note,
                 at=at)


@transaction.atomic
def close_incident(*, actor, incident, satisfaction=None, note="", at=None) -> Incident:
    values = {"satisfaction": satisfaction} if satisfaction is not None else {}
    return _step(actor, incident, State.CLOSED, "close", states=[State.VERIFIED], label=_("Close"), values=values,
                 note=note, at=at)


@transaction.atomic
def not_responsible(*, actor, incident, reason, unit=None) -> Incident:
    """The unit says the incident is not theirs (with an explanation): it is routed again, to the unit
    named or by the rules without this unit, else to the community (with a finding)."""
    # Hand-written on purpose: declining is audited even when the rules route the incident back to the same
    # unit and nothing on the row changes (update_recorded writes no event for an unchanged row).
    incident = Incident.objects.select_for_update(of=("self",)).select_related("area", "category", "unit").get(
        pk=incident.pk)
    require_in_scope(actor, _perm(Incident, "change"), incident.area.code)
    _require_state(incident, [State.ROUTED, State.IN_PROGRESS], _("Not responsible"))
    reason = _require_reason(reason)
    before = audit.snapshot(incident)
    previous, from_state = incident.unit, incident.state
    if unit is not None:
        if unit == previous:
            raise ValidationError({"unit": _("Name another unit than the one declining.")})
        incident.unit, by_rule = unit, True
    else:
        by_rule = _route_to(incident, exclude_unit=previous)
    incident.state = State.ROUTED
    incident.save()
    if not by_rule:
        _unrouted(incident)
    _event(actor, incident, from_state, note=reason)
    audit.record(actor=actor, action="grids.incident.not_responsible", target=incident,
                 changes=audit.diff(before, audit.snapshot(incident)), reason=reason)
    return incident


@transaction.atomic
def mark_duplicate(*, actor, incident, of, at=None) -> Incident:
    original = Incident.objects.restrict(actor, "view").filter(pk=of.pk).first() if actor else of

    def check(locked):
        if original is None or original.pk == locked.pk or original.area.parent_id != locked.area.parent_id:
            raise ValidationError({"of": _("Name another incident of the same community.")})
        if original.state == State.DUPLICATE:
            raise ValidationError({"of": _("%(ref)s is itself a duplicate; name the original.")
                                   % {"ref": original.ref}})

    return _step(actor, incident, State.DUPLICATE, "duplicate", states=[State.FILED, State.ROUTED, State.IN_PROGRESS],
                 label=_("Duplicate"), values={"duplicate_of": original}, note=original.ref if original else "",
                 at=at, check=check)


@transaction.atomic
def mark_unable(*, actor, incident, reason, at=None) -> Incident:
    return _step(actor, incident, State.UNABLE, "unable", states=[State.ROUTED, State.IN_PROGRESS],
                 label=_("Unable to handle"), values={"reason": (reason or "").strip()}, reason=(reason or "").strip(),
                 at=at, check=lambda i: _require_reason(reason))


@transaction.atomic
def reopen_incident(*, actor, incident, reason, at=None) -> Incident:
    """Reopened on a complaint: handled again by its unit, counted in the reopen rate."""

    def count(locked, before):
        locked.reopened_count += 1

    return _step(actor, incident, State.IN_PROGRESS, "reopen", states=[State.CLOSED, State.UNABLE], label=_("Reopen"),
                 values={"closed_on": None}, reason=(reason or "").strip(), at=at,
                 check=lambda i: _require_reason(reason), adjust=count)


@transaction.atomic
def save_routing_rule(*, actor, category, area, unit) -> RoutingRule:
    require_in_scope(actor, _perm(RoutingRule, "add"), area.code)
    RoutingRule.objects.filter(category=category, area=area, active=True).update(active=False)
    rule = RoutingRule(category=category, area=area, unit=unit)
    rule = create_recorded(rule, actor=actor, action="grids.rule.create")
    return rule


@transaction.atomic
def save_handling_unit(*, actor, area, name, kind) -> HandlingUnit:
    require_in_scope(actor, _perm(HandlingUnit, "add"), area.code)
    unit = HandlingUnit(area=area, name=name, kind=kind)
    unit = create_recorded(unit, actor=actor, action="grids.unit.create")
    return unit


def community_of(area: Area) -> Area:
    return area.parent if area.level == AreaLevel.GRID else area


# --- one window (一窗受理) -------------------------------------------------------------------------------
def _next_number(model, field, prefix, width=7) -> str:
    last = model.objects.filter(**{f"{field}__startswith": prefix}).aggregate(m=Max(field))["m"]
    n = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{n:0{width}d}"


def window_target_limit(item, received_on) -> datetime.date:
    """The latest target date the item's time limit allows: the same day for a same-day item."""
    return received_on if item.same_day else add_working_days(received_on, item.time_limit_days)


@transaction.atomic
def receive_window_request(*, actor, area, item, resident_name, request, on_the_spot: bool, result="",
                           back_office="", target_date=None, notify_channel="", received_at=None):
    """The generalist records a resident's request at the one window and either closes it on the spot
    (the result given, the resident told at the desk) or hands it to the back office with a target
    date within the item's time limit."""
    from .choices import NotifyChannel, WindowState
    from .models import WindowRequest

    _require_level(area, AreaLevel.COMMUNITY)
    require_in_scope(actor, _perm(WindowRequest, "add"), area.code)
    if item is None or not item.active:
        raise ValidationError({"item": _("Choose a service item of the catalogue in use.")})
    now = received_at or timezone.now()
    today = timezone.localdate(now)
    errors = {}
    if not (resident_name or "").strip():
        errors["resident_name"] = _("Name the resident.")
    if not (request or "").strip():
        errors["request"] = _("Say what the resident asks.")
    latest = window_target_limit(item, today)
    if on_the_spot:
        if not (result or "").strip():
            errors["result"] = _("Closed on the spot: state the result given to the resident.")
    else:
        if not (back_office or "").strip():
            errors["back_office"] = _("Name the back office that takes it over.")
        if target_date is None:
            target_date = latest
        elif target_date < today:
            errors["target_date"] = _("A target date cannot lie in the past.")
        elif target_date > latest:
            errors["target_date"] = _(
                "“%(item)s” is to be done within %(days)s working days: the target date is %(latest)s at the "
                "latest (%(basis)s).") % {"item": item.name, "days": item.time_limit_days, "latest": latest,
                                          "basis": item.legal_basis}
    if errors:
        raise ValidationError(errors)
    req = WindowRequest(
        ref=_next_number(WindowRequest, "ref", f"CK{today.year}-"), area=area, item=item,
        resident_name=resident_name.strip(), request=request.strip(), received_at=now,
        received_by=actor if actor is not None and actor.pk else None,
        target_date=today if on_the_spot else target_date, back_office=(back_office or "").strip())
    if on_the_spot:
        req.state, req.result, req.done_at, req.notified_at = WindowState.CLOSED, result.strip(), now, now
        req.notify_channel = notify_channel or NotifyChannel.AT_DESK
    else:
        req.state = WindowState.BACK_OFFICE
    req = create_recorded(req, actor=actor, action="grids.window.receive")
    return req


def complete_window_request(*, actor, window_request, result, at=None):
    """The back office's result is in: the request is done; the resident is still to be told."""
    from .choices import WindowState

    def check(req):
        if req.state != WindowState.BACK_OFFICE:
            raise TransitionRefused(_("Only a request with the back office can be completed; this one is "
                                      "“%(state)s”.") % {"state": req.get_state_display()})
        _require_reason(result, "result")

    return update_recorded(window_request, {"state": WindowState.DONE, "result": (result or "").strip(),
                                            "done_at": at or timezone.now()},
                           allowed=("state", "result", "done_at"), actor=actor, action="grids.window.complete",
                           check=check)


def notify_resident(*, actor, window_request, channel, note="", at=None):
    """The resident is told the result: the request is closed."""
    from .choices import NotifyChannel, WindowState

    def check(req):
        if req.state != WindowState.DONE:
            raise TransitionRefused(_("The resident is told once the result is in; this request is “%(state)s”.")
                                    % {"state": req.get_state_display()})
        if channel not in NotifyChannel.values:
            raise ValidationError({"channel": _("Say how the resident was told.")})

    return update_recorded(window_request, {"state": WindowState.CLOSED, "notify_channel": channel,
                                            "notified_at": at or timezone.now()},
                           allowed=("state", "notify_channel", "notified_at"), actor=actor,
                           action="grids.window.notify", reason=note, check=check)


# --- burden reduction (社区减负增效) -----------------------------------------------------------------------
@transaction.atomic
def apply_for_admission(*, actor, area, department, title, legal_basis, starts_on, applied_on=None,
                        funds_follow=False):
    """A department applies to admit a task not on the lists: at least 30 working days before it starts;
    the decision is due within 15 working days."""
    from .models import AdmissionRequest

    require_in_scope(actor, _perm(AdmissionRequest, "add"), area.code)
    applied_on = applied_on or timezone.localdate()
    earliest = add_working_days(applied_on, AdmissionRequest.APPLY_AHEAD_DAYS)
    errors = {}
    if not (department or "").strip():
        errors["department"] = _("Name the requesting department.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _("State the legal basis of the task.")
    if starts_on < earliest:
        errors["starts_on"] = _("An admission request is made 30 working days before the task starts: a task "
                                "applied for on %(applied)s starts on %(earliest)s at the earliest.") % {
            "applied": applied_on, "earliest": earliest}
    if errors:
        raise ValidationError(errors)
    req = AdmissionRequest(area=area, department=department.strip(), title=title, legal_basis=legal_basis.strip(),
                           funds_follow=funds_follow, applied_on=applied_on, starts_on=starts_on,
                           decide_by=add_working_days(applied_on, AdmissionRequest.DECIDE_WITHIN_DAYS))
    req = create_recorded(req, actor=actor, action="grids.admission.apply")
    return req


def decide_admission(*, actor, admission, admit: bool, note, on=None):
    from .choices import AdmissionState

    def check(req):
        if req.state != AdmissionState.PENDING:
            raise TransitionRefused(_("This request was already decided (%(state)s).")
                                    % {"state": req.get_state_display()})
        _require_reason(note, "note")

    note_text = (note or "").strip()
    return update_recorded(admission, {"state": AdmissionState.ADMITTED if admit else AdmissionState.REJECTED,
                                       "decided_on": on or timezone.localdate(), "decision_note": note_text},
                           allowed=("state", "decided_on", "decision_note"), actor=actor,
                           action="grids.admission.decide", reason=note_text, check=check)


@transaction.atomic
def push_task(*, actor, area, department, title, description="", item=None, admission=None, received_on=None):
    """A department's task arrives at a community. It is recorded whatever it cites; whether it may be
    accepted is decided by the community (``accept_task`` / ``refuse_task``)."""
    from .models import CommunityTask

    _require_level(area, AreaLevel.COMMUNITY)
    require_in_scope(actor, _perm(CommunityTask, "add"), area.code)
    if item is not None and not item.active:
        raise ValidationError({"item": _("%(item)s is no longer on the lists.") % {"item": item}})
    if admission is not None and not area.code.startswith(admission.area.prefix):
        raise ValidationError({"admission": _("That admission request does not cover %(community)s.")
                               % {"community": area.name}})
    task = CommunityTask(area=area, department=(department or "").strip(), title=(title or "").strip(),
                         description=description, item=item, admission=admission,
                         received_on=received_on or timezone.localdate())
    task = create_recorded(task, actor=actor, action="grids.task.push")
    return task


def _unlisted_reason(task) -> str:
    if task.admission_id:
        return _("The admission request “%(title)s” is %(state)s, not admitted.") % {
            "title": task.admission.title, "state": task.admission.get_state_display()}
    return _("The task cites no item of the two lists of community work (依法履职, 协助政府) and no admitted "
             "request: a department applies for admission 30 working days ahead.")


def accept_task(*, actor, task, on=None):
    """A community takes on a task only if it cites a listed item or an admitted request."""
    from .choices import TaskState

    def check(t):
        if t.state != TaskState.RECEIVED:
            raise TransitionRefused(_("This task was already decided (%(state)s).") % {"state": t.get_state_display()})
        if not t.listed:
            raise TransitionRefused(_("Not accepted: %(why)s Refuse it instead.") % {"why": _unlisted_reason(t)})

    return update_recorded(task, {"state": TaskState.ACCEPTED, "decided_on": on or timezone.localdate()},
                           allowed=("state", "decided_on"), actor=actor, action="grids.task.accept", check=check)


def refuse_task(*, actor, task, on=None):
    """One step: the community refuses an unlisted task; the reason is the rule, recorded."""
    from .choices import TaskState

    def check(t):
        if t.state != TaskState.RECEIVED:
            raise TransitionRefused(_("This task was already decided (%(state)s).") % {"state": t.get_state_display()})
        if t.listed:
            raise TransitionRefused(_("“%(item)s” is on the lists: a listed task is not refused.")
                                    % {"item": t.item or t.admission})

    why = _unlisted_reason(task)
    return update_recorded(task, {"state": TaskState.REFUSED, "decided_on": on or timezone.localdate(), "reason": why},
                           allowed=("state", "decided_on", "reason"), actor=actor, action="grids.task.refuse",
                           reason=why, check=check)


# --- certificates (社区出具证明) -----------------------------------------------------------------------
@transaction.atomic
def issue_certificate(*, actor, area, cert_type, resident_name, purpose, issued_on=None):
    """Issue a certificate of an allowed type: a number, the template's text, and one seal-use entry.
    A type of the negative list is refused citing the rule and naming the department that owns the fact."""
    from .models import Certificate, SealUse

    _require_level(area, AreaLevel.COMMUNITY)
    require_in_scope(actor, _perm(Certificate, "add"), area.code)
    if not cert_type.allowed:
        raise ValidationError({"cert_type": _(
            "A community may not issue a “%(name)s” (%(rule)s). The resident turns to %(dept)s, which holds the "
            "fact.") % {"name": cert_type.name, "rule": cert_type.legal_basis, "dept": cert_type.owner_department}})
    errors = {}
    if not (resident_name or "").strip():
        errors["resident_name"] = _("Name the resident.")
    if not (purpose or "").strip():
        errors["purpose"] = _("State what the certificate is for.")
    if errors:
        raise ValidationError(errors)
    issued_on = issued_on or timezone.localdate()
    body = (cert_type.template or "{name}：{purpose}").replace("{name}", resident_name.strip()).replace(
        "{purpose}", purpose.strip())
    who = actor if actor is not None and actor.pk else None
    cert = Certificate(number=_next_number(Certificate, "number", f"ZM{area.code}-{issued_on.year}-", 5), area=area,
                       cert_type=cert_type, resident_name=resident_name.strip(), purpose=purpose.strip(), body=body,
                       issued_by=who, issued_on=issued_on)
    cert = create_recorded(cert, actor=actor, action="grids.certificate.issue")
    seal = SealUse(area=area, used_by=who, purpose=_("Certificate %(number)s: %(name)s") % {
        "number": cert.number, "name": cert_type.name}, certificate=cert)
    # The seal's log entry is its own audited row (it names the certificate), in the same transaction.
    create_recorded(seal, actor=actor, action="grids.seal.use")
    return cert


def record_certificate_print(*, actor, certificate):
    """Every print of a certificate is audited (the view looked it up in scope)."""
    audit.record(actor=actor, action="grids.certificate.print", target=certificate, area=certificate.area,
                 changes={"number": certificate.number})
