"""Scoped querysets: every row belongs to a community/village through its own or its parent's area."""

from core.querysets import RestrictedQuerySet


class AreaBoundQuerySet(RestrictedQuerySet):
    scope_field = "area__code"


class MatterChildQuerySet(RestrictedQuerySet):
    scope_field = "matter__area__code"


class MeetingChildQuerySet(RestrictedQuerySet):
    scope_field = "meeting__area__code"


class BallotChildQuerySet(RestrictedQuerySet):
    scope_field = "ballot__meeting__area__code"


class ProjectChildQuerySet(RestrictedQuerySet):
    scope_field = "project__area__code"


class RoundChildQuerySet(RestrictedQuerySet):
    scope_field = "round__area__code"


class ReviewChildQuerySet(RestrictedQuerySet):
    scope_field = "review__area__code"


class MatterQuerySet(AreaBoundQuerySet):
    def public(self):
        """Matters residents may read: everything that got past the two committees' answer."""
        from .choices import Stage

        return self.exclude(stage__in=[Stage.WITHDRAWN])
