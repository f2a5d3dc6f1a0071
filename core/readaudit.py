"""Read-audit of sensitive records: who looked at which records, where and why.

A model declares itself read-audited with a class attribute::

    class ChildCase(models.Model):
        read_audited = True

(or ``core.readaudit.register(Model)`` for a model it does not own). Then core's list and detail
pages (``core.generic``), their exports, and the API's list and retrieve (``core.api.viewsets``)
write one ``core.read`` audit event per request and model: the actor, the ids of the records shown,
the page or endpoint as the purpose. Apps get it by declaration; a page of their own that shows
such records calls ``audit_read(request, objects, purpose)`` itself.
"""

from django.db import models

from . import audit

_REGISTRY: set[type] = set()
_REQUEST_ATTR = "_portal_read_audited"


def register(model: type) -> type:
    """Mark ``model`` as read-audited (usable as a class decorator)."""
    _REGISTRY.add(model)
    return model


def unregister(model: type) -> None:
    _REGISTRY.discard(model)


def is_read_audited(model) -> bool:
    if model is None:
        return False
    if not isinstance(model, type):
        model = type(model)
    return model in _REGISTRY or bool(getattr(model, "read_audited", False))


def _ids_and_model(objects):
    if isinstance(objects, models.QuerySet):
        return [str(pk) for pk in objects.values_list("pk", flat=True)], objects.model
    items = list(objects)
    model = type(items[0]) if items else None
    return [str(obj.pk) for obj in items], model


def audit_read(request, objects, purpose: str, model=None):
    """Record that the request's user was shown ``objects`` (a queryset, a list or one instance).

    One event per request and model: a second call in the same request adds an event only for ids
    not yet recorded. Nothing is written for an empty read, an anonymous user or a model that is
    not read-audited. Returns the event or None.
    """
    if isinstance(objects, models.Model):
        objects = [objects]
    ids, found_model = _ids_and_model(objects)
    model = model or found_model
    if not ids or not is_read_audited(model):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    seen = getattr(request, _REQUEST_ATTR, None)
    if seen is None:
        seen = {}
        # DRF wraps the Django request; keep the record on the underlying one too.
        setattr(request, _REQUEST_ATTR, seen)
        inner = getattr(request, "_request", None)
        if inner is not None:
            setattr(inner, _REQUEST_ATTR, seen)
    label = model._meta.label_lower
    already = seen.setdefault(label, set())
    new_ids = [pk for pk in ids if pk not in already]
    if not new_ids:
        return None
    already.update(new_ids)
    changes = {"model": label, "ids": new_ids, "path": getattr(request, "path", "")}
    if len(ids) == 1 and isinstance(objects, list):
        return audit.record(actor=user, action="core.read", target=objects[0], reason=str(purpose), changes=changes)
    event = audit.build(actor=user, action="core.read", area=_common_area(objects), reason=str(purpose),
                        label=f"{model._meta.verbose_name_plural} ×{len(new_ids)}", changes=changes)
    event.target_type = label
    event.save()
    return event


def _common_area(objects):
    """The area all the shown records share, when they share one (so area-scoped auditors see it)."""
    if isinstance(objects, models.QuerySet):
        return None
    areas = {getattr(obj, "area_id", None) for obj in objects}
    if len(areas) == 1 and None not in areas:
        return getattr(objects[0], "area", None)
    return None


def purpose_of(view) -> str:
    """A purpose for a generic view: its class and URL name, e.g. ``ChildListView (child-list)``."""
    request = getattr(view, "request", None)
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "view_name", "") if match else ""
    action = getattr(view, "action", None)
    parts = [type(view).__name__] + ([action] if action else [])
    return " ".join(parts) + (f" ({name})" if name else "")
