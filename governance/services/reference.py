"""City-wide reference data (admin): matter categories and quorum rules."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.services import require_perm

from ..models import (
    QuorumRule,
)
from ._base import _perm, _snapshot


# --- reference data (admin) ------------------------------------------------------------------------------
@transaction.atomic
def save_reference(*, actor, instance):
    """Save a category or a quorum rule (city-wide reference data) with its audit event."""
    model = type(instance)
    require_perm(actor, _perm(model, "change" if instance.pk else "add"))
    before = _snapshot(model.objects.get(pk=instance.pk)) if instance.pk else {}
    instance.full_clean()
    instance.save()
    audit.record(actor=actor, action=f"governance.{model._meta.model_name}.save", target=instance,
                 changes=audit.diff(before, _snapshot(instance)))
    return instance


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
