"""Scoped querysets: every row belongs to a community/village through its own ``area``."""

from django.db import models

from core.querysets import RestrictedQuerySet


class AreaBoundQuerySet(RestrictedQuerySet):
    scope_field = "area__code"


def end_of(day):
    """The first instant after ``day`` in the portal's time zone."""
    import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


class PersonQuerySet(AreaBoundQuerySet):
    def alive(self):
        """Not soft-deleted."""
        return self.filter(deleted_at__isnull=True)

    def registered_on(self, day):
        """As the registry stood at the end of ``day``: created by then and not deleted by then."""
        end = end_of(day)
        return self.filter(created_at__lt=end).filter(models.Q(deleted_at__isnull=True) | models.Q(deleted_at__gte=end))


class RelationshipQuerySet(RestrictedQuerySet):
    scope_field = "child__area__code"


class CategoryRecordQuerySet(AreaBoundQuerySet):
    def in_force_on(self, day):
        """Records whose [starts_on, ends_on) holds ``day``: ends_on is the first day no longer in it."""
        return self.filter(starts_on__lte=day).filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=day))

    def known_on(self, day):
        """In force on ``day`` as the registry knew it at the end of that day: started records recorded by
        then, not ended by then (an end recorded later, even if backdated, does not count)."""
        end = end_of(day)
        return self.filter(starts_on__lte=day, created_at__lt=end).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=day) | models.Q(ended_at__gte=end))


class VisitQuerySet(AreaBoundQuerySet):
    pass


class PersonBoundQuerySet(RestrictedQuerySet):
    scope_field = "person__area__code"
