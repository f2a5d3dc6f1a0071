"""Scoped querysets of the volunteers app: each row reaches its area through ``scope_field``."""

from django.db.models import Q

from core.querysets import RestrictedQuerySet


class VolunteerQuerySet(RestrictedQuerySet):
    def with_hours(self):
        return self.filter(approved_hours__gt=0)


class TeamQuerySet(RestrictedQuerySet):
    pass


class MembershipQuerySet(RestrictedQuerySet):
    scope_field = "team__area__code"

    def managers(self):
        from .choices import MemberRole, MembershipStatus

        return self.filter(role=MemberRole.MANAGER, status=MembershipStatus.APPROVED)


class ActivityQuerySet(RestrictedQuerySet):
    pass


class ShiftQuerySet(RestrictedQuerySet):
    scope_field = "activity__area__code"


class SignUpQuerySet(RestrictedQuerySet):
    scope_field = "shift__activity__area__code"


class HourRecordQuerySet(RestrictedQuerySet):
    def approved(self):
        from .choices import RecordStatus

        return self.filter(status=RecordStatus.APPROVED)


class CorrectionQuerySet(RestrictedQuerySet):
    scope_field = "record__area__code"


class TrainingQuerySet(RestrictedQuerySet):
    pass


class AttendanceQuerySet(RestrictedQuerySet):
    scope_field = "session__area__code"


class SocialWorkerQuerySet(RestrictedQuerySet):
    pass


class CertificateQuerySet(RestrictedQuerySet):
    pass


class ImportJobQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        return self.restrict(user).filter(Q(created_by=user) | Q(created_by__isnull=True))
