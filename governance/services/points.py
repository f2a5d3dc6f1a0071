"""推进积分化: points come only from recorded events, and are corrected by reversing entries."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import TransitionRefused
from core.services import require_in_scope

from ..models import (
    PointsEntry,
)
from ._base import _perm

POINTS = {"attendance": 1, "task_done": 2, "answered_on_time": 2, "dispute_resolved": 3}


def _award(*, area, subject_kind, subject, event, matter=None, dispute=None, actor=None):
    """Points come only from recorded events (推进积分化)."""
    entry = PointsEntry(area=area, subject_kind=subject_kind, subject=subject[:100], points=POINTS[event],
                        event=event, matter=matter, dispute=dispute)
    entry.full_clean()
    entry.save()
    changes = {"subject": [None, entry.subject], "points": [None, entry.points], "event": [None, event]}
    if dispute is not None:
        changes["dispute"] = [None, dispute.pk]
    audit.record(actor=actor, action="governance.points.award", target=entry, changes=changes)
    return entry


@transaction.atomic
def reverse_points(*, actor, entry, reason) -> PointsEntry:
    """Points are corrected by a reversing entry, never by editing."""
    entry = PointsEntry.objects.select_for_update().get(pk=entry.pk)
    require_in_scope(actor, _perm(PointsEntry, "add"), entry.area.code)
    if entry.reverses_id or hasattr(entry, "reversed_by"):
        raise TransitionRefused(_("This entry is already reversed or is itself a reversal."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the points are reversed.")})
    rev = PointsEntry(area=entry.area, subject_kind=entry.subject_kind, subject=entry.subject, points=-entry.points,
                      event=entry.event, matter=entry.matter, dispute=entry.dispute, reverses=entry)
    rev.full_clean()
    rev.save()
    audit.record(actor=actor, action="governance.points.reverse", target=rev, reason=reason,
                 changes={"points": [None, rev.points], "reverses": [None, entry.pk]})
    return rev
