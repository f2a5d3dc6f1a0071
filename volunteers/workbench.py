"""Workbench items of volunteers (core/workbench.py): hours awaiting the manager, join requests."""

from django.utils.translation import gettext_lazy as _

from core.workbench import WorkItem


def _hours_to_approve(user):
    from .choices import MemberRole, RecordStatus
    from .models import ServiceHourRecord

    return ServiceHourRecord.objects.restrict(user, "change").filter(
        status=RecordStatus.SUBMITTED, team__memberships__user=user, team__memberships__role=MemberRole.MANAGER)


def _join_requests(user):
    from .choices import MemberRole, MembershipStatus
    from .models import TeamMembership

    return TeamMembership.objects.restrict(user, "change").filter(
        status=MembershipStatus.PENDING, team__memberships__user=user, team__memberships__role=MemberRole.MANAGER)


def _registrations_to_decide(user):
    from .choices import ApplicationStatus
    from .models import VolunteerApplication

    return VolunteerApplication.objects.restrict(user, "change").filter(status=ApplicationStatus.PENDING)


ITEMS = [
    WorkItem("volunteers.hours", _("Service hours awaiting my approval"), "volunteers.change_servicehourrecord",
             "volunteers:team-list", todo=_hours_to_approve,
             done_actions=("volunteers.hours.approve", "volunteers.hours.reject", "volunteers.hours.record"),
             order=40),
    WorkItem("volunteers.joins", _("Join requests to decide"), "volunteers.change_teammembership",
             "volunteers:team-list", todo=_join_requests, done_actions=("volunteers.membership.decide",), order=41),
    WorkItem("volunteers.registrations", _("Volunteer self-registrations to decide"),
             "volunteers.change_volunteerapplication", "volunteers:application-list", todo=_registrations_to_decide,
             query="status=pending", done_actions=("volunteers.application.approve", "volunteers.application.refuse"),
             order=42),
]
