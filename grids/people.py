"""A community worker is a person the portal already knows: their staff record (core), the seats they
hold on the community bodies (governance) and their social-work qualification (volunteers), each read
through its app's selector and shown only where the viewer may see it. A person is counted once: the
counts of workers go by the staff record (one per ID number's blind index), not by worker records."""

from django.db.models import Exists, OuterRef, Q

from .choices import WorkerStatus


def linked_records(worker, viewer) -> dict:
    """What the portal knows of the worker's person elsewhere, in ``viewer``'s scope: ``seats`` (governance
    body members, matched by the staff account) and ``social_worker`` (volunteers' register, matched by the
    ID number's blind index), or an empty list / None."""
    from governance.selectors import seats_held_by
    from volunteers.selectors import social_worker_by_index

    staff = worker.staff
    return {"seats": list(seats_held_by(staff.user, viewer=viewer)),
            "social_worker": social_worker_by_index(staff.id_number_index, viewer=viewer)}


def in_post_on(queryset, day):
    """Worker records in post on ``day``: hired by then and active, or left after it."""
    return queryset.filter(hired_on__lte=day).filter(Q(status=WorkerStatus.ACTIVE) | Q(left_on__gt=day))


def one_per_person(queryset):
    """One record per person (staff record) among ``queryset``'s: the latest hired (then the latest entered),
    so a person with two records (a re-hire, a second community) counts once, where their latest post is."""
    later = queryset.filter(staff_id=OuterRef("staff_id")).filter(
        Q(hired_on__gt=OuterRef("hired_on")) | Q(hired_on=OuterRef("hired_on"), pk__gt=OuterRef("pk")))
    return queryset.filter(~Exists(later))


def persons_in_post(area_id) -> int:
    """Distinct persons active in a community's posts (the 员额 filled)."""
    from .models import CommunityWorker

    return (CommunityWorker.objects.filter(area_id=area_id, status=WorkerStatus.ACTIVE)
            .values("staff_id").distinct().count())
