"""Scoped querysets: every row belongs to a grid or a community through its own or its parent's area."""

from core.querysets import RestrictedQuerySet


class AreaBoundQuerySet(RestrictedQuerySet):
    scope_field = "area__code"


class WorkerChildQuerySet(RestrictedQuerySet):
    scope_field = "worker__area__code"


class IncidentChildQuerySet(RestrictedQuerySet):
    scope_field = "incident__area__code"


class IncidentQuerySet(AreaBoundQuerySet):
    def with_on_time_class(self, today):
        """Annotate ``on_time_class`` (choices.OnTime) as of ``today``: one CASE, usable in GROUP BY."""
        from django.db.models import Case, CharField, F, Q, Value, When

        from .choices import ENDED_STATES, OnTime

        ended = Q(state__in=ENDED_STATES)
        return self.annotate(on_time_class=Case(
            When(ended & Q(closed_on__lte=F("due_on")), then=Value(OnTime.CLOSED_ON_TIME)),
            When(ended, then=Value(OnTime.CLOSED_OVERDUE)),
            When(due_on__gte=today, then=Value(OnTime.PENDING_ON_TIME)),
            default=Value(OnTime.PENDING_OVERDUE), output_field=CharField()))
