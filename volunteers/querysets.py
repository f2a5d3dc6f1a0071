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


def newest_ids_sql(prefixes, *, before: int | None, limit: int) -> tuple[str, list] | None:
    """SQL selecting the ids of the ``limit`` newest volunteers living under any of ``prefixes``
    (PostgreSQL), for ``pk__in=RawSQL(...)``; None when no prefix is a code.

    "Newest first within a street" cannot be read off one index: the volunteers of a street are
    spread over its communities, so PostgreSQL fetches all of them (28,000 for a big street) and
    sorts, 50-60 ms a page. Taking the newest ``limit`` of each area from the (area, -id) index
    and keeping the newest ``limit`` of those reads at most areas × limit index entries: ~1 ms.
    """
    from core.models import Area

    from .models import Volunteer

    patterns = sorted(f"{prefix}%" for prefix in prefixes if prefix.isdigit())  # codes: digits only
    if not patterns:
        return None
    before_sql = "AND v.id < %s" if before is not None else ""
    # One LIKE per prefix (not LIKE ANY(array)): each can use the pattern index on the area code,
    # where an array makes PostgreSQL scan all areas.
    within = " OR ".join(["a.code LIKE %s"] * len(patterns))
    params = [*([before] if before is not None else []), limit, *patterns, limit]
    return f"""
        SELECT n.id FROM {Area._meta.db_table} a
        CROSS JOIN LATERAL (
            SELECT v.id FROM {Volunteer._meta.db_table} v
            WHERE v.area_id = a.id {before_sql} ORDER BY v.id DESC LIMIT %s
        ) n
        WHERE {within}
        ORDER BY n.id DESC LIMIT %s
    """, params


def newest_ids_within(prefixes, *, before: int | None, limit: int) -> list[int]:
    """The ids ``newest_ids_sql`` selects."""
    from django.db import connection

    query = newest_ids_sql(prefixes, before=before, limit=limit)
    if query is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return [row[0] for row in cursor.fetchall()]


class ApplicationQuerySet(RestrictedQuerySet):
    """Self-registrations lie in the community the applicant chose to serve in."""
