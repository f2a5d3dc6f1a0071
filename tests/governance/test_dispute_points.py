"""推进积分化 for mediation: a dispute effectively resolved (resolved and not reopened within 90
days) earns its mediator points once, in its community, with an audit row."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import AuditEvent
from governance import services
from governance.choices import DisputeOutcome, DisputeType, PointsSubject
from governance.models import Dispute, PointsEntry
from governance.tasks import award_dispute_points, close_due_evaluations

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
EVENT = services.DISPUTE_POINTS_EVENT


def _dispute(world, resolved_days_ago, mediator="李调解", area=None):
    today = timezone.localdate()
    return services.register_dispute(
        actor=None, area=area or world.community_a, parties="甲、乙", dispute_type=DisputeType.NEIGHBOUR,
        mediator=mediator, received_on=today - (resolved_days_ago + 5) * DAY, outcome=DisputeOutcome.RESOLVED,
        resolved_on=today - resolved_days_ago * DAY, agreement="协议")


def _awards(dispute):
    return PointsEntry.objects.filter(dispute=dispute, event=EVENT, reverses__isnull=True)


def test_a_dispute_resolved_90_days_ago_earns_its_mediator_points_once(world):
    dispute = _dispute(world, 90)
    assert services.award_dispute_points() == 1
    entry = _awards(dispute).get()
    assert (entry.area, entry.subject_kind, entry.subject, entry.points) == (
        world.community_a, PointsSubject.PERSON, "李调解", services.POINTS[EVENT])
    assert AuditEvent.objects.filter(action="governance.points.award", target_id=str(entry.pk),
                                     actor__isnull=True).exists()
    audit_rows = AuditEvent.objects.count()
    assert services.award_dispute_points() == 0
    assert _awards(dispute).count() == 1
    assert AuditEvent.objects.count() == audit_rows


def test_not_before_90_days(world):
    dispute = _dispute(world, 89)
    assert services.award_dispute_points() == 0
    assert not _awards(dispute).exists()
    # The same dispute a day later.
    assert services.award_dispute_points(now=timezone.now() + DAY) == 1


def test_pending_disputes_earn_nothing(world):
    dispute = _dispute(world, 200)
    Dispute.objects.filter(pk=dispute.pk).update(outcome=DisputeOutcome.PENDING, resolved_on=None)
    assert services.award_dispute_points() == 0


def test_not_when_reopened_within_90_days(world):
    dispute = _dispute(world, 30)
    services.reopen_dispute(actor=world.worker_a, dispute=dispute, reason="又吵起来了")
    later = timezone.now() + 100 * DAY
    assert services.award_dispute_points(now=later) == 0
    assert not _awards(dispute).exists()


def test_a_dispute_reopened_and_resolved_again_counts_from_its_latest_resolution(world):
    dispute = _dispute(world, 30)
    services.reopen_dispute(actor=world.worker_a, dispute=dispute, reason="又吵起来了")
    dispute = services.update_dispute(actor=world.worker_a, dispute=dispute, outcome=DisputeOutcome.RESOLVED,
                                      agreement="第二次协议")
    assert dispute.resolved_on == timezone.localdate()
    assert dispute.effectively_resolved
    assert services.award_dispute_points(now=timezone.now() + 89 * DAY) == 0
    assert services.award_dispute_points(now=timezone.now() + 90 * DAY) == 1
    assert services.award_dispute_points(now=timezone.now() + 91 * DAY) == 0


def test_a_second_resolution_cannot_predate_the_reopening(world):
    from django.core.exceptions import ValidationError

    dispute = _dispute(world, 30)
    services.reopen_dispute(actor=world.worker_a, dispute=dispute, reason="x")
    with pytest.raises(ValidationError) as refused:
        services.update_dispute(actor=world.worker_a, dispute=dispute, outcome=DisputeOutcome.RESOLVED,
                                resolved_on=timezone.localdate() - 40 * DAY)
    assert "resolved_on" in refused.value.message_dict


def test_reopened_only_after_90_days_still_counts(world):
    """Imported ledgers record a late reopening on a resolved dispute: it was effectively resolved."""
    dispute = _dispute(world, 200)
    Dispute.objects.filter(pk=dispute.pk).update(reopened_on=timezone.localdate() - 50 * DAY)
    assert services.award_dispute_points() == 1
    assert _awards(dispute).exists()


def test_a_reversed_award_is_not_awarded_again(world):
    dispute = _dispute(world, 120)
    services.award_dispute_points()
    services.reverse_points(actor=world.worker_a, entry=_awards(dispute).get(), reason="调解员登记错误")
    assert services.award_dispute_points() == 0
    assert PointsEntry.objects.filter(dispute=dispute).count() == 2


def test_the_database_refuses_a_second_award(world):
    dispute = _dispute(world, 120)
    services.award_dispute_points()
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(area=dispute.area, subject_kind=PointsSubject.PERSON, subject="x", points=3,
                                   event=EVENT, dispute=dispute)


def test_a_user_awards_only_within_their_scope(world):
    mine, theirs = _dispute(world, 120), _dispute(world, 120, area=world.community_b)
    assert services.award_dispute_points(actor=world.officer_a) == 1
    assert _awards(mine).exists() and not _awards(theirs).exists()
    assert AuditEvent.objects.filter(action="governance.points.award", actor=world.officer_a).exists()


def test_the_tasks_award_and_a_second_run_awards_nothing(world):
    first, second = _dispute(world, 100), _dispute(world, 150, mediator="王调解")
    assert award_dispute_points() == 2
    assert award_dispute_points() == 0
    third = _dispute(world, 95)
    close_due_evaluations()  # the hourly task runs the award too
    assert {e.dispute_id for e in PointsEntry.objects.filter(event=EVENT)} == {first.pk, second.pk, third.pk}


def test_the_points_api_shows_the_dispute(world, api):
    from django.urls import reverse

    dispute = _dispute(world, 100)
    services.award_dispute_points()
    response = api(world.officer_a).get(reverse("api:governance-pointsentry-list"), {"dispute": dispute.pk})
    assert response.status_code == 200
    assert [row["dispute"] for row in response.json()["results"]] == [dispute.pk]


def test_a_malformed_row_is_skipped_and_does_not_stop_the_run(world):
    broken, fine = _dispute(world, 120), _dispute(world, 110, mediator="王调解")
    Dispute.objects.filter(pk=broken.pk).update(mediator="")
    assert services.award_dispute_points() == 1
    assert not _awards(broken).exists() and _awards(fine).exists()
