"""Supervision checks raise findings for missed deadlines; indicators count what the records hold."""

import datetime

import pytest
from django.utils import timezone

from core import supervision
from core.models import Finding
from governance import services
from governance.choices import DisputeOutcome, DisputeType, Stage
from governance.indicators import effectively_resolved
from governance.models import Dispute, Matter
from governance.tasks import close_due_evaluations
from reports.periods import Period
from reports.registry import autodiscover
from tests.factories.governance import Walker, raise_matter


def test_an_unanswered_matter_raises_a_finding_once_and_it_closes_when_answered(world):
    walker = Walker(world.community_a)
    matter = raise_matter(world.community_a, actor=walker.worker)
    Matter.objects.filter(pk=matter.pk).update(response_due=timezone.localdate() - datetime.timedelta(days=1))
    supervision.run_all(only=["governance.matter_unanswered"])
    supervision.run_all(only=["governance.matter_unanswered"])
    assert Finding.objects.filter(rule="governance.matter_unanswered", target_id=str(matter.pk),
                                  status="open").count() == 1
    services.accept_matter(actor=walker.committee, matter=matter)
    matter.refresh_from_db()
    assert matter.answered_on_time is False
    supervision.run_all(only=["governance.matter_unanswered"])
    assert not Finding.objects.filter(rule="governance.matter_unanswered", status="open").exists()


def test_an_unpublished_resolution_of_a_major_matter_raises_a_finding(world):
    walker = Walker(world.community_a)
    matter = walker.to(Stage.DECIDED, major=True)
    matter.steps.filter(kind="assembly_resolves").update(completed_at=timezone.now() - datetime.timedelta(days=3))
    supervision.run_all(only=["governance.publication_overdue"])
    assert Finding.objects.filter(rule="governance.publication_overdue", target_id=str(matter.pk)).exists()


def test_the_task_closes_evaluation_rounds_past_their_time(world):
    walker = Walker(world.community_a)
    matter = walker.to(Stage.EVALUATING)
    rnd = matter.evaluation_rounds.get()
    for i in range(5):
        services.record_evaluation(actor=walker.worker, round=rnd, respondent=f"r{i}", score=4)
    rnd.__class__.objects.filter(pk=rnd.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert close_due_evaluations() == 1
    assert close_due_evaluations() == 0
    matter.refresh_from_db()
    assert matter.stage == Stage.CLOSED


# A reopening before ``resolved_on`` (-10) is one the latest resolution followed: it counts afresh.
@pytest.mark.parametrize("reopened_after, counts", [(None, True), (30, False), (90, False), (91, True),
                                                    (120, True), (-10, True)])
def test_effectively_resolved_means_not_reopened_within_90_days(world, reopened_after, counts):
    resolved = datetime.date(2020, 6, 1)
    Dispute.objects.all().delete()
    services.import_disputes(actor=None, area_rows=[(world.community_a, {
        "parties": "甲、乙", "dispute_type": DisputeType.FAMILY, "mediator": "m", "received_on": resolved,
        "outcome": DisputeOutcome.RESOLVED, "resolved_on": resolved,
        "reopened_on": resolved + datetime.timedelta(days=reopened_after) if reopened_after else None})])
    assert effectively_resolved(Period.parse("2020")).count() == (1 if counts else 0)
    assert Dispute.objects.get().effectively_resolved is counts


def test_the_indicators_are_registered_and_evaluate(world):
    registry = autodiscover()
    codes = [c for c in registry if c.startswith("governance.")]
    assert "governance.disputes_effectively_resolved" in codes
    assert "governance.four_deliberations_compliance" in codes
    period = Period.parse("2020")
    for code in codes:
        ind = registry[code]
        ind.numerator.queryset(period).count()
        if ind.denominator:
            ind.denominator.queryset(period).count()


def test_the_demo_lands_more_than_a_handful_of_effectively_resolved_disputes(world):
    from governance import demo

    demo.load(scale=0.01)
    assert effectively_resolved(Period.parse("2020")).count() >= 5
    assert Matter.objects.filter(stage=Stage.CLOSED).exists()


def test_two_consecutive_incompetent_ratings_raise_a_finding(world):
    from governance.choices import Capacity
    from governance.models import CadreReview

    member = services.add_body_member(actor=None, area=world.community_a, capacity=Capacity.TWO_COMMITTEES,
                                      name="某委员", term_start=datetime.date(2018, 1, 1))
    for year, (good, bad) in ((2019, (10, 30)), (2020, (12, 28))):
        review = services.submit_cadre_report(actor=None, member=member, year=year, report="述职报告")
        services.record_cadre_ratings(actor=None, review=review, rater_group="村民代表", competent=good,
                                      incompetent=bad)
        services.conclude_cadre_review(actor=None, review=review)
    assert set(CadreReview.objects.values_list("verdict", flat=True)) == {"incompetent"}
    supervision.run_all(only=["governance.cadre_incompetent_twice"])
    assert Finding.objects.filter(rule="governance.cadre_incompetent_twice", status="open").count() == 1
