"""Every write of the territory, staff, findings and personal-data disclosure.

Each function takes keyword-only arguments with an ``actor`` (None for the system itself:
demo loader, scheduled checks), runs in one transaction, validates, writes one audit event
per change, and re-checks what it saved through the actor's restricted queryset.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, grants
from .choices import ADMIN_SITE_ROLES, LEVEL_ORDER, AreaKind, AreaLevel, FindingStatus, Role, Severity
from .exceptions import NoPermission, OutOfScope
from .models import Area, AreaPopulation, Finding, StaffGrant, StaffProfile
from .personal import PersonalDataField, str_plain
from .querysets import perm_name
from .scope import forget_scope, scope_for
from .tabular import ImportReport, RowError, read_table

User = get_user_model()


# --- scope guards shared by every app's services ------------------------------------------------
def require_perm(actor, perm: str) -> None:
    """The actor holds ``perm`` somewhere (403 otherwise). ``actor=None`` is the system."""
    if actor is not None and not scope_for(actor).has_perm_somewhere(perm):
        raise NoPermission(_("You do not have permission to do this."))


def require_in_scope(actor, perm: str, code: str) -> None:
    """The area ``code`` is within the actor's grants for ``perm`` (404 otherwise)."""
    if actor is None:
        return
    require_perm(actor, perm)
    if not scope_for(actor).covers(perm, code):
        raise OutOfScope(_("No such record."))


def recheck(actor, instance, action: str = "change") -> None:
    """After a write, the saved row must still be visible to the actor through the restricted
    queryset: nobody can move a record out of their own area (after NetBox)."""
    if actor is None:
        return
    model = type(instance)
    if not model._default_manager.restrict(actor, action).filter(pk=instance.pk).exists():
        raise OutOfScope(_("No such record."))


def _perm(model, action: str) -> str:
    return perm_name(model, action)


# --- areas ---------------------------------------------------------------------------------------
AREA_FIELDS = ["code", "name", "level", "kind", "parent"]


def _parent_for(code: str, level: str, parent_code: str | None):
    if level == AreaLevel.CITY:
        return None
    if not parent_code:
        raise ValidationError({"parent": _("Every area below the city needs a parent.")})
    parent = Area.objects.filter(code=parent_code).first()
    if parent is None:
        raise ValidationError({"parent": _("Parent area %(code)s does not exist.") % {"code": parent_code}})
    return parent


@transaction.atomic
def create_area(*, actor, code: str, name: str, level: str, kind: str = "", parent_code: str | None = None) -> Area:
    parent = _parent_for(code, level, parent_code)
    # Creating an area is a change within the parent's area (the city itself: within its own code),
    # and the event is filed there.
    return create_recorded(Area, {"code": code, "name": name, "level": level, "kind": kind or "", "parent": parent},
                           area=parent, actor=actor, action="core.area.create")


def update_area(*, actor, area: Area, name: str | None = None, kind: str | None = None) -> Area:
    """Rename or reclassify an area. Codes and parents are fixed: a re-division is a new area."""
    values = {field: value for field, value in (("name", name), ("kind", kind)) if value is not None}
    return update_recorded(area, values, allowed=("name", "kind"), actor=actor, action="core.area.update")


def delete_area(*, actor, area: Area, reason: str = "") -> None:
    def check(locked):
        if locked.children.exists():
            raise ValidationError(_("%(area)s still has areas below it; remove those first.") % {"area": locked})

    delete_recorded(area, actor=actor, action="core.area.delete", reason=reason, check=check)


AREA_COLUMNS = {
    "code": ["区划代码", "代码"],
    "name": ["名称"],
    "level": ["层级", "级别"],
    "kind": ["城乡类型", "城乡"],
    "parent_code": ["上级代码", "上级区划代码"],
}
LEVEL_WORDS = {
    "市": AreaLevel.CITY, "city": AreaLevel.CITY,
    "区县": AreaLevel.COUNTY, "县区": AreaLevel.COUNTY, "区": AreaLevel.COUNTY, "县": AreaLevel.COUNTY,
    "county": AreaLevel.COUNTY, "district": AreaLevel.COUNTY,
    "街道": AreaLevel.TOWNSHIP, "乡镇": AreaLevel.TOWNSHIP, "镇": AreaLevel.TOWNSHIP, "乡": AreaLevel.TOWNSHIP,
    "township": AreaLevel.TOWNSHIP, "street": AreaLevel.TOWNSHIP,
    "社区": AreaLevel.COMMUNITY, "村": AreaLevel.COMMUNITY, "社区/村": AreaLevel.COMMUNITY,
    "community": AreaLevel.COMMUNITY, "village": AreaLevel.COMMUNITY,
    "网格": AreaLevel.GRID, "grid": AreaLevel.GRID,
}
KIND_WORDS = {
    "": "", "urban": AreaKind.URBAN, "城市": AreaKind.URBAN, "城镇": AreaKind.URBAN, "城": AreaKind.URBAN,
    "rural": AreaKind.RURAL, "农村": AreaKind.RURAL, "乡村": AreaKind.RURAL, "乡": AreaKind.RURAL,
}


def _errors_of(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(f, m) for f, errs in exc.message_dict.items() for m in errs]
    return [("", m) for m in exc.messages]


def import_areas(*, actor, source, filename: str = "") -> ImportReport:
    """Load areas from CSV/XLSX (code,name,level,kind,parent_code), all or nothing.

    Parents may come later in the file than their children; every bad row is reported with its
    line number and reason, and then nothing is written. Existing codes are updated (name, kind).
    """
    report = ImportReport()
    rows = []
    for line, row in read_table(source, AREA_COLUMNS, required=["code", "name", "level"], filename=filename):
        level = LEVEL_WORDS.get(row["level"].strip().lower())
        kind = KIND_WORDS.get(row.get("kind", "").strip().lower())
        if level is None:
            report.errors.append(RowError(line, "level", _("unknown level “%(v)s”") % {"v": row["level"]}))
            continue
        if kind is None:
            report.errors.append(RowError(line, "kind", _("unknown urban/rural type “%(v)s”") % {"v": row["kind"]}))
            continue
        rows.append((line, row["code"], row["name"], level, kind, row.get("parent_code", "")))
    seen, unique_rows = {}, []
    for row in rows:
        line, code = row[0], row[1]
        if code in seen:
            report.errors.append(RowError(line, "code", _("duplicate of line %(n)s") % {"n": seen[code]}))
            continue
        seen[code] = line
        unique_rows.append(row)
    rows = unique_rows
    # Go on validating the other rows so that one run reports every bad row; nothing is kept.
    # Parents before children, whatever order the file has.
    rows.sort(key=lambda r: (LEVEL_ORDER.index(r[3]), r[1]))
    try:
        with transaction.atomic():
            existing = {a.code: a for a in Area.objects.filter(code__in=[r[1] for r in rows])}
            by_code = dict(existing)
            parent_codes = {r[5] for r in rows if r[5]} - set(by_code)
            by_code.update({a.code: a for a in Area.objects.filter(code__in=parent_codes)})
            to_create, events = [], []
            for line, code, name, level, kind, parent_code in rows:
                current = existing.get(code)
                if current is not None:
                    if (current.name, current.kind) != (name, kind):
                        before = audit.snapshot(current)
                        current.name, current.kind = name, kind
                        try:
                            current.full_clean()
                        except ValidationError as exc:
                            report.errors.extend(RowError(line, f, m) for f, m in _errors_of(exc))
                            continue
                        current.save(update_fields=["name", "kind", "updated_at"])
                        events.append(audit.build(actor=actor, action="core.area.update", target=current,
                                                  changes=audit.diff(before, audit.snapshot(current))))
                        report.updated += 1
                    else:
                        report.unchanged += 1
                    continue
                parent = by_code.get(parent_code) if parent_code else None
                if level != AreaLevel.CITY and parent is None:
                    report.errors.append(RowError(line, "parent_code", _("parent %(code)s is neither in the file "
                                                                         "nor in the database") % {"code": parent_code}))
                    continue
                area = Area(code=code, name=name, level=level, kind=kind, parent=parent)
                try:
                    area.full_clean(validate_unique=False, validate_constraints=False)
                    if actor is not None:
                        require_in_scope(actor, _perm(Area, "add"), parent.code if parent else code)
                except ValidationError as exc:
                    report.errors.extend(RowError(line, f, m) for f, m in _errors_of(exc))
                    continue
                except (OutOfScope, NoPermission):
                    report.errors.append(RowError(line, "code", _("outside your areas")))
                    continue
                area.save()
                by_code[code] = area
                to_create.append(area)
            for area in to_create:
                events.append(audit.build(actor=actor, action="core.area.create", target=area,
                                          changes={"code": [None, area.code], "name": [None, area.name]},
                                          reason=_("import %(file)s") % {"file": filename}))
            if report.errors:
                raise _Rollback
            audit.record_many(events)
            report.created = len(to_create)
    except _Rollback:
        report.created = report.updated = report.unchanged = 0
        report.errors.sort(key=lambda e: e.line)
    return report


class _Rollback(Exception):
    pass


POPULATION_COLUMNS = {
    "code": ["区划代码", "代码"],
    "year": ["年份", "年度"],
    "resident": ["常住人口", "resident_population"],
    "registered": ["户籍人口", "registered_population"],
}


def import_population(*, actor, source, filename: str = "") -> ImportReport:
    """Load population (code, year, resident, registered) per area and year, all or nothing."""
    report = ImportReport()
    parsed = []
    for line, row in read_table(source, POPULATION_COLUMNS, filename=filename):
        try:
            year, resident, registered = int(row["year"]), int(row["resident"]), int(row["registered"])
        except ValueError:
            report.errors.append(RowError(line, "", _("year and population must be whole numbers")))
            continue
        if resident < 0 or registered < 0:
            report.errors.append(RowError(line, "", _("population cannot be negative")))
            continue
        if not 1949 <= year <= 2100:
            report.errors.append(RowError(line, "year", _("year %(y)s is out of range") % {"y": year}))
            continue
        parsed.append((line, row["code"], year, resident, registered))
    areas = {a.code: a for a in Area.objects.filter(code__in=[p[1] for p in parsed])}
    for line, code, *_rest in parsed:
        if code not in areas:
            report.errors.append(RowError(line, "code", _("unknown area %(code)s") % {"code": code}))
        elif actor is not None and not scope_for(actor).covers(_perm(AreaPopulation, "add"), code):
            report.errors.append(RowError(line, "code", _("outside your areas")))
    if report.errors:
        return report
    with transaction.atomic():
        existing = {
            (p.area_id, p.year): p
            for p in AreaPopulation.objects.filter(area__in=areas.values(), year__in={p[2] for p in parsed})
        }
        new, changed, events = [], [], []
        for _line, code, year, resident, registered in parsed:
            area = areas[code]
            current = existing.get((area.pk, year))
            if current is None:
                new.append(AreaPopulation(area=area, year=year, resident=resident, registered=registered))
            elif (current.resident, current.registered) != (resident, registered):
                events.append(audit.build(
                    actor=actor, action="core.population.update", target=current,
                    changes={"resident": [current.resident, resident], "registered": [current.registered, registered]},
                ))
                current.resident, current.registered = resident, registered
                changed.append(current)
            else:
                report.unchanged += 1
        AreaPopulation.objects.bulk_create(new, batch_size=2000)
        AreaPopulation.objects.bulk_update(changed, ["resident", "registered"], batch_size=2000)
        for p in new:
            events.append(audit.build(actor=actor, action="core.population.create", target=p, label=str(p),
                                      changes={"resident": [None, p.resident], "registered": [None, p.registered]}))
        audit.record_many(events)
    report.created, report.updated = len(new), len(changed)
    return report


@transaction.atomic
def set_population(*, actor, area: Area, year: int, resident: int, registered: int) -> AreaPopulation:
    """A year's population of an area, created or corrected (whoever may "change" population does both)."""
    pop, _created = upsert_recorded(AreaPopulation, {"area": area, "year": year},
                                    {"resident": resident, "registered": registered}, permission="change",
                                    actor=actor, action="core.population.update", create_action="core.population.create")
    return pop


def delete_population(*, actor, population: AreaPopulation, reason: str = "") -> None:
    delete_recorded(population, actor=actor, action="core.population.delete", reason=reason)


# --- staff -------------------------------------------------------------------------------------------
# Who may grant what is one rule, core.grants: every path that gives or takes a role comes here.


@transaction.atomic
def grant_role(*, actor, user, role: str, area: Area) -> StaffGrant:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    grants.require(actor, role, area, user=user)
    grant, created = StaffGrant.objects.get_or_create(user=user, role=role, area=area)
    user.groups.add(Group.objects.get(name=role))
    if role in ADMIN_SITE_ROLES and not user.is_staff:
        # These roles use the Django admin, which is scoped like every page.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    if created:
        audit.record(actor=actor, action="core.grant.create", target=grant, area=area,
                     changes={"role": [None, role], "area": [None, area.code], "user": [None, user.username]})
    return grant


@transaction.atomic
def revoke_role(*, actor, grant: StaffGrant, reason: str = "") -> None:
    grant = StaffGrant.objects.select_for_update().select_related("user", "area").get(pk=grant.pk)
    grants.require(actor, grant.role, grant.area, user=grant.user, action=grants.DELETE)
    user, role = grant.user, grant.role
    audit.record(actor=actor, action="core.grant.delete", target=grant, area=grant.area, reason=reason,
                 changes={"role": [role, None], "area": [grant.area.code, None], "user": [user.username, None]})
    grant.delete()
    if not user.grants.filter(role=role).exists():
        user.groups.remove(Group.objects.get(name=role))
    forget_scope(user)


def _require_may_manage(actor, user) -> None:
    if not grants.may_manage_user(actor, user):
        raise NoPermission(_("You may not change the account of a user whose roles reach further than yours."))


@transaction.atomic
def add_staff(
    *, actor, username: str, role: str, area_code: str, password: str | None = None, full_name: str = "",
    id_number: str = "", phone: str = "", email: str = "",
):
    """Create a staff user, or extend an existing one with another grant."""
    area = Area.objects.filter(code=area_code).first()
    if area is None:
        raise ValidationError({"area": _("Area %(code)s does not exist.") % {"code": area_code}})
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    user = User.objects.filter(username=username).first()
    created = user is None
    # The ceiling first, before anything is written: the grant, and for an existing user the account.
    grants.require(actor, role, area, user=user)
    if created:
        user = User(username=username, email=email, first_name=full_name)
        user.full_clean(exclude=["password"])
        if password:
            validate_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit.record(actor=actor, action="core.user.create", target=user, area=area, label=username,
                     changes={"username": [None, username]})
    elif password:
        _require_may_manage(actor, user)
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=actor, action="core.user.set_password", target=user, area=area, label=username)
    if full_name or id_number or phone:
        save_staff_profile(actor=actor, user=user, area=area, full_name=full_name or username,
                           id_number=id_number, phone=phone)
    grant_role(actor=actor, user=user, role=role, area=area)
    return user


@transaction.atomic
def save_staff_profile(*, actor, user, area: Area, full_name: str, id_number: str = "", phone: str = "",
                       title: str = "") -> StaffProfile:
    """A user's real-name profile, created or changed by whoever may "change" profiles where it is and
    where it goes (a move needs both: the scope before and after the write), within the grant ceiling
    except for one's own."""
    def may_manage(profile, before=None):
        if actor is None or user.pk != actor.pk:  # one's own real-name details are one's own
            _require_may_manage(actor, user)

    values = {"full_name": full_name, "area": area, "title": title}
    if id_number:
        values["id_number"] = id_number
    if phone:
        values["phone"] = phone
    existing = StaffProfile.objects.filter(user=user).exists()
    profile, _created = upsert_recorded(StaffProfile, {"user": user}, values, permission="change",
                                        actor=actor, action="core.staff_profile.save",
                                        check=may_manage, adjust=None if existing else may_manage)
    return profile


@transaction.atomic
def delete_staff_profile(*, actor, profile: StaffProfile, reason: str = "") -> None:
    """Remove a real-name profile (the user and their grants stay). Only someone who may manage the
    user (the grant ceiling) may; personal data is in the audit row masked, as everywhere."""
    delete_recorded(profile, actor=actor, action="core.staff_profile.delete", reason=reason,
                    check=lambda locked: _require_may_manage(actor, locked.user))


# --- personal data ----------------------------------------------------------------------------------
REVEAL_PERMISSION = "core.reveal_personal_data"


@transaction.atomic
def reveal_personal_data(*, actor, instance, field: str, reason: str) -> str:
    """The plaintext of one personal-data field, for an actor allowed to see it, with a reason.

    The reveal itself is audited (never with the plaintext). Out of scope is "not found".
    """
    model = type(instance)
    try:
        model_field = model._meta.get_field(field)
    except FieldDoesNotExist:
        model_field = None
    if not isinstance(model_field, PersonalDataField):
        raise ValidationError({"field": _("%(f)s is not personal data.") % {"f": field}})
    if not model._default_manager.restrict(actor, "view").filter(pk=instance.pk).exists():
        raise OutOfScope(_("No such record."))
    require_perm(actor, REVEAL_PERMISSION)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("State why you need to see this (at least 4 characters).")})
    audit.record(actor=actor, action="core.personal_data.reveal", target=instance, reason=reason,
                 changes={"field": [None, field]})
    return str_plain(getattr(instance, field))


# --- findings -----------------------------------------------------------------------------------------
def raise_finding(
    *, rule: str, target, area: Area, title: str, detail: str = "", severity: str = Severity.WARNING,
    due_date=None, target_url: str = "",
) -> tuple[Finding, bool]:
    """Open a finding for (rule, record) unless one is open already: safe to run twice."""
    with transaction.atomic():
        finding, created = Finding.objects.get_or_create(
            rule=rule, target_type=target._meta.label_lower, target_id=str(target.pk), status=FindingStatus.OPEN,
            defaults={"area": area, "title": title[:200], "detail": detail, "severity": severity, "due_date": due_date,
                          "target_label": str(target)[:200], "target_url": target_url},
        )
        if created:
            audit.record(actor=None, action="core.finding.raise", target=finding, area=area,
                         changes={"rule": [None, rule], "target": [None, str(target)]})
    return finding, created


def raise_findings(*, rule: str, items) -> tuple[int, list[tuple[str, str]]]:
    """``raise_finding`` for many records of one rule at once (the nightly runner): the rule's open
    findings are read in one query, the missing ones created in bulk with their audit rows in bulk.
    ``items`` are ``core.supervision.Raise``; returns (how many were opened, every item's key).
    A finding opened meanwhile by someone else (the one-open-per-record constraint) sends that
    batch through ``raise_finding`` one by one instead, so nothing is lost or doubled."""
    open_keys = _open_finding_keys(rule)
    keys, new, labels, seen = [], [], [], set()
    for item in items:
        key = (item.target._meta.label_lower, str(item.target.pk))
        keys.append(key)
        if key in open_keys or key in seen:
            continue
        seen.add(key)
        labels.append(str(item.target))
        new.append((item, Finding(
            rule=rule, target_type=key[0], target_id=key[1], area=item.area, level=item.area.level,
            title=item.title[:200], detail=item.detail, severity=item.severity, due_date=item.due_date,
            target_label=labels[-1][:200], target_url=item.url)))
    opened = 0
    for start in range(0, len(new), FINDINGS_BATCH):
        batch = new[start:start + FINDINGS_BATCH]
        try:
            with transaction.atomic():
                Finding.objects.bulk_create([f for _i, f in batch])
                audit.record_many([
                    audit.build(actor=None, action="core.finding.raise", target=f, area=f.area,
                                changes={"rule": [None, rule], "target": [None, label]})
                    for (_i, f), label in zip(batch, labels[start:start + FINDINGS_BATCH], strict=True)])
            opened += len(batch)
        except IntegrityError:
            for item, _f in batch:
                opened += raise_finding(rule=rule, target=item.target, area=item.area, title=item.title,
                                        detail=item.detail, severity=item.severity, due_date=item.due_date,
                                        target_url=item.url)[1]
    return opened, keys


FINDINGS_BATCH = 2000


def _open_finding_keys(rule: str) -> set[tuple[str, str]]:
    return set(Finding.objects.filter(rule=rule, status=FindingStatus.OPEN).values_list("target_type", "target_id"))


def resolve_stale_findings(*, rule: str, still_true: Iterable[tuple[str, str]]) -> int:
    """Close the open findings of ``rule`` whose condition no longer holds (system action): locked,
    closed in one UPDATE, one audit row each written in bulk."""
    keep = set(still_true)
    with transaction.atomic():
        stale = [
            f for f in Finding.objects.filter(rule=rule, status=FindingStatus.OPEN).select_for_update(of=("self",))
            .select_related("area").only("pk", "target_type", "target_id", "title", "area")
            if (f.target_type, f.target_id) not in keep
        ]
        ids = [f.pk for f in stale]
        for start in range(0, len(ids), FINDINGS_BATCH):
            Finding.objects.filter(pk__in=ids[start:start + FINDINGS_BATCH]).update(
                status=FindingStatus.RESOLVED, closed_at=timezone.now(),
                resolution=_("The condition no longer holds."))
        audit.record_many([audit.build(actor=None, action="core.finding.auto_resolve", target=f, area=f.area)
                           for f in stale])
    return len(stale)


@transaction.atomic
def close_finding(*, actor, finding: Finding, status: str, resolution: str) -> Finding:
    def check(locked):
        if locked.status != FindingStatus.OPEN:
            raise ValidationError({"status": _("This finding is already closed.")})

    if status not in (FindingStatus.RESOLVED, FindingStatus.DISMISSED):
        raise ValidationError({"status": _("Choose resolved or dismissed.")})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say what was done or why it is dismissed.")})
    return update_recorded(finding, {"status": status, "resolution": resolution.strip(), "closed_at": timezone.now(),
                                     "closed_by": actor},
                           allowed=("status", "resolution", "closed_at", "closed_by"), actor=actor,
                           action=f"core.finding.{status}", check=check)


def record_export(*, actor, what: str, count: int, filters: dict | None = None, fmt: str = "csv") -> None:
    """An export of personal or scoped data is a disclosure: audit it."""
    audit.record(actor=actor, action="core.export", label=what,
                 changes={"rows": [None, count], "format": [None, fmt], "filters": [None, filters or {}]})


# --- re-division of areas (validity, successors) ------------------------------------------------------
def _area_by_code(value) -> Area:
    if isinstance(value, Area):
        value = value.code
    area = Area.objects.select_for_update().filter(code=value).first()
    if area is None:
        raise ValidationError({"retire": _("Area %(code)s does not exist.") % {"code": value}})
    return area


@transaction.atomic
def redivide_areas(*, actor, retire: list, create: list[dict], on, reason: str) -> list[Area]:
    """Split or merge areas in one step: the areas of ``retire`` stop on the day before ``on``
    (``valid_to``), the areas of ``create`` start on ``on`` (``valid_from``), and each new area is
    linked to its predecessors (``AreaSuccession``): those named in its ``predecessors`` (codes), by
    default all retired areas of its level. Records keep the area they were made in.

    ``create`` items are dicts of ``code, name, level, kind, parent_code`` (and ``predecessors``).
    Refused when it would orphan records: a retired area without a successor, an area still in force
    under a retired one (retire and re-create it in the same re-division), a new area under an area
    that is retired or not yet in force on ``on``.
    """
    import datetime

    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("State why the areas are re-divided (at least 4 characters).")})
    if not retire:
        raise ValidationError({"retire": _("Name the areas that the re-division retires.")})
    retired = [_area_by_code(value) for value in retire]
    retired_codes = {a.code for a in retired}
    last_day = on - datetime.timedelta(days=1)
    for area in retired:
        require_in_scope(actor, _perm(Area, "change"), area.code)
        if not area.is_valid_on(on) or not area.is_valid_on(last_day):
            raise ValidationError({"retire": _("%(area)s is not in force on %(date)s.") % {"area": area, "date": on}})
        for child in Area.objects.filter(parent=area).valid_on(on):
            if child.code not in retired_codes:
                raise ValidationError({"retire": _(
                    "%(child)s (%(code)s) lies under %(area)s and stays in force: retire it in the same "
                    "re-division and create its successor under the new area."
                ) % {"child": child.name, "code": child.code, "area": area}})
    # Parents created in this re-division come first.
    specs = sorted(create, key=lambda c: (LEVEL_ORDER.index(c["level"]), c["code"]))
    created: dict[str, Area] = {}
    links: dict[str, list[Area]] = {}
    for spec in specs:
        parent_code = spec.get("parent_code")
        parent = created.get(parent_code) if parent_code else None
        if parent is None and spec["level"] != AreaLevel.CITY:
            parent = _parent_for(spec["code"], spec["level"], parent_code)
            if parent.code in retired_codes or not parent.is_valid_on(on):
                raise ValidationError({"create": _(
                    "The parent of %(code)s, %(parent)s, is not in force on %(date)s."
                ) % {"code": spec["code"], "parent": parent, "date": on}})
        if actor is not None:
            require_in_scope(actor, _perm(Area, "add"), parent.code if parent else spec["code"])
        area = Area(code=spec["code"], name=spec["name"], level=spec["level"], kind=spec.get("kind") or "",
                    parent=parent, valid_from=on)
        area.full_clean()
        area.save()
        recheck(actor, area, "add")
        named = spec.get("predecessors")
        predecessors = (
            [a for a in retired if a.code in set(named)] if named is not None
            else [a for a in retired if a.level == area.level]
        )
        if named is not None and len(predecessors) != len(set(named)):
            raise ValidationError({"create": _("The predecessors of %(code)s must be among the retired areas.")
                                   % {"code": area.code}})
        for predecessor in predecessors:
            if predecessor.level != area.level:
                raise ValidationError({"create": _("%(code)s and its predecessor %(pred)s are not of the same level.")
                                       % {"code": area.code, "pred": predecessor.code}})
        created[area.code] = area
        links[area.code] = predecessors
        audit.record(actor=actor, action="core.area.create", target=area, reason=reason,
                     changes={**audit.diff({}, audit.snapshot(area)),
                              "predecessors": [None, [p.code for p in predecessors]]})
    has_successor = {p.code for preds in links.values() for p in preds}
    for area in retired:
        if area.code not in has_successor:
            raise ValidationError({"retire": _(
                "%(area)s (%(code)s) would be retired without a successor: its records would belong nowhere."
            ) % {"area": area.name, "code": area.code}})
    from .models import AreaSuccession

    for code, predecessors in links.items():
        for predecessor in predecessors:
            succession = AreaSuccession(predecessor=predecessor, successor=created[code], date=on, reason=reason)
            succession.full_clean()
            succession.save()
    for area in retired:
        before = audit.snapshot(area, ["valid_to"])
        area.valid_to = last_day
        area.full_clean()
        area.save(update_fields=["valid_to", "updated_at"])
        audit.record(actor=actor, action="core.area.retire", target=area, reason=reason,
                     changes={**audit.diff(before, audit.snapshot(area, ["valid_to"])),
                              "successors": [None, [c for c, preds in links.items() if area in preds]]})
    return list(created.values())


# --- terms of appointment ---------------------------------------------------------------------------
@transaction.atomic
def set_grant_term(*, actor, grant: StaffGrant, starts_on=None, ends_on=None, reason: str = "") -> StaffGrant:
    """Give a grant a term (both dates inclusive, None = open): outside it the grant lapses by itself."""
    def ordered(grant, before):
        if grant.starts_on and grant.ends_on and grant.ends_on < grant.starts_on:
            raise ValidationError({"ends_on": _("A term cannot end before it starts.")})

    # A term is part of the grant: whoever may grant ("add") there sets it.
    grant = update_recorded(grant, {"starts_on": starts_on, "ends_on": ends_on}, allowed=("starts_on", "ends_on"),
                            permission="add", actor=actor, action="core.grant.term", reason=reason,
                            adjust=ordered, exclude=["user", "area"])
    forget_scope(grant.user)
    return grant


def grant_role_for_term(*, actor, user, role: str, area: Area, starts_on=None, ends_on=None) -> StaffGrant:
    """``grant_role`` with a term of appointment."""
    with transaction.atomic():
        grant = grant_role(actor=actor, user=user, role=role, area=area)
        if starts_on or ends_on:
            grant = set_grant_term(actor=actor, grant=grant, starts_on=starts_on, ends_on=ends_on)
    return grant


# --- local working-day calendar -------------------------------------------------------------------------
WORKDAY_PERMISSION = "core.change_workdayoverride"


def _require_city_wide(actor, perm: str) -> None:
    """The working-day calendar is city-wide: only a city-level holder of ``perm`` may change it."""
    if actor is not None and scope_for(actor).prefixes_for(perm) is not None:
        raise NoPermission(_("Only the city administrator may change the working-day calendar."))


@transaction.atomic
def set_workday_override(*, actor, date, is_workday: bool, reason: str):
    from .models import WorkdayOverride

    _require_city_wide(actor, WORKDAY_PERMISSION)
    reason = (reason or "").strip()
    override, _created = upsert_recorded(WorkdayOverride, {"date": date}, {"is_workday": is_workday, "reason": reason},
                                         permission="change", actor=actor, action="core.workday_override.save",
                                         reason=reason)
    return override


@transaction.atomic
def delete_workday_override(*, actor, override, reason: str = "") -> None:
    _require_city_wide(actor, "core.delete_workdayoverride")
    delete_recorded(override, actor=actor, action="core.workday_override.delete", reason=reason)


# --- reveals kept for a while ---------------------------------------------------------------------------
@transaction.atomic
def reveal_personal_data_for(*, actor, instance, field: str, reason: str, keep_for=None) -> str:
    """``reveal_personal_data``, and with ``keep_for`` (a timedelta) a ``RevealGrant``: the same user may
    see the same value again (``kept_reveal``) until it expires, without stating a new reason."""
    from .models import RevealGrant

    plain = reveal_personal_data(actor=actor, instance=instance, field=field, reason=reason)
    if keep_for:
        now = timezone.now()
        RevealGrant.objects.create(user=actor, target_type=instance._meta.label_lower, target_id=str(instance.pk),
                                   field=field, reason=reason.strip(), granted_at=now, expires_at=now + keep_for)
    return plain


@transaction.atomic
def kept_reveal(*, actor, instance, field: str) -> str | None:
    """The plaintext again under an unexpired reveal grant of this user (audited with that grant's reason),
    or None: the record is out of scope, there is no grant, or it has expired (a new reason is needed)."""
    from .models import RevealGrant

    if actor is None or not actor.is_authenticated:
        return None
    model = type(instance)
    grant = RevealGrant.objects.filter(
        user=actor, target_type=model._meta.label_lower, target_id=str(instance.pk), field=field,
        expires_at__gt=timezone.now(),
    ).order_by("-expires_at").first()
    if grant is None:
        return None
    if not model._default_manager.restrict(actor, "view").filter(pk=instance.pk).exists():
        return None
    if not scope_for(actor).has_perm_somewhere(REVEAL_PERMISSION):
        return None
    audit.record(actor=actor, action="core.personal_data.reveal_kept", target=instance, reason=grant.reason,
                 changes={"field": [None, field], "grant": [None, grant.pk]})
    return str_plain(getattr(instance, field))


# --- escalation of overdue findings ---------------------------------------------------------------------
@transaction.atomic
def escalate_finding(*, finding: Finding, today, new_due_date=None, top_level: str = AreaLevel.CITY):
    """Raise an open finding's inbox one level up (system action, audited, kept in its history).
    Returns the escalation, or None when it is closed or already at ``top_level``."""
    from .models import FindingEscalation

    finding = Finding.objects.select_for_update().select_related("area").get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        return None
    current = finding.level or finding.area.level
    index = LEVEL_ORDER.index(current)
    if index <= LEVEL_ORDER.index(top_level) or index == 0:
        return None
    to_level = LEVEL_ORDER[index - 1]
    escalation = FindingEscalation.objects.create(
        finding=finding, from_level=current, to_level=to_level, previous_due_date=finding.due_date,
        due_date=new_due_date,
    )
    update_recorded(finding, {"level": to_level, "due_date": new_due_date}, allowed=("level", "due_date"), actor=None,
                    action="core.finding.escalate",
                    reason=_("Overdue since %(date)s") % {"date": escalation.previous_due_date})
    return escalation


# --- recorded writes (core.recorded): every app's create/update/delete of a scoped record -------------
from .recorded import create_recorded, delete_recorded, update_recorded, upsert_recorded  # noqa: E402, F401


# --- protected exports (issue 15: exports of read-audited records are protected and expire) ----------------
def protected_export_hours() -> int:
    from django.conf import settings

    return int(getattr(settings, "PORTAL_PROTECTED_EXPORT_HOURS", 24))


@transaction.atomic
def create_protected_export(*, actor, what: str, fmt: str, content: bytes, rows: int, reason: str,
                            filters: dict | None = None, filename: str, model=None):
    """Keep one built export encrypted for its maker until it expires, with the stated reason (at least 4
    characters, like a reveal). The disclosure is audited as every export is (``record_export``), with the
    reason and the export's id; the file is served only by ``download_protected_export``."""
    import datetime

    from django.core.files.base import ContentFile

    from .models import ProtectedExport

    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("State why you need this export (at least 4 characters).")})
    now = timezone.now()
    export = ProtectedExport(user=actor, what=what, model=model._meta.label_lower if model is not None else "", fmt=fmt, rows=rows, reason=reason, filters=filters or {},
                             filename=f"{filename}.{fmt}", created_at=now,
                             expires_at=now + datetime.timedelta(hours=protected_export_hours()))
    export.file.save(f"{export.pk}.{fmt}.enc", ContentFile(content), save=False)
    try:
        export.save()
        record_export(actor=actor, what=what, count=rows, fmt=fmt, filters=filters)
        audit.record(actor=actor, action="core.export.protected", target=export, label=what, reason=reason,
                     changes={"rows": [None, rows], "format": [None, fmt], "expires_at": [None, export.expires_at]})
    except BaseException:  # nothing recorded: no file left behind either
        export.file.delete(save=False)
        raise
    return export


def download_protected_export(*, actor, token):
    """The export ``token`` of ``actor`` while it lasts, opened (plaintext), its download counted and audited;
    None for anyone else's, an unknown or an expired one, or when the maker no longer may see such records
    anywhere (a role revoked): the caller answers 404 and tells nothing."""
    from django.apps import apps
    from django.db.models import F

    from .models import ProtectedExport

    export = ProtectedExport.objects.filter(pk=token, user=actor, expires_at__gt=timezone.now()).first()
    if export is None or not export.file:
        return None, None
    if export.model:
        model = apps.get_model(export.model)
        if not scope_for(actor).has_perm_somewhere(perm_name(model, "view")):
            return None, None
    handle = export.file.storage.open(export.file.name)
    ProtectedExport.objects.filter(pk=export.pk).update(downloads=F("downloads") + 1)
    audit.record(actor=actor, action="core.export.download", target=export, label=export.what, reason=export.reason,
                 changes={"downloads": [export.downloads, export.downloads + 1]})
    return export, handle


def sweep_protected_exports(now=None) -> int:
    """Delete the files of expired protected exports (the rows stay: who exported what, and why)."""
    from .models import ProtectedExport

    now = now or timezone.now()
    deleted = 0
    for export in ProtectedExport.objects.filter(expires_at__lte=now).exclude(file="").iterator():
        export.file.delete(save=False)
        ProtectedExport.objects.filter(pk=export.pk).update(file="")
        deleted += 1
    return deleted
