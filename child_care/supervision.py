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


ROSTER_DAYS = 15  # working days to decide a roster difference
CONSENT_NOTICE_DAYS = 30


@check("child_care.roster_conflict")
def roster_conflict(today):
    """A roster difference nobody has decided (a dropout first: 控辍保学), in the village's inbox."""
    from .models import RosterEntry

    waiting = (RosterEntry.objects.filter(decision="open", bucket__in=["conflict", "unknown", "not_in_school"])
               .select_related("area", "roster").defer("id_number"))
    for entry in waiting.iterator(chunk_size=2000):
        dropout = any(d.get("roster") in ("dropped_out", "suspended") for d in entry.differences)
        yield Raise(
            target=entry, area=entry.area, severity=Severity.SERIOUS if dropout else Severity.WARNING,
            title=(_("Dropout alert (控辍保学) from the school roster: %(who)s") if dropout
                   else _("School-roster difference to decide: %(who)s")) % {"who": entry},
            due_date=add_working_days(entry.roster.created_at.date(), ROSTER_DAYS), url=entry.get_absolute_url(),
        )


@check("child_care.consent_expiring")
def consent_expiring(today):
    """A guardian's consent that expires within 30 days: ask again before it lapses."""
    from .models import Consent

    soon = Consent.objects.filter(withdrawn_on__isnull=True, expires_on__gte=today,
                                  expires_on__lte=today + datetime.timedelta(days=CONSENT_NOTICE_DAYS)
                                  ).select_related("area", "person")
    for consent in soon:
        yield Raise(target=consent, area=consent.area,
                    title=_("Consent for %(who)s expires on %(day)s") % {"who": consent.person, "day": consent.expires_on},
                    due_date=consent.expires_on, url=consent.get_absolute_url())


@check("child_care.rescue_follow_up_overdue")
def rescue_follow_up_overdue(today):
    from .models import FollowUp

    late = FollowUp.objects.filter(done_on__isnull=True, due_on__lt=today, case__status="accepted").select_related(
        "area", "case__person")
    for follow_up in late.iterator(chunk_size=2000):
        yield Raise(target=follow_up, area=follow_up.area, severity=Severity.SERIOUS,
                    title=_("Rescue follow-up of %(who)s overdue since %(day)s")
                    % {"who": follow_up.case.person, "day": follow_up.due_on},
                    due_date=add_working_days(follow_up.due_on, VISIT_GRACE_WORKING_DAYS), url=follow_up.get_absolute_url())
