"""Territory, staff grants, audit events, supervision findings: what every app shares."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import LEVEL_ORDER, LEVEL_PREFIX, AreaKind, AreaLevel, FindingStatus, Role, Severity
from .personal import BlindIndexField, PersonalDataField, PersonalKind
from .querysets import RestrictedQuerySet, perm_name


def significant_prefix(code: str, level: str) -> str:
    return code[: LEVEL_PREFIX[level]]


_known_prefixes: dict[str, str] = {}


def prefix_of_code(code: str) -> str | None:
    """The significant prefix of the area with this code, or None when there is none.

    An area's code and level never change once it exists (the services and the API refuse
    it), so found prefixes are kept per process: a list filtered by area needs no query for it.
    """
    prefix = _known_prefixes.get(code)
    if prefix is None:
        level = Area.objects.filter(code=code).values_list("level", flat=True).first()
        if level is None:
            return None
        prefix = significant_prefix(code, level)
        if len(_known_prefixes) < 100_000:  # a city has a few thousand areas; never grow without bound
            _known_prefixes[code] = prefix
    return prefix


class AreaQuerySet(RestrictedQuerySet):
    scope_field = "code"

    def descendants_of(self, area, include_self=True):
        qs = self.filter(code__startswith=area.prefix)
        return qs if include_self else qs.exclude(pk=area.pk)

    def valid_on(self, date):
        """Areas that exist on ``date`` (both bounds inclusive; no bound = always)."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=date),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=date),
        )

    def valid_during(self, start, end):
        """Areas that exist on at least one day from ``start`` to ``end`` (inclusive)."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=end),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=start),
        )


class Area(models.Model):
    """A place of the administrative hierarchy: city → county → township → community → grid.

    Keyed by the 12-digit statistical division code (统计用区划代码); a grid's code is its
    community's code plus a 3-digit sequence. A grant at an area covers every area whose code
    starts with its significant prefix.
    """

    code = models.CharField(_("division code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    kind = models.CharField(_("urban/rural"), max_length=5, choices=AreaKind.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Validity (both inclusive, null = unbounded): a re-division retires areas (valid_to) and
    # creates their successors (valid_from); records keep the area they were made in.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["code"], name="core_area_code_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "kind"], name="core_area_level_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level=AreaLevel.GRID, code__regex=r"^[0-9]{15}$")
                    | (~models.Q(level=AreaLevel.GRID) & models.Q(code__regex=r"^[0-9]{12}$"))
                ),
                name="core_area_code_fits_level",
            ),
            models.CheckConstraint(
                condition=models.Q(level=AreaLevel.CITY, parent__isnull=True)
                | (~models.Q(level=AreaLevel.CITY) & models.Q(parent__isnull=False)),
                name="core_area_only_city_is_root",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="core_area_validity_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name}"

    def get_absolute_url(self):
        return reverse("area-detail", args=[self.code])

    @property
    def prefix(self) -> str:
        """The significant prefix: every descendant's code starts with it."""
        return significant_prefix(self.code, self.level)

    @property
    def depth(self) -> int:
        return LEVEL_ORDER.index(self.level)

    def clean(self):
        errors = {}
        if self.level == AreaLevel.GRID:
            if not (len(self.code) == 15 and self.code.isdigit()):
                errors["code"] = _("A grid code has 15 digits: its community's 12 and a 3-digit number.")
        elif not (len(self.code) == 12 and self.code.isdigit()):
            errors["code"] = _("A division code has 12 digits.")
        elif self.level and self.code[LEVEL_PREFIX[self.level]:].strip("0"):
            errors["code"] = _("A %(level)s code ends in zeros after its first %(n)s digits.") % {
                "level": AreaLevel(self.level).label,
                "n": LEVEL_PREFIX[self.level],
            }
        if self.level == AreaLevel.CITY:
            if self.parent_id:
                errors["parent"] = _("A city has no parent area.")
        elif self.level:
            if self.parent is None:
                errors["parent"] = _("Every area below the city needs a parent.")
            else:
                expected = LEVEL_ORDER[LEVEL_ORDER.index(self.level) - 1]
                if self.parent.level != expected:
                    errors["parent"] = _("The parent of a %(level)s must be a %(expected)s.") % {
                        "level": AreaLevel(self.level).label,
                        "expected": AreaLevel(expected).label,
                    }
                elif not self.code.startswith(self.parent.prefix) or self.code == self.parent.code:
                    errors["code"] = _("The code must extend the parent's code %(prefix)s.") % {
                        "prefix": self.parent.prefix
                    }
        if self.level in (AreaLevel.COMMUNITY, AreaLevel.GRID) and not self.kind:
            errors["kind"] = _("A community or grid is urban or rural.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, date) -> bool:
        return (self.valid_from is None or self.valid_from <= date) and (self.valid_to is None or date <= self.valid_to)

    def ancestors(self):
        """Areas above this one, city first: one query, from the code alone."""
        codes = [
            self.code[: LEVEL_PREFIX[level]].ljust(12, "0")
            for level in LEVEL_ORDER[: LEVEL_ORDER.index(self.level)]
        ]
        return list(Area.objects.filter(code__in=codes).order_by(Length("code"), "code"))


class AreaPopulation(models.Model):
    """Population of an area in a year: resident (常住) and registered (户籍)."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    resident = models.PositiveIntegerField(_("resident population"))
    registered = models.PositiveIntegerField(_("registered population"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("population figures")
        ordering = ["area__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="core_population_one_per_area_year"),
            models.CheckConstraint(condition=models.Q(year__gte=1949, year__lte=2100), name="core_population_year_sane"),
        ]

    def __str__(self):
        return f"{self.area} {self.year}"


class StaffGrant(models.Model):
    """A role held at an area; it covers that area and everything below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="grants")
    # A term of appointment (both inclusive, Asia/Shanghai dates; null = open): outside it the grant
    # lapses by itself, without any save (core.scope reads only the grants in force today).
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff grant")
        verbose_name_plural = _("staff grants")
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="core_grant_unique"),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True) | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="core_grant_term_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} @ {self.area}"

    def in_force_on(self, date) -> bool:
        return (self.starts_on is None or self.starts_on <= date) and (self.ends_on is None or date <= self.ends_on)


class StaffProfile(models.Model):
    """Real-name details of a staff user (实名制): name, ID number and phone, encrypted."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(_("full name"), max_length=50)
    area = models.ForeignKey(Area, verbose_name=_("home area"), on_delete=models.PROTECT, related_name="staff")
    id_number = PersonalDataField(kind=PersonalKind.ID_NUMBER, blank=True, null=True)
    id_number_index = BlindIndexField(source="id_number")
    phone = PersonalDataField(kind=PersonalKind.PHONE, blank=True, null=True)
    phone_index = BlindIndexField(source="phone")
    title = models.CharField(_("post"), max_length=50, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["area__code", "full_name"]
        permissions = [("reveal_personal_data", "Can reveal personal data with a reason")]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="core_staff_id_number_unique"),
        ]

    def __str__(self):
        return self.full_name


class AuditEventQuerySet(RestrictedQuerySet):
    scope_field = "area_code"


class AuditEvent(models.Model):
    """One meaningful write or disclosure: who did what to which record where, and why.

    Rows are never changed: the model refuses updates, the admin is read-only and on
    PostgreSQL a trigger refuses UPDATE and DELETE. The actor's label is copied so it
    survives the user's deletion.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("record type"), max_length=80, blank=True, db_index=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+",
    )
    area_code = models.CharField(_("area code"), max_length=15, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["area_code"], name="core_audit_area_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["target_type", "target_id"], name="core_audit_target"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class FindingQuerySet(RestrictedQuerySet):
    def inbox(self, user):
        """The findings addressed to ``user``: visible to them and at the level of one of their grants
        (a community's finding is in the community worker's inbox until it is escalated)."""
        from .scope import scope_for

        qs = self.restrict(user, "view")
        scope = scope_for(user)
        if scope.unrestricted:
            return qs
        q = models.Q(pk__in=[])
        for grants in scope.roles.values():
            for prefix, level, _code in grants:
                q |= models.Q(area__code__startswith=prefix, level=level)
        return qs.filter(q)


class Finding(models.Model):
    """Something a supervision check raised, in the inbox of the officers of its area.

    One open finding per (rule, record): checks run nightly and must be safe to run twice.
    """

    rule = models.CharField(_("rule"), max_length=80, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    target_type = models.CharField(_("record type"), max_length=80)
    target_id = models.CharField(_("record id"), max_length=64)
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    target_url = models.CharField(_("link"), max_length=300, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="findings")
    # Whose inbox it is in: the officers at this level above (or at) the area. Starts at the area's own
    # level; the nightly run raises an overdue finding one level (core.supervision.escalate_overdue).
    level = models.CharField(_("inbox level"), max_length=10, choices=AreaLevel.choices, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["status", "due_date", "-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "target_type", "target_id"],
                condition=models.Q(status="open"),
                name="core_finding_one_open_per_rule_target",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.level and self.area_id:
            self.level = self.area.level  # a new finding starts in the inbox of its own area's level
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return self.status == FindingStatus.OPEN and self.due_date is not None and self.due_date < timezone.localdate()


class FindingEscalationQuerySet(RestrictedQuerySet):
    scope_field = "finding__area__code"


class FindingEscalation(models.Model):
    """One step of a finding up the hierarchy: the history shown with the finding."""

    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE,
                                related_name="escalations")
    from_level = models.CharField(_("from level"), max_length=10, choices=AreaLevel.choices)
    to_level = models.CharField(_("to level"), max_length=10, choices=AreaLevel.choices)
    previous_due_date = models.DateField(_("previous due date"), null=True, blank=True)
    due_date = models.DateField(_("new due date"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), default=timezone.now)

    objects = FindingEscalationQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding escalation")
        verbose_name_plural = _("finding escalations")
        ordering = ["finding", "escalated_at", "pk"]

    def __str__(self):
        return f"{self.finding} {self.get_from_level_display()} → {self.get_to_level_display()}"


class AreaSuccessionQuerySet(RestrictedQuerySet):
    scope_field = "predecessor__code"


class AreaSuccession(models.Model):
    """A re-division's link from a retired area to an area that took over (part of) it."""

    predecessor = models.ForeignKey(Area, verbose_name=_("predecessor"), on_delete=models.PROTECT,
                                    related_name="successions")
    successor = models.ForeignKey(Area, verbose_name=_("successor"), on_delete=models.PROTECT,
                                  related_name="predecessions")
    date = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AreaSuccessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("area succession")
        verbose_name_plural = _("area successions")
        ordering = ["-date", "predecessor__code", "successor__code"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="core_succession_unique"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.date})"


class WorkdayOverrideQuerySet(RestrictedQuerySet):
    scope_field = None  # city-wide: only unrestricted (city-level) holders of the permission see rows

    def restrict(self, user, action: str = "view"):
        from .scope import scope_for

        perm = perm_name(self.model, action)
        return self.all() if scope_for(user).prefixes_for(perm) is None else self.none()


class WorkdayOverride(models.Model):
    """A local exception to the national working-day calendar (core.workdays): a day off for a
    local event, or a working day the national calendar does not know. Overrides win."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WorkdayOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} {_('working day') if self.is_workday else _('day off')}"


class RevealGrant(models.Model):
    """A reveal of personal data that may be shown again to the same user, without a new reason,
    until ``expires_at`` (core.services.reveal_personal_data with ``keep_for``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reveal_grants")
    target_type = models.CharField(_("record type"), max_length=80)
    target_id = models.CharField(_("record id"), max_length=64)
    field = models.CharField(_("field"), max_length=60)
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("reveal grant")
        verbose_name_plural = _("reveal grants")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "target_type", "target_id", "field"], name="core_reveal_grant_key")]

    def __str__(self):
        return f"{self.user} {self.target_type}#{self.target_id}.{self.field} → {self.expires_at:%Y-%m-%d %H:%M}"


class IssuedToken(models.Model):
    """What the token endpoint knew when it issued an API token (rest_framework's ``Token`` has no
    room for it): whether the one-time code was verified. A token without this row (made in the
    admin or a shell) counts as issued without a second factor."""

    token = models.OneToOneField("authtoken.Token", on_delete=models.CASCADE, primary_key=True,
                                 related_name="issued", verbose_name=_("token"))
    second_factor = models.BooleanField(_("issued with a second factor"), default=False)

    class Meta:
        verbose_name = _("issued API token")
        verbose_name_plural = _("issued API tokens")

    def __str__(self):  # never the key: it is the token itself
        return str(_("issued API token"))

from .imports.models import StagedImport, StagedImportStatus  # noqa: E402,F401  (core.imports: the generic staged import)


def protected_export_storage():
    """Protected exports live under var/exports/ (never under static or media), encrypted like uploads."""
    from .imports.storage import EncryptedFileSystemStorage

    return EncryptedFileSystemStorage(location=settings.VAR_DIR / "exports")


class ProtectedExport(models.Model):
    """An export of read-audited records (issue 15 "exports are protected and expire"): built once with a
    stated reason, kept encrypted, downloadable only by the user who made it until ``expires_at``;
    the sweep deletes the file afterwards (core.exports)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="protected_exports")
    what = models.CharField(_("export"), max_length=80)
    model = models.CharField(_("record type"), max_length=80, blank=True)  # app_label.model of the rows
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    fmt = models.CharField(_("format"), max_length=8)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    reason = models.TextField(_("reason"))
    file = models.FileField(_("file"), upload_to="protected/", storage=protected_export_storage, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("protected export")
        verbose_name_plural = _("protected exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "expires_at"], name="core_protected_export_user"),
                   models.Index(fields=["expires_at"], name="core_protected_export_exp")]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("export-download", kwargs={"token": self.pk})
