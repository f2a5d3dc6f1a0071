"""Supervision checks: correction requests the team has not answered in 15 days, hours left
unapproved for more than 30 days (及时: records must be timely)."""

import datetime

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Severity
from core.supervision import Raise, check

CORRECTION_DAYS = 15
APPROVAL_DAYS = 30


@check("volunteers.correction_unanswered")
def correction_unanswered(today):
    from .models import CorrectionRequest

    cutoff = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=CORRECTION_DAYS),
                                                           datetime.time.min))
    late = CorrectionRequest.objects.filter(status="open", created_at__lt=cutoff).select_related(
        "record__area", "record__team", "volunteer")
    for correction in late:
        yield Raise(
            target=correction, area=correction.record.area, severity=Severity.SERIOUS,
            title=_("%(team)s has not answered %(name)s's correction request for %(days)s days")
            % {"team": correction.record.team.name, "name": correction.volunteer.name, "days": CORRECTION_DAYS},
            detail=_("The organising team must check and answer a volunteer's correction request promptly."),
            due_date=today, url=correction.record.team.get_absolute_url(),
        )


@check("volunteers.hours_unapproved")
def hours_unapproved(today):
    """One finding per team, not per record: a team with a backlog is one thing to fix."""
    from .models import ServiceHourRecord, Team

    cutoff = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=APPROVAL_DAYS),
                                                           datetime.time.min))
    backlog = (ServiceHourRecord.objects.filter(status="submitted", recorded_at__lt=cutoff)
               .values("team").annotate(n=Count("id"), oldest=Min("recorded_at")))
    teams = Team.objects.in_bulk([b["team"] for b in backlog])
    for row in backlog:
        team = teams[row["team"]]
        yield Raise(
            target=team, area=team.area,
            title=_("%(team)s has %(n)s service-hour records unapproved for more than %(days)s days")
            % {"team": team.name, "n": row["n"], "days": APPROVAL_DAYS},
            detail=_("Oldest recorded on %(d)s.") % {"d": timezone.localdate(row["oldest"])},
            due_date=today + datetime.timedelta(days=7), url=team.get_absolute_url(),
        )
