"""Scoped querysets: an organisation belongs to the area of its registration authority (a
community social organisation to the community it serves); its records reach that area through it."""

from core.querysets import RestrictedQuerySet

from .choices import ListingStatus, OrgStatus


class OrganisationQuerySet(RestrictedQuerySet):
    def registered(self):
        return self.filter(status__in=[OrgStatus.ACTIVE, OrgStatus.CHANGING])


class OrgRecordQuerySet(RestrictedQuerySet):
    scope_field = "organisation__area__code"


class ListingQuerySet(OrgRecordQuerySet):
    def current(self):
        return self.filter(status=ListingStatus.LISTED)


class AreaRecordQuerySet(RestrictedQuerySet):
    pass


class VentureRecordQuerySet(RestrictedQuerySet):
    scope_field = "application__area__code"


class IncubationQuerySet(RestrictedQuerySet):
    scope_field = "centre__area__code"
