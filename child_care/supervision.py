"""Supervision checks: overdue visits (escalated by core: child director → supervisor → county office)
and proposals nobody has decided."""

import datetime

from django.utils.translation import gettext as _

from core.choices import Severity
from core.supervision import Raise, check
from core.workdays import add_working_days

VISIT_GRACE_WORKING_DAYS = 5  # then the finding moves up a level (core.supervision.escalate_overdue)
PROPOSAL_DAYS = 30


@check("child_care.visit_overdue")
def visit_overdue(today):
    """A planned visit past its due date: in the child director's inbox (the village's level), due in five
    working days; left open, core raises it to the township (supervisor), then the county."""
    from .models import Visit

    late = Visit.objects.filter(status="planned", due_on__lt=today).select_related("area", "person")
    for visit in late.iterator(chunk_size=2000):
        yield Raise(
            target=visit, area=visit.area, severity=Severity.SERIOUS,
            title=_("Visit to %(child)s overdue since %(day)s") % {"child": visit.person, "day": visit.due_on},
            detail=_("Children are visited by their risk tier's cadence; record the visit or say why it cannot happen."),
            due_date=add_working_days(visit.due_on, VISIT_GRACE_WORKING_DAYS), url=visit.get_absolute_url(),
        )


@check("child_care.proposal_undecided")
def proposal_undecided(today):
    from .models import Proposal

    cutoff = today - datetime.timedelta(days=PROPOSAL_DAYS)
    waiting = Proposal.objects.filter(status__in=["proposed", "confirmed"], proposed_at__date__lt=cutoff).select_related(
        "area", "person")
    for proposal in waiting:
        yield Raise(
            target=proposal, area=proposal.area,
            title=_("Status proposal for %(child)s undecided for %(days)s days")
            % {"child": proposal.person, "days": PROPOSAL_DAYS},
            due_date=today + datetime.timedelta(days=7), url=proposal.get_absolute_url(),
        )
