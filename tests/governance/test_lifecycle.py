"""A matter walks the 六事 and, when major, the 四议两公开, with every guard on the way."""

import datetime

import pytest
from django.utils import timezone

from core.exceptions import TransitionRefused
from core.models import AuditEvent
from governance import services
from governance.choices import BodyKind, PublicationKind, Stage, StepKind, StepStatus
from governance.models import PointsEntry, QuorumRule
from tests.factories.governance import Walker, raise_matter, refresh


@pytest.fixture
def walker(world):
    return Walker(world.community_a)


@pytest.mark.parametrize("stage", [Stage.RAISED, Stage.ACCEPTED, Stage.DELIBERATING, Stage.DECIDED,
                                   Stage.IMPLEMENTING, Stage.EVALUATING, Stage.CLOSED])
@pytest.mark.parametrize("major", [False, True])
def test_a_matter_reaches_every_stage_through_the_services(walker, stage, major):
    matter = walker.to(stage, major=major)
    assert matter.stage == stage
    assert AuditEvent.objects.filter(target_type="governance.matter", target_id=str(matter.pk)).exists()


def test_a_closed_major_matter_has_all_six_steps_and_both_publications(walker):
    matter = walker.to(Stage.CLOSED, major=True)
    assert list(matter.steps.values_list("status", flat=True)) == [StepStatus.PASSED] * 6
    assert matter.publications.filter(countersigned_at__isnull=False).count() == 2


def test_a_step_cannot_start_before_the_previous_one_passed(walker):
    matter = walker.to(Stage.ACCEPTED, major=True)
    with pytest.raises(TransitionRefused, match="两委会商议|Two committees discuss"):
        services.schedule_meeting(actor=walker.worker, matter=matter, body_kind=BodyKind.PARTY_MEMBERS_ASSEMBLY,
                                  scheduled_at=timezone.now(), location="x", agenda="x",
                                  step_kind=StepKind.PARTY_MEMBERS_REVIEW)


def test_a_vote_without_quorum_does_not_pass_however_many_agree(walker):
    matter = walker.to(Stage.ACCEPTED, major=True)
    walker.meeting(matter, BodyKind.PARTY_ORG, 5, 5, StepKind.PARTY_PROPOSAL)
    walker.meeting(matter, BodyKind.TWO_COMMITTEES, 5, 5, StepKind.COMMITTEES_DISCUSS)
    # 13 of 20 party members present is below two thirds; all 13 agree.
    ballot = walker.meeting(matter, BodyKind.PARTY_MEMBERS_ASSEMBLY, 13, 13, StepKind.PARTY_MEMBERS_REVIEW)
    assert ballot.quorate is False and ballot.passed is False
    assert matter.steps.get(kind=StepKind.PARTY_MEMBERS_REVIEW).status == StepStatus.FAILED
    with pytest.raises(TransitionRefused):
        services.schedule_meeting(actor=walker.worker, matter=matter, body_kind=BodyKind.RESIDENTS_ASSEMBLY,
                                  scheduled_at=timezone.now(), location="x", agenda="x",
                                  step_kind=StepKind.ASSEMBLY_RESOLVES)


def test_households_make_a_villagers_meeting_quorate_when_adults_do_not(world):
    rule = QuorumRule.objects.get(body_kind=BodyKind.VILLAGERS_ASSEMBLY, province="")
    assert rule.quorate(present=40, eligible=100, households_present=27, households_eligible=40)
    assert not rule.quorate(present=40, eligible=100, households_present=26, households_eligible=40)
    assert rule.quorate(present=51, eligible=100)
    assert not rule.quorate(present=50, eligible=100)
    assert rule.carried(votes_for=26, present=51, eligible=100)
    assert not rule.carried(votes_for=25, present=50, eligible=100)


def test_representatives_need_two_thirds_present_and_a_majority_of_those_present(world):
    rule = QuorumRule.objects.get(body_kind=BodyKind.VILLAGER_REPRESENTATIVES, province="")
    assert rule.quorate(present=20, eligible=30) and not rule.quorate(present=19, eligible=30)
    assert rule.notice_days == 5


def test_the_notice_needs_its_lead_time(walker):
    QuorumRule.objects.filter(body_kind=BodyKind.RESIDENTS_ASSEMBLY).update(notice_days=10)
    matter = walker.to(Stage.ACCEPTED)
    with pytest.raises(TransitionRefused, match="10"):
        services.schedule_meeting(actor=walker.worker, matter=matter, body_kind=BodyKind.RESIDENTS_ASSEMBLY,
                                  scheduled_at=timezone.now() + datetime.timedelta(days=3), location="x",
                                  agenda="x")


def test_merging_the_first_two_steps_needs_one_shoulder_and_a_reason(walker, world):
    matter = walker.to(Stage.ACCEPTED, major=True)
    with pytest.raises(TransitionRefused):
        services.merge_first_steps(actor=walker.committee, matter=matter, reason="书记主任一肩挑")
    services.save_community_setting(actor=None, area=world.community_a, secretary_is_director=True)
    step = services.merge_first_steps(actor=walker.committee, matter=matter, reason="书记主任一肩挑")
    assert step.status == StepStatus.MERGED
    walker.meeting(matter, BodyKind.TWO_COMMITTEES, 5, 5, StepKind.COMMITTEES_DISCUSS)
    assert matter.steps.get(kind=StepKind.PARTY_PROPOSAL).completed_at is not None


def test_a_major_matter_is_not_implemented_before_its_resolution_is_countersigned(walker):
    matter = walker.to(Stage.DECIDED, major=True)
    publication = services.post_publication(actor=walker.worker, matter=matter, kind=PublicationKind.RESOLUTION,
                                            content="决议", photo_taken_at=timezone.now())
    with pytest.raises(TransitionRefused):
        services.start_implementation(actor=walker.committee, matter=matter, title="t", lead_body="x",
                                      partners=[{"name": "y"}])
    with pytest.raises(TransitionRefused, match="监督|supervision"):
        services.countersign_publication(actor=walker.worker, publication=publication)
    services.countersign_publication(actor=walker.supervisor, publication=publication)
    services.start_implementation(actor=walker.committee, matter=matter, title="t", lead_body="x",
                                  partners=[{"name": "y"}])
    assert refresh(matter).stage == Stage.IMPLEMENTING


def test_a_poor_evaluation_reopens_implementation_with_a_rectification_task(walker):
    matter = walker.to(Stage.EVALUATING, major=True)
    rnd = matter.evaluation_rounds.get()
    for i in range(3):
        services.record_evaluation(actor=walker.worker, round=rnd, respondent=f"r{i}", score=2)
    services.close_evaluation(actor=walker.committee, round=rnd)
    matter = refresh(matter)
    assert matter.stage == Stage.IMPLEMENTING
    assert matter.project.tasks.filter(is_rectification=True, done_at__isnull=True).exists()
    assert matter.steps.get(kind=StepKind.RESULT_PUBLISHED).status == StepStatus.PENDING


def test_too_few_answers_also_reopen(walker):
    matter = walker.to(Stage.EVALUATING)
    rnd = matter.evaluation_rounds.get()
    services.record_evaluation(actor=walker.worker, round=rnd, respondent="r", score=5)
    services.close_evaluation(actor=walker.committee, round=rnd)
    assert refresh(matter).stage == Stage.IMPLEMENTING


def test_a_ballot_correction_is_appended_and_cannot_flip_the_outcome(walker):
    matter = walker.to(Stage.ACCEPTED)
    ballot = walker.meeting(matter, BodyKind.CONSULTATION_COUNCIL, 6, 5, eligible=10)
    services.correct_ballot(actor=walker.worker, ballot=ballot, votes_for=4, votes_against=2, abstentions=0,
                            reason="复核")
    ballot.refresh_from_db()
    assert ballot.votes_for == 5 and ballot.effective_counts() == (4, 2, 0)
    with pytest.raises(TransitionRefused):
        services.correct_ballot(actor=walker.worker, ballot=ballot, votes_for=2, votes_against=4, abstentions=0,
                                reason="再次复核")


def test_a_declined_matter_needs_a_reason_and_only_the_committees_answer(walker):
    from django.core.exceptions import ValidationError

    matter = raise_matter(walker.area, actor=walker.worker)
    with pytest.raises(TransitionRefused, match="两委|two committees"):
        services.accept_matter(actor=walker.worker, matter=matter)
    with pytest.raises(ValidationError):
        services.decline_matter(actor=walker.committee, matter=matter, reason=" ")
    services.decline_matter(actor=walker.committee, matter=matter, reason="属于物业职责")
    assert refresh(matter).stage == Stage.DECLINED


def test_points_come_from_recorded_events_and_are_reversed_not_edited(walker):
    walker.to(Stage.DECIDED)
    entry = PointsEntry.objects.filter(event="attendance").first()
    assert entry is not None
    reversal = services.reverse_points(actor=walker.worker, entry=entry, reason="误录")
    assert reversal.points == -entry.points
    with pytest.raises(ValueError):
        entry.save()


def test_a_committee_member_cannot_sit_on_the_supervision_committee(walker, world):
    from governance.choices import Capacity
    from governance.models import BodyMember

    chair = BodyMember.objects.get(user=walker.committee)
    with pytest.raises(TransitionRefused):
        services.add_body_member(actor=None, area=world.community_a, capacity=Capacity.SUPERVISION_COMMITTEE,
                                 name=chair.name, term_start=timezone.localdate())
    with pytest.raises(TransitionRefused):
        services.add_body_member(actor=None, area=world.community_a, capacity=Capacity.SUPERVISION_COMMITTEE,
                                 name="李四", term_start=timezone.localdate(), relative_of=chair)
