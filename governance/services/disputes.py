"""Disputes (矛盾纠纷): the register, resolution, reopening, imports and mediation points."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.choices import AreaLevel
from core.exceptions import TransitionRefused
from core.recorded import create_recorded, update_recorded
from core.scope import scope_for
from core.services import require_in_scope, require_perm

from ..choices import (
    DisputeOutcome,
    PointsSubject,
)
from ..models import (
    Dispute,
    PointsEntry,
)
from ._base import (
    _perm,
    logger,
)
from .points import _award

# --- disputes ------------------------------------------------------------------------------------------------------
DISPUTE_FIELDS = ["parties", "dispute_type", "channel", "mediator", "received_on", "outcome", "resolved_on",
                  "agreement", "follow_up"]


def _check_dispute_dates(dispute: Dispute) -> None:
    if dispute.resolved_on and dispute.received_on and dispute.resolved_on < dispute.received_on:
        raise ValidationError({"resolved_on": _("A dispute is resolved on or after the day it was received.")})


@transaction.atomic
def register_dispute(*, actor, area, **values) -> Dispute:
    require_in_scope(actor, _perm(Dispute, "add"), area.code)
    if area.level != AreaLevel.COMMUNITY:
        raise ValidationError({"area": _("A dispute is registered to a community or village.")})
    dispute = Dispute(area=area, **{k: v for k, v in values.items() if k in DISPUTE_FIELDS})
    if dispute.outcome == DisputeOutcome.RESOLVED and dispute.resolved_on is None:
        dispute.resolved_on = timezone.localdate()
    _check_dispute_dates(dispute)
    return create_recorded(dispute, actor=actor, action="governance.dispute.register")


@transaction.atomic
def update_dispute(*, actor, dispute, **values) -> Dispute:
    def derive(dispute, before):
        resolving = dispute.outcome == DisputeOutcome.RESOLVED and before["outcome"] != DisputeOutcome.RESOLVED
        if dispute.outcome == DisputeOutcome.RESOLVED and (
                dispute.resolved_on is None or (resolving and dispute.reopened_on and values.get("resolved_on") is None)):
            # A reopened dispute resolved again counts from its new resolution.
            dispute.resolved_on = timezone.localdate()
        if (resolving and dispute.reopened_on and dispute.resolved_on
                and dispute.resolved_on < dispute.reopened_on):
            raise ValidationError({"resolved_on": _("A reopened dispute is resolved again on or after the day it was "
                                                    "reopened.")})
        _check_dispute_dates(dispute)

    return update_recorded(dispute, {k: v for k, v in values.items() if k in DISPUTE_FIELDS},
                           allowed=DISPUTE_FIELDS, actor=actor, action="governance.dispute.update", adjust=derive)


@transaction.atomic
def reopen_dispute(*, actor, dispute, reason) -> Dispute:
    def resolved_once(dispute):
        if dispute.outcome != DisputeOutcome.RESOLVED or dispute.reopened_on:
            raise TransitionRefused(_("Only a resolved dispute that was not reopened before can be reopened."))

    values = {"reopened_on": timezone.localdate(), "outcome": DisputeOutcome.PENDING}
    return update_recorded(dispute, values, allowed=tuple(values), actor=actor, action="governance.dispute.reopen",
                           reason=reason, check=resolved_once)


@transaction.atomic
def resolve_dispute(*, actor, dispute, resolved_on=None, agreement="", follow_up="") -> Dispute:
    """Record a dispute's resolution (调解成功): the day (today when not given, never before it was
    received nor, for a reopened dispute, before it was reopened), the agreement and the follow-up."""
    current = Dispute.objects.select_related("area").get(pk=dispute.pk)
    require_in_scope(actor, _perm(Dispute, "change"), current.area.code)
    if current.outcome == DisputeOutcome.RESOLVED:
        raise TransitionRefused(_("This dispute is already resolved; reopen it first."))
    return update_dispute(actor=actor, dispute=current, outcome=DisputeOutcome.RESOLVED,
                          resolved_on=resolved_on or timezone.localdate(), agreement=agreement or current.agreement,
                          follow_up=follow_up or current.follow_up)


DISPUTE_POINTS_EVENT = "dispute_resolved"


def disputes_due_points(today):
    """Disputes whose latest resolution is at least EFFECTIVE_DAYS old, was not reopened within
    them, and whose mediator has not been awarded points for them yet."""
    from django.db.models import DateField, ExpressionWrapper, F

    from ..models import EFFECTIVE_DAYS

    limit = ExpressionWrapper(F("resolved_on") + datetime.timedelta(days=EFFECTIVE_DAYS), output_field=DateField())
    awarded = PointsEntry.objects.filter(event=DISPUTE_POINTS_EVENT, dispute__isnull=False,
                                         reverses__isnull=True).values("dispute_id")
    return (Dispute.objects.filter(outcome=DisputeOutcome.RESOLVED,
                                   resolved_on__lte=today - datetime.timedelta(days=EFFECTIVE_DAYS))
            .filter(Q(reopened_on__isnull=True) | Q(reopened_on__lte=F("resolved_on")) | Q(reopened_on__gt=limit))
            .exclude(pk__in=awarded))


def award_dispute_points(*, actor=None, now=None, limit=None) -> int:
    """推进积分化 for mediation: a dispute effectively resolved (resolved, not reopened within 90
    days) earns its mediator points once, in the dispute's community. Safe to run again: an awarded
    dispute is skipped (and the database refuses a second award). ``actor`` None is the scheduler;
    a user awards only for disputes they may change, with the points permission. Returns the
    number of entries written; ``limit`` caps one run (a first run works through the backlog)."""
    from ..models import EFFECTIVE_DAYS

    today = timezone.localdate(now) if now is not None else timezone.localdate()
    due = disputes_due_points(today)
    if actor is not None:
        require_perm(actor, _perm(PointsEntry, "add"))
        due = due.restrict(actor, "change")
    pks = list(due.order_by("resolved_on", "pk").values_list("pk", flat=True)[:limit])
    scope = scope_for(actor) if actor is not None else None
    awarded = 0
    for pk in pks:
        with transaction.atomic():
            dispute = Dispute.objects.select_for_update().select_related("area").get(pk=pk)
            if scope is not None and not scope.covers(_perm(PointsEntry, "add"), dispute.area.code):
                continue
            # Checked again under the lock: a concurrent run or an edit may have got here first.
            if (not dispute.effectively_resolved
                    or dispute.resolved_on > today - datetime.timedelta(days=EFFECTIVE_DAYS)
                    or dispute.points.filter(event=DISPUTE_POINTS_EVENT, reverses__isnull=True).exists()):
                continue
            try:
                _award(area=dispute.area, subject_kind=PointsSubject.PERSON, subject=dispute.mediator,
                       event=DISPUTE_POINTS_EVENT, matter=dispute.matter, dispute=dispute, actor=actor)
            except ValidationError as exc:
                # One malformed row (e.g. a register imported without a mediator) must not stop the run.
                logger.warning("No points for dispute %s: %s", dispute.pk, "; ".join(exc.messages))
                continue
            awarded += 1
    return awarded


def import_disputes(*, actor, area_rows: list[tuple], batch_size=2000) -> int:
    """Bulk path for a register transferred from paper ledgers: rows of (area, values dict).

    Validates each row, writes rows and their audit events in bulk.
    """
    with transaction.atomic():
        disputes = []
        for area, values in area_rows:
            if actor is not None:
                require_in_scope(actor, _perm(Dispute, "add"), area.code)
            d = Dispute(area=area, **values)
            d.full_clean(exclude=["matter"])
            disputes.append(d)
        Dispute.objects.bulk_create(disputes, batch_size=batch_size)
        audit.record_many([audit.build(actor=actor, action="governance.dispute.import", target=d,
                                       changes={"outcome": [None, d.outcome]}) for d in disputes])
    return len(disputes)
