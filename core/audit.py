"""Writing audit events. Services call these inside their transaction."""

import datetime
import decimal
import uuid

from django.db import models
from django.db.models.fields.files import FieldFile

from .middleware import current_request_id
from .models import Area, AuditEvent
from .personal import PersonalValue

SYSTEM_LABEL = "system"


def actor_label(actor) -> str:
    if actor is None:
        return SYSTEM_LABEL
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return f"{actor.get_username()} ({full})" if full else actor.get_username()


def _jsonable(value):
    if isinstance(value, FieldFile):
        return value.name or ""  # a stored file as its stored name, never its content
    if isinstance(value, PersonalValue):
        return value.masked  # never plaintext in the audit log
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance, fields=None) -> dict:
    """The concrete, editable field values of ``instance`` as JSON-able data."""
    out = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if not field.editable or field.primary_key:
            continue
        out[field.name] = _jsonable(getattr(instance, field.attname))
    return out


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def _area_of(target, area):
    if area is not None:
        return area
    if isinstance(target, Area):
        return target
    return getattr(target, "area", None) if target is not None else None


def build(*, actor, action: str, target=None, area=None, changes=None, reason: str = "", label: str = "",
          by: str = ""):
    """One audit event; ``by`` names an actor who is not a user (the public page) in place of "system"."""
    area = _area_of(target, area)
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=by or actor_label(actor),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=(label or (str(target) if target is not None else ""))[:200],
        area=area,
        area_code=area.code if area is not None else "",
        changes=_jsonable(changes or {}),
        request_id=current_request_id(),
        reason=reason or "",
    )


def record(**kwargs) -> AuditEvent:
    event = build(**kwargs)
    event.save()
    return event


def record_many(events: list[AuditEvent]) -> None:
    """Bulk paths write their audit rows in bulk too: signals would miss bulk_create/update()."""
    AuditEvent.objects.bulk_create(events, batch_size=2000)
