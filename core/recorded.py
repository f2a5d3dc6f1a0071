"""Recorded writes: the one way a service creates, changes or deletes a scoped record.

Every hand-written update in the apps did the same nine things: lock the row, check the actor's
scope, snapshot, set, ``full_clean``, diff, save, re-check the scope, write one audit event. These
functions do them once, inside the caller's transaction (each is ``atomic``, so it also works on its
own). Where the record lies is the model's ``scope_field`` (core.querysets):

    class Shift(models.Model):
        scope_field = "activity__area"

    def rename_team(*, actor, team, name):
        return update_recorded(team, {"name": name}, allowed=("name",), actor=actor,
                               action="volunteers.team.update")

``actor=None`` is the system itself (demo loader, scheduled checks): no scope checks, still audited.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from . import audit
from .exceptions import NoPermission, OutOfScope
from .models import Area
from .querysets import area_path, perm_name  # noqa: F401  (perm_name: part of the kit's API)
from .scope import scope_for


def area_of(instance):
    """The ``core.Area`` a record lies in, following its model's ``scope_field`` (None: none)."""
    path = area_path(type(instance))
    if path is None:
        return None
    value = instance
    for part in path.split("__") if path else ():
        value = getattr(value, part, None)
        if value is None:
            return None
    return value if isinstance(value, Area) else None


def require_scope(actor, model, action: str, area) -> None:
    """The actor may ``action`` records of ``model`` in ``area``: no such permission anywhere → 403
    (NoPermission), not in this area → 404 (OutOfScope). A model without an area (city-wide) needs
    a city-level holder of the permission."""
    if actor is None:
        return
    perm = perm_name(model, action)
    scope = scope_for(actor)
    if not scope.has_perm_somewhere(perm):
        raise NoPermission(_("You do not have permission to do this."))
    if area is None:
        if area_path(model) is None and scope.prefixes_for(perm) is None:
            return  # a city-wide record, and a city-wide holder
        raise OutOfScope(_("No such record."))
    if not scope.covers(perm, area.code):
        raise OutOfScope(_("No such record."))


def recheck(actor, instance, action: str = "change") -> None:
    """After a write the saved row must still be within the actor's scope for ``action``: nobody
    moves a record out of their own area (after NetBox). Raises OutOfScope, which rolls back."""
    if actor is None:
        return
    model = type(instance)
    if area_path(model) is None and not hasattr(model._default_manager, "restrict"):
        require_scope(actor, model, action, None)  # a city-wide table: still a city-wide holder
        return
    if not model._default_manager.restrict(actor, action).filter(pk=instance.pk).exists():
        raise OutOfScope(_("No such record."))


def _audit_area(instance, area):
    """The area an event is filed under: the given one, the record's own, or for an area its parent
    (an event must not point at an area that a delete removes)."""
    if area is not None:
        return area
    return area_of(instance)


def _concrete(model, name):
    try:
        field = model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return None
    return field if getattr(field, "concrete", False) and not field.many_to_many else None


def _set(instance, values: dict) -> None:
    model = type(instance)
    unknown = [name for name in values if _concrete(model, name) is None]
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    for name, value in values.items():
        setattr(instance, name, value)


def _lock(instance):
    model = type(instance)
    return model._default_manager.select_for_update(of=("self",)).get(pk=instance.pk)


def _related_label(obj) -> str:
    """How a many-to-many member reads in the audit log: an area by its code, anything else by its key."""
    return obj.code if isinstance(obj, Area) else str(obj.pk)


@transaction.atomic
def create_recorded(model_or_instance, values: dict | None = None, *, actor, action: str, area=None,
                    reason: str = "", adjust=None, exclude=None, m2m: dict | None = None, by: str = "",
                    permission: str = "add"):
    """Create a record of ``model`` (or save the unsaved ``instance``) with ``values``.

    The actor needs the "add" permission within the record's area (``area`` overrides it: an area
    is created within its parent), the record must pass ``full_clean``, and once saved it must be
    within the actor's scope. One audit event ``action`` with the new values. ``adjust(instance, {})``
    runs after the values are set and before ``full_clean`` (the service's own rules); ``exclude``
    names fields ``full_clean`` leaves to ``save`` (derived ones). ``m2m`` ({field: objects}) sets
    many-to-many fields once the row exists; the audit event lists their members (an area by its code).
    ``by`` labels an actor who is not a user (``actor=None``: a resident on a public page).
    ``permission`` is the model action checked ("add"; a profile kept by whoever may "change" it).
    """
    if isinstance(model_or_instance, models.Model):
        instance = model_or_instance
    else:
        instance = model_or_instance()
    model = type(instance)
    _set(instance, dict(values or {}))
    where = area if area is not None else area_of(instance)
    require_scope(actor, model, permission, where)
    if adjust is not None:
        adjust(instance, {})
    instance.full_clean(exclude=exclude)
    instance.save()
    after = audit.snapshot(instance)
    for name, objects in (m2m or {}).items():
        field = model._meta.get_field(name)
        if not field.many_to_many:
            raise ValidationError({name: _("This field cannot be set here.")})
        objects = list(objects or [])
        getattr(instance, name).set(objects)
        if objects:
            after[name] = sorted(_related_label(o) for o in objects)
    recheck(actor, instance, permission)
    audit.record(actor=actor, action=action, target=instance, area=_audit_area(instance, area),
                 changes=audit.diff({}, after), reason=reason, by=by)
    return instance


def changed(instance, before: dict) -> set[str]:
    """The fields of ``before`` (the snapshot an ``adjust`` hook receives) whose value ``instance`` has changed."""
    return set(audit.diff(before, audit.snapshot(instance, before.keys())))


@transaction.atomic
def update_recorded(instance, values: dict, *, allowed, actor, action: str, reason: str = "", check=None,
                    adjust=None, exclude=None, permission: str = "change"):
    """Change ``values`` (only fields named in ``allowed``) of ``instance`` and record the change.

    The row is locked and re-read, the actor needs the "change" permission within its area (404
    otherwise, before anything else is looked at), the record must pass ``full_clean``, it is saved
    only when something changed, and it must still be within the actor's scope afterwards (moving
    it out of one's own area is refused and rolled back). One audit event with before/after, none
    when nothing changed. Returns the saved (re-read) instance.

    The service's own rules hook in without re-writing the pattern: ``check(instance)`` sees the locked
    record once the scope is known (a state refusal: 409 only for those who may see it), ``adjust(instance,
    before)`` runs after the values are set and before ``full_clean`` (derived values, cross-field
    rules; ``before`` is the snapshot), ``exclude`` names fields ``full_clean`` leaves to ``save``.
    ``permission`` is the model action checked before and after ("change"; a grant's term: "add").
    """
    model = type(instance)
    instance = _lock(instance)
    require_scope(actor, model, permission, area_of(instance))
    if check is not None:
        check(instance)
    refused = sorted(set(values) - set(allowed))
    if refused:
        raise ValidationError({name: _("This field cannot be changed here.") for name in refused})
    before = audit.snapshot(instance)
    _set(instance, values)
    if adjust is not None:
        adjust(instance, before)
    instance.full_clean(exclude=exclude)
    changes = audit.diff(before, audit.snapshot(instance))
    if changes:
        instance.save()
        recheck(actor, instance, permission)
        audit.record(actor=actor, action=action, target=instance, area=area_of(instance), changes=changes,
                     reason=reason)
    return instance


@transaction.atomic
def upsert_recorded(model, lookup: dict, values: dict, *, actor, action: str, create_action: str = "",
                    permission: str | None = None, reason: str = "", check=None, adjust=None, exclude=None):
    """The one row of ``model`` that ``lookup`` names, set to ``values``: created (``create_recorded``
    with ``lookup`` and ``values``, audited as ``create_action`` or ``action``) when there is none, else
    changed (``update_recorded`` of those fields only, audited as ``action``; nothing when nothing
    changed). ``check(instance)`` sees an existing row once its scope is known; ``adjust(instance,
    before)`` runs in both paths (``before`` is {} for a new row). ``permission`` overrides the model
    action checked in both ("add" / "change" by default). Returns ``(instance, created)``."""
    existing = model._default_manager.filter(**lookup).first()
    if existing is None:
        instance = create_recorded(model, {**lookup, **values}, actor=actor, action=create_action or action,
                                   reason=reason, adjust=adjust, exclude=exclude, permission=permission or "add")
        return instance, True
    instance = update_recorded(existing, values, allowed=tuple(values), actor=actor, action=action, reason=reason,
                               check=check, adjust=adjust, exclude=exclude, permission=permission or "change")
    return instance, False


@transaction.atomic
def delete_recorded(instance, *, actor, action: str, reason: str, check=None) -> None:
    """Delete ``instance``: locked, the actor needs the "delete" permission within its area, one
    audit event with what was deleted (written first, in the same transaction). A record that others
    still refer to (PROTECT) is refused with a ValidationError. ``check(instance)`` sees the locked
    record once the scope is known (the service's own guards: "an area with areas below it")."""
    model = type(instance)
    instance = _lock(instance)
    area = area_of(instance)
    require_scope(actor, model, "delete", area)
    if check is not None:
        check(instance)
    filed_under = area.parent if isinstance(instance, Area) else area
    audit.record(actor=actor, action=action, target=instance, area=filed_under,
                 changes=audit.diff(audit.snapshot(instance), {}), reason=reason)
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError:
        raise ValidationError(_("%(record)s still has records attached; it cannot be removed.")
                              % {"record": instance}) from None
