"""Supervision of the social-organisation registry, run nightly by core's supervision runner.

``social_orgs.credit_timers`` acts as the rules say (missed report deadlines list the organisation,
escalation dates move it, expiries remove it) and raises a finding for each listing the timers
made tonight; ``social_orgs.zombie_revocation`` puts each prepared revocation case in the
registrar's inbox (a person decides); ``social_orgs.exit_overdue`` flags a verified
rectification whose 5-working-day exit deadline passed; ``social_orgs.grade_expiring`` warns six
months before a grade lapses.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.choices import Severity
from core.supervision import Raise, check
from core.workdays import add_working_days

from .dates import add_months

PROPOSAL_WORKING_DAYS = 10
GRADE_WARNING_MONTHS = 6


@check("social_orgs.credit_timers")
def credit_timers(today):
    from .choices import ListingStatus
    from .models import CreditListing
    from .services import run_timers

    run_timers(today)
    # The listings the timers made (open while they last), for the officers of the organisation's area.
    made = CreditListing.objects.filter(status=ListingStatus.LISTED, decided_by__isnull=True).select_related(
        "organisation__area")
    for listing in made:
        yield Raise(
            target=listing, area=listing.organisation.area, severity=Severity.INFO,
            title=_("%(org)s entered on the %(list)s") % {"org": listing.organisation.name,
                                                          "list": listing.get_list_type_display()},
            detail=listing.reason_text, url=listing.get_absolute_url(),
        )


@check("social_orgs.zombie_revocation")
def zombie_revocation(today):
    from .choices import ProposalStatus
    from .models import RevocationProposal

    due = add_working_days(today, PROPOSAL_WORKING_DAYS)
    for proposal in RevocationProposal.objects.filter(status=ProposalStatus.OPEN).select_related("organisation__area"):
        org = proposal.organisation
        yield Raise(
            target=proposal, area=org.area, severity=Severity.SERIOUS, due_date=due,
            title=_("%(org)s: no activity within a year of its certificate — decide on revocation")
            % {"org": org.name},
            detail=_("Certificate of %(d)s; the case file is prepared.") % {"d": org.founded_on},
            url=reverse("social_orgs:org-detail", args=[org.pk]),
        )


@check("social_orgs.exit_overdue")
def exit_overdue(today):
    from .choices import ListingStatus
    from .models import CreditListing

    late = CreditListing.objects.filter(status=ListingStatus.LISTED, exit_due_by__lt=today).select_related(
        "organisation__area")
    for listing in late:
        yield Raise(
            target=listing, area=listing.organisation.area, severity=Severity.SERIOUS, due_date=today,
            title=_("%(org)s should have left the %(list)s by %(d)s")
            % {"org": listing.organisation.name, "list": listing.get_list_type_display(), "d": listing.exit_due_by},
            detail=_("The rectification was verified on %(d)s.") % {"d": listing.rectified_on},
            url=listing.get_absolute_url(),
        )


@check("social_orgs.party_documents")
def party_documents(today):
    """三个同步: the party-building documents of a new registration forwarded within 5 working days.
    The due date depends only on the founding date: the year's dates are worked out once (a
    working-day table), and the late organisations are one query (founded on or before the last
    date whose due date has passed), not a working-day walk per organisation."""
    import datetime

    from .choices import OrgStatus
    from .dates import WorkingDays
    from .models import Organisation
    from .rules import rule

    days, since = rule("party_forward_working_days"), add_months(today, -12)
    table = WorkingDays(since, today)
    last_late, day = None, since
    while day < today:  # the due date never decreases with the founding date: the late ones are a prefix
        if table.add(day, days) < today:
            last_late = day
        day += datetime.timedelta(days=1)
    if last_late is None:
        return
    late = Organisation.objects.filter(status=OrgStatus.ACTIVE, party_forwarded_on__isnull=True,
                                       founded_on__gte=since, founded_on__lte=last_late).select_related("area")
    for org in late.iterator(chunk_size=2000):
        due = table.add(org.founded_on, days)
        yield Raise(
            target=org, area=org.area, due_date=due,
            title=_("%(org)s: party-building documents not forwarded (due %(d)s)") % {"org": org.name, "d": due},
            url=org.get_absolute_url(),
        )


@check("social_orgs.grade_expiring")
def grade_expiring(today):
    from django.db.models import Max

    from .choices import OrgStatus
    from .models import Evaluation

    horizon = add_months(today, GRADE_WARNING_MONTHS)
    latest = (Evaluation.objects.filter(organisation__status=OrgStatus.ACTIVE).values("organisation")
              .annotate(until=Max("valid_until")).filter(until__gte=today, until__lte=horizon))
    by_org = {row["organisation"]: row["until"] for row in latest}
    for ev in Evaluation.objects.filter(organisation__in=by_org).select_related("organisation__area"):
        if ev.valid_until != by_org[ev.organisation_id]:
            continue
        yield Raise(
            target=ev, area=ev.organisation.area, due_date=ev.valid_until,
            title=_("%(org)s: grade %(g)s expires on %(d)s")
            % {"org": ev.organisation.name, "g": ev.get_grade_display(), "d": ev.valid_until},
            url=reverse("social_orgs:org-detail", args=[ev.organisation_id]),
        )
