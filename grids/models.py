"""Grids and community work: grid profiles beside ``core.Area`` (never a second territory), community
workers linked to core's staff records, post quotas, pilots, patrols and incidents.

A grid is a ``core.Area`` of level "grid" with its validity; a re-division is core's service
(``core.services.redivide_areas``). The profile holds only what core does not: the grid's own
figures (households, residents: never added into ``AreaPopulation``) and its public contact board.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from core.models import Area, StaffProfile
from core.validators import IMAGE_TYPES, FileTypeValidator, RandomName

from . import querysets
from .choices import (
    AdmissionState,
    AssessmentResult,
    AssignmentRole,
    GridType,
    NotifyChannel,
    PilotKind,
    PostType,
    Priority,
    Source,
    State,
    TaskState,
    UnitKind,
    WindowState,
    WorkerStatus,
    WorkList,
)


def _require_level(area, level, field="area"):
    if area is not None and area.level != level:
        raise ValidationError({field: _("This must be an area of level “%(level)s”.") % {
            "level": AreaLevel(level).label}})


class GridProfile(models.Model):
    """What the portal knows of a grid beyond its place in the territory: type, its own figures,
    the grids it replaced, and the contact board published for residents (滨州条例 Art. 6)."""

    area = models.OneToOneField(Area, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="grid_profile")
    grid_type = models.CharField(_("grid type"), max_length=12, choices=GridType.choices, default=GridType.BASIC)
    households = models.PositiveIntegerField(_("households"), default=0)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    buildings = models.PositiveIntegerField(_("buildings"), default=0)
    stationed_units = models.PositiveIntegerField(_("stationed units"), default=0)
    party_organisations = models.PositiveIntegerField(_("party organisations"), default=0)
    party_members = models.PositiveIntegerField(_("party members"), default=0)
    former_grids = models.TextField(_("former grids it replaced"), blank=True,
                                    help_text=_("Party-building, public-order and city-management grids merged into it."))
    extent = models.CharField(_("extent"), max_length=300, blank=True)
    contact_name = models.CharField(_("grid worker on the board"), max_length=50, blank=True)
    # A service phone of the post, published; never the worker's personal phone (personal data).
    service_phone = models.CharField(_("service phone"), max_length=20, blank=True)
    complaints_phone = models.CharField(_("complaints phone"), max_length=20, blank=True)
    published = models.BooleanField(_("contact board published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid profile")
        verbose_name_plural = _("grid profiles")
        ordering = ["area__code"]

    def __str__(self):
        return f"{self.area.code} {self.area.name}"

    def get_absolute_url(self):
        return reverse("grids:profile-detail", args=[self.pk])

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.GRID)
        errors = {}
        for name in ("service_phone", "complaints_phone"):
            value = getattr(self, name)
            if value and not (value.replace("-", "").isdigit() and 5 <= len(value) <= 20):
                errors[name] = _("A phone number has digits and hyphens only.")
        if self.published and not (self.contact_name and self.service_phone and self.complaints_phone):
            errors["published"] = _("A published board names the grid worker and gives a service phone and a "
                                    "complaints phone.")
        if self.households > self.residents and self.residents:
            errors["households"] = _("A grid cannot have more households than residents.")
        if errors:
            raise ValidationError(errors)


class PayRule(models.Model):
    """三岗十八级 as dated data: the grades a post may hold and the pay floor (not below the
    public-institution management grade named in ``floor_reference``), in force from a date."""

    post_type = models.CharField(_("post type"), max_length=8, choices=PostType.choices)
    min_grade = models.PositiveSmallIntegerField(_("lowest grade"), validators=[MinValueValidator(1),
                                                                               MaxValueValidator(18)])
    max_grade = models.PositiveSmallIntegerField(_("highest grade"), validators=[MinValueValidator(1),
                                                                                MaxValueValidator(18)])
    floor_reference = models.CharField(_("pay not below"), max_length=50)
    monthly_floor = models.DecimalField(_("monthly pay floor (yuan)"), max_digits=9, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("pay rule")
        verbose_name_plural = _("pay rules")
        ordering = ["post_type", "-valid_from"]

    def __str__(self):
        return f"{self.get_post_type_display()} {self.min_grade}-{self.max_grade} ≥ {self.floor_reference}"


class CommunityWorker(models.Model):
    """A community worker (社区工作者): a person the portal already knows as staff (core.StaffProfile,
    encrypted ID and phone), counted once, with post, grade and pay on the 三岗十八级 ladder. The
    five sections of the file (五统一): selection, management, pay, assessment, rewards."""

    # A person (one staff record, one ID number's blind index) may hold two records over time (a re-hire, a
    # record kept from a re-division); the counts go by person (grids.people), not by record.
    staff = models.ForeignKey(StaffProfile, verbose_name=_("staff record"), on_delete=models.PROTECT,
                              related_name="community_workers")
    area = models.ForeignKey(Area, verbose_name=_("community"), on_delete=models.PROTECT,
                             related_name="community_workers")
    post_type = models.CharField(_("post type"), max_length=8, choices=PostType.choices, default=PostType.OTHER)
    grade = models.PositiveSmallIntegerField(_("grade"), validators=[MinValueValidator(1), MaxValueValidator(18)])
    grade_since = models.DateField(_("grade since"))
    monthly_pay = models.DecimalField(_("monthly pay (yuan)"), max_digits=9, decimal_places=2)
    is_generalist = models.BooleanField(_("generalist (全科)"), default=False)
    qualification = models.CharField(_("social-work qualification"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE)
    hired_on = models.DateField(_("hired on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # 五统一: what the file records under each heading besides the structured fields.
    selection = models.TextField(_("selection and recruitment"), blank=True)
    management = models.TextField(_("daily management"), blank=True)
    rewards = models.TextField(_("rewards and penalties"), blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("community worker")
        verbose_name_plural = _("community workers")
        ordering = ["area__code", "staff__full_name"]

    def __str__(self):
        return self.staff.full_name

    def get_absolute_url(self):
        return reverse("grids:worker-detail", args=[self.pk])

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.COMMUNITY)


class GradeChange(models.Model):
    """Grade history: every grade and pay a worker held, from when."""

    worker = models.ForeignKey(CommunityWorker, verbose_name=_("worker"), on_delete=models.CASCADE,
                               related_name="grade_changes")
    grade = models.PositiveSmallIntegerField(_("grade"))
    since = models.DateField(_("since"))
    monthly_pay = models.DecimalField(_("monthly pay (yuan)"), max_digits=9, decimal_places=2)
    rule = models.ForeignKey(PayRule, verbose_name=_("pay rule"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = querysets.WorkerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["worker", "since", "pk"]

    def __str__(self):
        return f"{self.worker} {self.grade} {self.since}"


class Assessment(models.Model):
    worker = models.ForeignKey(CommunityWorker, verbose_name=_("worker"), on_delete=models.CASCADE,
                               related_name="assessments")
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=12, choices=AssessmentResult.choices)
    evidence = models.TextField(_("evidence"))

    objects = querysets.WorkerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly assessment")
        verbose_name_plural = _("yearly assessments")
        ordering = ["worker", "-year"]
        constraints = [models.UniqueConstraint(fields=["worker", "year"], name="grids_assessment_one_per_year")]

    def __str__(self):
        return f"{self.worker} {self.year} {self.get_result_display()}"


class PostQuota(models.Model):
    """员额: the posts approved for a community in a year; filled is kept by the services from the
    workers in post, vacant = approved − filled, and ``vacant_since`` says since when a post is empty."""

    area = models.ForeignKey(Area, verbose_name=_("community"), on_delete=models.PROTECT, related_name="post_quotas")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    approved = models.PositiveIntegerField(_("approved posts"))
    filled = models.PositiveIntegerField(_("filled posts"), default=0)
    vacant = models.PositiveIntegerField(_("vacant posts"), default=0)
    vacant_since = models.DateField(_("vacant since"), null=True, blank=True)
    decided_by = models.CharField(_("approved by (document)"), max_length=200, blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("post quota")
        verbose_name_plural = _("post quotas")
        ordering = ["area__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="grids_quota_one_per_community_year"),
            models.CheckConstraint(condition=models.Q(filled__lte=models.F("approved")),
                                   name="grids_quota_filled_within_approved"),
        ]

    def __str__(self):
        return f"{self.area} {self.year}"

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.COMMUNITY)
        if self.filled > self.approved:
            raise ValidationError({"approved": _("%(filled)s workers are in post; approve at least as many posts.")
                                   % {"filled": self.filled}})


class Pilot(models.Model):
    """A community in a pilot in a year: 全科社工 (66 in 2020), provincial smart community (3)."""

    area = models.ForeignKey(Area, verbose_name=_("community"), on_delete=models.PROTECT, related_name="pilots")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("pilot"), max_length=12, choices=PilotKind.choices)
    service_model = models.CharField(_("service model"), max_length=100, blank=True, default="1+2+N",
                                     help_text=_("1 window, 2 roles, N grids: the local configuration."))
    note = models.TextField(_("note"), blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        ordering = ["-year", "area__code"]
        constraints = [models.UniqueConstraint(fields=["area", "year", "kind"], name="grids_pilot_unique")]

    def __str__(self):
        return f"{self.area} {self.year} {self.get_kind_display()}"

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.COMMUNITY)


class GridAssignment(models.Model):
    """A worker assigned to a grid of their own community, primary or backup, for a term."""

    worker = models.ForeignKey(CommunityWorker, verbose_name=_("worker"), on_delete=models.PROTECT,
                               related_name="assignments")
    area = models.ForeignKey(Area, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="grid_assignments")
    role = models.CharField(_("assignment role"), max_length=8, choices=AssignmentRole.choices, default=AssignmentRole.PRIMARY)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid assignment")
        verbose_name_plural = _("grid assignments")
        ordering = ["area__code", "role", "starts_on"]
        constraints = [models.CheckConstraint(
            condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
            name="grids_assignment_term_ordered")]

    def __str__(self):
        return f"{self.worker} → {self.area} ({self.get_role_display()})"

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.GRID)
        if self.area_id and self.worker_id and self.area.parent_id != self.worker.area_id:
            raise ValidationError({"area": _("%(grid)s is not a grid of %(community)s, the worker's community.")
                                   % {"grid": self.area.name, "community": self.worker.area.name}})
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A term ends on or after the day it starts.")})


class ChecklistItem(models.Model):
    """An item of the patrol checklist (六巡查四服务 has no public definition: it is configuration)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    label = models.CharField(_("item"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "code"]

    def __str__(self):
        return self.label


class PatrolPlan(models.Model):
    area = models.ForeignKey(Area, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrol_plans")
    title = models.CharField(_("title"), max_length=100)
    visits_per_month = models.PositiveSmallIntegerField(_("visits per month"), default=4,
                                                        validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    items = models.ManyToManyField(ChecklistItem, verbose_name=_("checklist"), related_name="plans")

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        ordering = ["area__code", "-starts_on"]

    def __str__(self):
        return f"{self.area.name} · {self.title}"

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.GRID)
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A plan ends on or after the day it starts.")})


class PatrolVisit(models.Model):
    """One patrol: start and end, objects visited, the checklist's answers, a photo from the phone."""

    plan = models.ForeignKey(PatrolPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="visits")
    area = models.ForeignKey(Area, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrol_visits")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    objects_visited = models.TextField(_("objects visited"), blank=True)
    answers = models.JSONField(_("checklist answers"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Served only by the scoped, audited download view, never under MEDIA_URL.
    photo = models.FileField(_("photo"), upload_to=RandomName("grids/visits"), blank=True,
                             validators=[FileTypeValidator(IMAGE_TYPES)])

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol visit")
        verbose_name_plural = _("patrol visits")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["area", "started_at"], name="grids_visit_grid_time")]

    def __str__(self):
        return f"{self.area.name} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("grids:visit-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.started_at and self.ended_at and self.ended_at < self.started_at:
            errors["ended_at"] = _("A visit ends after it starts.")
        if self.ended_at and self.ended_at > timezone.now() + timezone.timedelta(minutes=5):
            errors["ended_at"] = _("A visit cannot end in the future.")
        if errors:
            raise ValidationError(errors)


class IncidentCategory(models.Model):
    """Two levels: a main category and its sub-categories; an incident takes a sub-category.
    The time limit is in working days (core.workdays)."""

    parent = models.ForeignKey("self", verbose_name=_("main category"), on_delete=models.PROTECT, null=True,
                               blank=True, related_name="children")
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=5,
                                                       validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")
        ordering = ["code"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Categories have two levels: a sub-category's parent is a main "
                                               "category.")})


class HandlingUnit(models.Model):
    """Who handles incidents: a department, a street office or a community, at its area."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="handling_units")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["area__code", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="grids_unit_unique_name")]

    def __str__(self):
        return self.name


class RoutingRule(models.Model):
    """Category × area → handling unit. The most specific area wins, a sub-category before its main one."""

    category = models.ForeignKey(IncidentCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="routing_rules")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="routing_rules")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT,
                             related_name="rules")
    active = models.BooleanField(_("in force"), default=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category__code", "area__code"]
        constraints = [models.UniqueConstraint(fields=["category", "area"], condition=models.Q(active=True),
                                               name="grids_rule_one_active_per_category_area")]

    def __str__(self):
        return f"{self.category} @ {self.area} → {self.unit}"

    def clean(self):
        if self.unit_id and self.area_id and not (self.area.code.startswith(self.unit.area.prefix)
                                                  or self.unit.area.code.startswith(self.area.prefix)):
            raise ValidationError({"unit": _("The handling unit must work in the rule's area.")})


class Incident(models.Model):
    """An incident (事件) of a grid, from filing to closing within a time limit of working days."""

    ref = models.CharField(_("reference"), max_length=24, unique=True)
    # The number another system gave it (a 12345 work order, a department's file): an imported file
    # run twice files each incident once.
    external_ref = models.CharField(_("number in the source system"), max_length=40, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="incidents")
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    category = models.ForeignKey(IncidentCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="incidents")
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    photo = models.FileField(_("photo"), upload_to=RandomName("grids/incidents"), blank=True,
                             validators=[FileTypeValidator(IMAGE_TYPES)])
    visit = models.ForeignKey(PatrolVisit, verbose_name=_("patrol visit"), on_delete=models.PROTECT, null=True,
                              blank=True, related_name="incidents")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.FILED)
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="incidents")
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    due_on = models.DateField(_("due"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("duplicate of"), on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="duplicates")
    reason = models.TextField(_("reason"), blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True,
                                                    validators=[MinValueValidator(1), MaxValueValidator(5)])

    objects = querysets.IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-filed_at"]
        indexes = [
            models.Index(fields=["area", "state", "filed_at"], name="grids_incident_grid_state"),
            models.Index(fields=["unit", "state"], name="grids_incident_unit_state"),
            # The list's order (newest filed first, id as tie-breaker) walked backwards: a street's or a
            # district's first page reads about a page of its rows, not the million (bench/grids_incidents.py).
            models.Index(fields=["filed_at", "id"], name="grids_incident_filed"),
        ]
        constraints = [models.UniqueConstraint(fields=["external_ref"], condition=~models.Q(external_ref=""),
                                               name="grids_incident_external_ref_once")]

    def __str__(self):
        return self.ref

    def get_absolute_url(self):
        return reverse("grids:incident-detail", args=[self.pk])

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.GRID)
        if self.category_id and self.category.parent_id is None:
            raise ValidationError({"category": _("Choose a sub-category, not a main category.")})

    @property
    def is_overdue(self) -> bool:
        from .choices import ENDED_STATES

        if self.state in ENDED_STATES:
            return bool(self.closed_on and self.closed_on > self.due_on)
        return timezone.localdate() > self.due_on


class IncidentEvent(models.Model):
    """Every step of an incident (滨州条例 Art. 14: the full record of its handling)."""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.CASCADE,
                                 related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    from_state = models.CharField(_("from"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=State.choices)
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)

    objects = querysets.IncidentChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")
        ordering = ["incident", "at", "pk"]

    def __str__(self):
        return f"{self.incident} {self.from_state} → {self.to_state}"



# --- one window (一窗受理 / 一门受理) ---------------------------------------------------------------------
class ServiceItem(models.Model):
    """An item of the window's catalogue (36–63 in practice): legal basis, owning department, time
    limit in working days, and whether it is done on the spot (same day). City-wide reference data."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("service item"), max_length=100)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    owner_department = models.CharField(_("owning department"), max_length=100)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=5)
    same_day = models.BooleanField(_("done the same day"), default=False)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.same_day and self.time_limit_days < 1:
            raise ValidationError({"time_limit_days": _("An item not done the same day has a time limit of at least "
                                                        "one working day.")})


class WindowRequest(models.Model):
    """A resident's request at the community's one window: closed on the spot, or handed to the back
    office with a target date; the resident is told the result."""

    ref = models.CharField(_("reference"), max_length=24, unique=True)
    area = models.ForeignKey(Area, verbose_name=_("community"), on_delete=models.PROTECT,
                             related_name="window_requests")
    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT,
                             related_name="requests")
    resident_name = models.CharField(_("resident"), max_length=50)
    request = models.TextField(_("what the resident asks"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=WindowState.choices)
    back_office = models.CharField(_("back office"), max_length=100, blank=True)
    target_date = models.DateField(_("target date"))
    result = models.TextField(_("result"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    notified_at = models.DateTimeField(_("resident told"), null=True, blank=True)
    notify_channel = models.CharField(_("told how"), max_length=8, choices=NotifyChannel.choices, blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("window request")
        verbose_name_plural = _("window requests")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["area", "state", "received_at"], name="grids_window_area_state")]

    def __str__(self):
        return self.ref

    def get_absolute_url(self):
        return reverse("grids:window-detail", args=[self.pk])

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.COMMUNITY)

    @property
    def same_day(self) -> bool:
        return bool(self.done_at and timezone.localdate(self.done_at) == timezone.localdate(self.received_at))

    @property
    def is_overdue(self) -> bool:
        if self.done_at:
            return timezone.localdate(self.done_at) > self.target_date
        return timezone.localdate() > self.target_date


# --- burden reduction (社区减负增效) -----------------------------------------------------------------------
class WorkItem(models.Model):
    """An item of the two lists of community work (依法履职, 协助政府), with its legal basis and whether
    funds follow it (费随事转). City-wide reference data."""

    work_list = models.CharField(_("list"), max_length=10, choices=WorkList.choices)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("work item"), max_length=150)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    funds_follow = models.BooleanField(_("funds follow the task"), default=False)
    active = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("listed work item")
        verbose_name_plural = _("listed work items")
        ordering = ["work_list", "code"]

    def __str__(self):
        return f"{self.get_work_list_display()} · {self.name}"


class AdmissionRequest(models.Model):
    """A department asks to admit a task not on the lists (准入): applied at least 30 working days
    before the task starts, decided within 15 working days."""

    APPLY_AHEAD_DAYS = 30
    DECIDE_WITHIN_DAYS = 15

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="admission_requests")
    department = models.CharField(_("requesting department"), max_length=100)
    title = models.CharField(_("task"), max_length=150)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    funds_follow = models.BooleanField(_("funds follow the task"), default=False)
    applied_on = models.DateField(_("applied on"))
    starts_on = models.DateField(_("task starts on"))
    decide_by = models.DateField(_("decide by"))
    state = models.CharField(_("state"), max_length=10, choices=AdmissionState.choices, default=AdmissionState.PENDING)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("admission request")
        verbose_name_plural = _("admission requests")
        ordering = ["-applied_on", "pk"]

    def __str__(self):
        return f"{self.department} · {self.title}"


class CommunityTask(models.Model):
    """A department's task pushed to a community: it cites a listed item or an admitted request; a
    community refuses an unlisted one in one step, and the refusal is on record."""

    area = models.ForeignKey(Area, verbose_name=_("community"), on_delete=models.PROTECT,
                             related_name="community_tasks")
    department = models.CharField(_("department"), max_length=100)
    title = models.CharField(_("task"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    item = models.ForeignKey(WorkItem, verbose_name=_("listed item"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="tasks")
    admission = models.ForeignKey(AdmissionRequest, verbose_name=_("admission request"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="tasks")
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    state = models.CharField(_("state"), max_length=10, choices=TaskState.choices, default=TaskState.RECEIVED)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("community task")
        verbose_name_plural = _("community tasks")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"{self.department} · {self.title}"

    def get_absolute_url(self):
        return reverse("grids:task-detail", args=[self.pk])

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.COMMUNITY)

    @property
    def listed(self) -> bool:
        return bool(self.item_id or (self.admission_id and self.admission.state == AdmissionState.ADMITTED))


# --- certificates (社区出具证明) -----------------------------------------------------------------------
class CertificateType(models.Model):
    """A certificate a community may issue (the city's list) or may not (民发〔2020〕20号 negative list):
    the rule, and for a forbidden one the department that owns the fact."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("certificate"), max_length=100)
    allowed = models.BooleanField(_("a community may issue it"), default=True)
    legal_basis = models.CharField(_("rule"), max_length=300)
    owner_department = models.CharField(_("owning department"), max_length=150, blank=True)
    batch = models.CharField(_("list"), max_length=100, blank=True)
    same_day = models.BooleanField(_("issued on the spot"), default=True)
    template = models.TextField(_("template"), blank=True,
                                help_text=_("Text of the certificate; {name} and {purpose} are filled in."))

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["-allowed", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.allowed and not self.owner_department:
            raise ValidationError({"owner_department": _("A forbidden certificate names the department that owns "
                                                         "the fact.")})


class Certificate(models.Model):
    """A certificate a community issued: number, type, purpose, issuer, and its seal-use entry."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    area = models.ForeignKey(Area, verbose_name=_("community"), on_delete=models.PROTECT,
                             related_name="grid_certificates")
    cert_type = models.ForeignKey(CertificateType, verbose_name=_("certificate type"), on_delete=models.PROTECT,
                                  related_name="certificates")
    resident_name = models.CharField(_("resident"), max_length=50)
    purpose = models.CharField(_("purpose"), max_length=200)
    body = models.TextField(_("text"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued certificate")
        verbose_name_plural = _("issued certificates")
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("grids:certificate-detail", args=[self.pk])

    def clean(self):
        _require_level(self.area if self.area_id else None, AreaLevel.COMMUNITY)


class SealUse(models.Model):
    """The community seal's log (用印登记): every use, by whom, for what."""

    area = models.ForeignKey(Area, verbose_name=_("community"), on_delete=models.PROTECT, related_name="seal_uses")
    at = models.DateTimeField(_("time"), default=timezone.now)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("used by"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=200)
    certificate = models.OneToOneField(Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="seal_use")

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("seal use")
        verbose_name_plural = _("seal uses")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.area} {self.at:%Y-%m-%d} {self.purpose}"
from .assessments import *  # noqa: E402,F401,F403  (the register of assessments of communities)
