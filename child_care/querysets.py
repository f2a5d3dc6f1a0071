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


# --- rescue-station follow-up: the station's staff see their station's cases, nothing else ------------
STATION_ROLE = "rescue_staff"  # core.choices.Role.RESCUE_STAFF


def station_area_codes(user):
    """The area codes of the user's rescue-station grants in force: their stations lie exactly there (a
    grant at the city does not open the counties' stations). None for a superuser (every station)."""
    from core.scope import scope_for

    scope = scope_for(user)
    if scope.unrestricted:
        return None
    return {code for _prefix, _level, code in scope.roles.get(STATION_ROLE, ())}


def _prefixes_besides_station(scope, perm):
    """Where ``perm`` reaches through the user's roles other than the station's (None: everywhere). The
    station role holds the rescue-case permissions only for its station's cases, never for the cases of
    the children living in its area, so its grants must not count here."""
    from core.choices import LEVEL_PREFIX, AreaLevel
    from core.scope import role_permissions

    others = {role: grants for role, grants in scope.roles.items() if role != STATION_ROLE}
    prefixes = set()
    for role, grants in others.items():
        if perm not in role_permissions(role):
            continue
        for prefix, level, _code in grants:
            if level == AreaLevel.CITY:
                return None
            prefixes.add(prefix[: LEVEL_PREFIX[level]])
    return prefixes


class StationBoundQuerySet(RestrictedQuerySet):
    """Rows of a rescue case: where the child lives (``area``) for child directors and supervisors, and,
    for the handing station's staff, the station (``station_path``) for ``station_actions`` only."""

    scope_field = "area__code"
    station_path = ""
    station_actions: tuple = ()

    def restrict(self, user, action: str = "view"):
        from core.querysets import perm_name
        from core.scope import role_permissions, scope_for

        scope = scope_for(user)
        if scope.unrestricted or STATION_ROLE not in scope.roles:
            return super().restrict(user, action)  # no station grant: the ordinary area scope
        perm = perm_name(self.model, action)
        home = _prefixes_besides_station(scope, perm)
        if home is None:
            return self.all()
        q = models.Q(pk__in=[])
        for prefix in home:
            q |= models.Q(area__code__startswith=prefix)
        if action in self.station_actions and perm in role_permissions(STATION_ROLE):
            q |= models.Q(**{f"{self.station_path}__area__code__in": sorted(station_area_codes(user))})
        return self.filter(q)


class RescueCaseQuerySet(StationBoundQuerySet):
    station_path = "rescue_station"
    station_actions = ("view",)  # the home village's child director accepts; the station does not


class FollowUpQuerySet(StationBoundQuerySet):
    station_path = "case__rescue_station"
    station_actions = ("view", "change")  # the station follows its children up (跟踪回访) with the village


class GuidanceQuerySet(AreaBoundQuerySet):
    """Guardianship supervision and guidance (监护督促): within the child's village."""


class AttendanceQuerySet(RestrictedQuerySet):
    """A training's attendance rows lie where the training was held."""

    scope_field = "training__area__code"
