"""City-wide reference data (admin): matter categories and quorum rules."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.recorded import create_recorded, update_recorded
from core.services import require_perm

from ..models import (
    QuorumRule,
)
from ._base import _perm


# --- reference data (admin) ------------------------------------------------------------------------------
@transaction.atomic
def save_reference(*, actor, instance):
    """Save a category or a quorum rule (city-wide reference data: a city-level holder of the permission
    only) with its audit event; ``instance`` carries the values (an unsaved one is created)."""
    model = type(instance)
    action = f"governance.{model._meta.model_name}.save"
    if not instance.pk:
        return create_recorded(instance, actor=actor, action=action)
    fields = [f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key]
    values = {name: getattr(instance, name) for name in fields}
    return update_recorded(model.objects.get(pk=instance.pk), values, allowed=fields, actor=actor, action=action)


CATEGORY_FIELDS = ["name", "response_days", "is_major", "major_amount", "publication_days"]
QUORUM_FIELDS = ["body_kind", "province", "notice_days", "attendance_basis", "attendance_num", "attendance_den",
                 "attendance_strict", "household_num", "household_den", "household_strict", "pass_basis", "pass_num",
                 "pass_den", "pass_strict", "source"]


def _reference(actor, instance, fields, values):
    """Create (``instance`` unsaved) or change reference data: only the named fields, then save_reference."""
    for key, value in values.items():
        if key in fields:
            setattr(instance, key, value)
    return save_reference(actor=actor, instance=instance)


@transaction.atomic
def save_category(*, actor, category=None, **values):
    from ..models import Category

    require_perm(actor, _perm(Category, "change" if category is not None else "add"))
    if category is not None:
        category = Category.objects.get(pk=category.pk)
    return _reference(actor, category or Category(), CATEGORY_FIELDS, values)


@transaction.atomic
def save_quorum_rule(*, actor, rule=None, **values):
    """A quorum rule per body and province (empty province: the national default)."""
    require_perm(actor, _perm(QuorumRule, "change" if rule is not None else "add"))
    if rule is not None:
        rule = QuorumRule.objects.get(pk=rule.pk)
    rule = rule or QuorumRule()
    for key in ("household_num", "household_den"):
        values.setdefault(key, getattr(rule, key))
    if (values["household_num"] is None) != (values["household_den"] is None):
        raise ValidationError({"household_den": _("Give both the household numerator and denominator, or neither.")})
    return _reference(actor, rule, QUORUM_FIELDS, values)
