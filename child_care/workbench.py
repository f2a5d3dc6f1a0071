"""Workbench items of child care (core/workbench.py): counts only, so nothing is read-audited here."""

from django.utils.translation import gettext_lazy as _

from core.workbench import WorkItem


def _my_visits(user):
    from .choices import VisitStatus
    from .models import Visit

    return Visit.objects.restrict(user, "view").filter(visitor=user, status=VisitStatus.PLANNED)


def _proposals(user):
    from .choices import ProposalStatus
    from .models import Proposal

    return Proposal.objects.restrict(user, "change").filter(
        status__in=[ProposalStatus.PROPOSED, ProposalStatus.CONFIRMED])


ITEMS = [
    WorkItem("child_care.visits", _("Home visits planned for me"), "child_care.view_visit", "child_care:my-visits",
             todo=_my_visits, done_actions=("child_care.visit.record",), order=60),
    WorkItem("child_care.proposals", _("Status proposals to decide"), "child_care.change_proposal",
             "child_care:proposal-list", todo=_proposals,
             done_actions=("child_care.proposal.confirm", "child_care.proposal.approve", "child_care.proposal.reject"),
             order=61),
]
