"""Workbench items of social organisations (core/workbench.py): revocation proposals to decide."""

from django.utils.translation import gettext_lazy as _

from core.workbench import WorkItem


def _open_proposals(user):
    from .choices import ProposalStatus
    from .models import RevocationProposal

    return RevocationProposal.objects.restrict(user, "change").filter(status=ProposalStatus.OPEN)


ITEMS = [
    WorkItem("social_orgs.revocations", _("Revocation proposals to decide"), "social_orgs.change_revocationproposal",
             "social_orgs:org-list", todo=_open_proposals,
             done_actions=("social_orgs.revocationproposal.dismiss", "social_orgs.revocationproposal.revoke"),
             order=70),
]
