from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from ..models import Area, AuditEvent, Finding
from ..personal import PHONE_RE, VALIDATORS, MaskedText, PersonalKind, PersonalValue
from ..querysets import restrict_related


def requesting_user(context):
    """The user a serializer works for: the request's, or ``context["user"]`` outside a request.
    None when neither is given, and then every scoped relation offers nothing (fail closed)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None else context.get("user")


class ScopedFieldsMixin:
    """Every related-object field offers only the objects within the requesting user's scope.

    In the spirit of ``ScopedFilterSet``: each writable relation (``PrimaryKeyRelatedField``,
    ``SlugRelatedField``, their ``many=True`` forms, declared or built from the model) has its
    queryset narrowed through the related model's ``restrict(user, "view")``. An id outside the
    scope is then simply not found: the caller reads DRF's own "does not exist" error, word for
    word the one of an id that exists nowhere. Nested serializers built on this mixin narrow their
    own fields with the root's context.

    A related model without an area scope (a category, a quorum rule) is left alone, unless the
    serializer declares a restriction for the field: ``Meta.scoped_relations = {"user":
    within_scope_of(...)}`` (a callable ``(queryset, user) -> queryset``).
    """

    def get_fields(self):
        fields = super().get_fields()
        user = requesting_user(self.context)
        declared = getattr(getattr(self, "Meta", None), "scoped_relations", {})
        for name, field in fields.items():
            relation = getattr(field, "child_relation", field)  # many=True: the relation of each item
            if field.read_only or getattr(relation, "queryset", None) is None:
                continue
            if name in declared:
                relation.queryset = declared[name](relation.queryset, user)
            else:
                relation.queryset = restrict_related(relation.queryset, user)
        return fields


class ScopedSerializer(ScopedFieldsMixin, serializers.Serializer):
    """A plain serializer whose related fields are limited to the user's scope (see the mixin)."""


class ScopedModelSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A model serializer whose related fields are limited to the user's scope (see the mixin)."""


class PersonalDataSerializerField(serializers.CharField):
    """Reads as the masked value, writes the plaintext after the same validation as models.

    With ``masked_source`` (a ``MaskedCopyField`` of the model) it reads the stored masked copy and
    never the encrypted column, which a list can then leave unloaded."""

    def __init__(self, *, kind, masked_source: str | None = None, **kwargs):
        self.kind = kind
        self.masked_source = masked_source
        super().__init__(**kwargs)

    @property
    def read_attrs(self):
        return (self.masked_source,) if self.masked_source else self.source_attrs

    def get_attribute(self, instance):
        if self.masked_source:
            return getattr(instance, self.masked_source)
        return super().get_attribute(instance)

    def to_representation(self, value):
        if isinstance(value, (PersonalValue, MaskedText)):
            return value.masked
        return "" if value is None else "***"  # never a plaintext that slipped through

    def to_internal_value(self, data):
        from django.core.exceptions import ValidationError

        text = super().to_internal_value(data)
        try:
            return VALIDATORS[self.kind](text)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages)


class LeanReadMixin:
    """``to_representation`` for big lists: the same output, without DRF's per-row field walk.

    DRF looks up every field's attribute through ``Field.get_attribute`` (source traversal,
    callables, mappings, error handling) for every row: ~0.25 ms for a 15-field row, 12 ms of a
    50-row page. Here each readable field's source path is resolved once per serializer; a row
    then costs plain ``getattr`` chains and each field's own ``to_representation`` (so formats
    are DRF's). Anything unusual for a row (a callable, a missing attribute, a ``source="*"``
    field, a relation read by primary key) goes through the field's own ``get_attribute`` exactly
    as DRF would.

    ``lean_static_fields = True`` (only for serializers whose readable fields never depend on the
    request or context) keeps that plan per class: the fields are then built once per process
    instead of for every request (ModelSerializer builds them from the model each time, ~1 ms).
    """

    lean_static_fields = False

    def _build_lean_plan(self):
        # A relation read as its primary key only (PKOnlyObject, no query) keeps DRF's path.
        return [(f.field_name, () if getattr(f, "use_pk_only_optimization", lambda: False)()
                 else tuple(getattr(f, "read_attrs", f.source_attrs)), f)
                for f in self._readable_fields]

    def _lean_plan_for_row(self):
        plan = self.__dict__.get("_lean_plan")
        if plan is None:
            if self.lean_static_fields:
                cls = type(self)
                plan = cls.__dict__.get("_lean_class_plan")
                if plan is None:  # from an instance of its own, so no request stays referenced
                    plan = cls(context={})._build_lean_plan()
                    cls._lean_class_plan = plan
            else:
                plan = self._build_lean_plan()
            self._lean_plan = plan
        return plan

    def to_representation(self, instance):
        from rest_framework.fields import SkipField
        from rest_framework.relations import PKOnlyObject

        ret = {}
        for name, attrs, field in self._lean_plan_for_row():
            value, exact = instance, bool(attrs)
            if exact:
                for attr in attrs:
                    if value is None:
                        break
                    value = getattr(value, attr, _MISSING)
                    if value is _MISSING or callable(value):
                        exact = False
                        break
            if not exact:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject):
                    ret[name] = None if value.pk is None else field.to_representation(value)
                    continue
            ret[name] = None if value is None else field.to_representation(value)
        return ret


    # --- rows read as dicts (``QuerySet.values``): no model objects at all --------------------------
    def _values_plan(self):
        """(output name, values() lookup, converter) per readable field, or None if a field needs an object.

        A plain field converts through its own ``to_representation``; a slug relation outputs
        the related column itself (which is what ``SlugRelatedField.to_representation`` returns)."""
        from django.core.exceptions import FieldDoesNotExist
        from rest_framework.relations import RelatedField, SlugRelatedField

        model = self.Meta.model

        def model_field(name):
            try:
                return model._meta.get_field(name)
            except FieldDoesNotExist:  # a property or method: only an object has it
                return None

        plan = []
        for name, attrs, field in self._lean_plan_for_row():
            column = model_field(attrs[0]) if len(attrs) == 1 else None
            if column is None or not column.concrete:
                return None
            if isinstance(field, SlugRelatedField) and column.is_relation and "__" not in field.slug_field:
                plan.append((name, f"{attrs[0]}__{field.slug_field}", None))
            elif not isinstance(field, RelatedField) and not column.is_relation:
                plan.append((name, attrs[0], field.to_representation))
            else:
                return None
        return plan

    def values_columns(self) -> list[str] | None:
        """The lookups to pass to ``QuerySet.values`` for ``represent_values``, or None if unsupported."""
        plan = self.__dict__.get("_values_plan_cache")
        if plan is None:
            plan = self._values_plan_cache = self._values_plan() or []
        return [lookup for _name, lookup, _convert in plan] or None

    def represent_values(self, row: dict) -> dict:
        """The same representation as ``to_representation`` of the object the row was read from."""
        return {name: None if (value := row[lookup]) is None else (convert(value) if convert else value)
                for name, lookup, convert in self._values_plan_cache}

_MISSING = object()


class AreaSerializer(ScopedModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all(), required=False,
                                          allow_null=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Area
        fields = ["code", "name", "level", "level_display", "kind", "parent"]


class AreaUpdateSerializer(AreaSerializer):
    class Meta(AreaSerializer.Meta):
        read_only_fields = ["code", "level", "parent"]


class FindingSerializer(ScopedModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "rule", "severity", "title", "detail", "target_type", "target_id", "target_label", "area",
                  "due_date", "status", "raised_at", "closed_at", "resolution"]


class FindingCloseSerializer(ScopedSerializer):
    status = serializers.ChoiceField(choices=["resolved", "dismissed"])
    resolution = serializers.CharField(help_text=_("What was done, or why it is dismissed."))


class AuditEventSerializer(ScopedModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor_label", "action", "target_type", "target_id", "target_label",
                  "area_code", "changes", "request_id", "reason"]


class RevealSerializer(ScopedSerializer):
    reason = serializers.CharField(min_length=4)


class PersonalDataFieldSchema(OpenApiSerializerFieldExtension):
    """The schema of a personal-data field states the form the server accepts (spaces aside):
    an ID number is 17 digits and a digit or X (its check digit, birth date and region are
    checked too), a phone an 11-digit mobile or a landline with its area code."""

    target_class = PersonalDataSerializerField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return {"type": "string", "description": "Masked; revealed only with an audited reason."}
        if self.target.kind == PersonalKind.ID_NUMBER:
            return {"type": "string", "pattern": "^[0-9]{17}[0-9Xx]$",
                    "description": ("Resident ID number: 18 characters with a valid check digit, "
                                    "birth date and region code.")}
        return {"type": "string", "pattern": PHONE_RE.pattern,
                "description": "An 11-digit mobile number or a landline with area code."}
