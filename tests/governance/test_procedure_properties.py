"""No sequence of actions breaks the procedure (hypothesis stateful).

Whatever order people try things in, and whatever the counts: no resolution passes without
quorum, no step starts before its predecessor passed, and no major matter closes without both
publications countersigned.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from core.exceptions import TransitionRefused
from governance import services
from governance.choices import (
    DELIBERATION_STEPS,
    STEP_ORDER,
    PublicationKind,
    Stage,
    StepKind,
    StepStatus,
)
from governance.models import Ballot, CommunitySetting, Matter
from tests.factories.governance import Walker, raise_matter

STEP_BODY = services.STEP_BODIES
ALL_BODIES = sorted({b for bodies in STEP_BODY.values() for b in bodies})


def machine_for(walker):
    class Procedure(RuleBasedStateMachine):
        """One major matter; people try the actions in any order with any numbers."""

        def __init__(self):
            super().__init__()
            self.w = walker
            self.matter = raise_matter(walker.area, actor=walker.worker, major=True)
            self.names = iter(range(10_000))

        def attempt(self, fn, **kwargs):
            try:
                return fn(**kwargs)
            except (TransitionRefused, ValidationError):
                return None

        def fresh(self):
            return Matter.objects.get(pk=self.matter.pk)

        @rule()
        def advance(self):
            """The proper next step, so that runs reach the late stages where the other rules interfere."""
            matter = self.fresh()
            if matter.stage == Stage.RAISED:
                self.accept()
            elif matter.stage in (Stage.ACCEPTED, Stage.DELIBERATING):
                self._hold(None, None, None, 1.0)
            elif matter.stage == Stage.DECIDED:
                self._publish(PublicationKind.RESOLUTION, True)
                self.implement()
            elif matter.stage == Stage.IMPLEMENTING:
                self.finish_tasks()
                self._publish(PublicationKind.RESULT, True)
            elif matter.stage == Stage.EVALUATING:
                self._evaluate([5, 5, 4])

        @rule()
        def accept(self):
            self.attempt(services.accept_matter, actor=self.w.committee, matter=self.fresh())

        @rule(shoulder=st.booleans())
        def merge_first_steps(self, shoulder):
            CommunitySetting.objects.filter(area=self.w.area).update(secretary_is_director=shoulder)
            self.attempt(services.merge_first_steps, actor=self.w.committee, matter=self.fresh(), reason="一肩挑")

        # None: the next pending step, held by its proper body (so that runs get far); otherwise anything.
        @rule(step=st.one_of(st.none(), st.sampled_from(DELIBERATION_STEPS)),
              body=st.one_of(st.none(), st.sampled_from(ALL_BODIES)),
              attendees=st.one_of(st.none(), st.integers(0, 70)),
              share_for=st.one_of(st.just(1.0), st.floats(0, 1)))
        def hold_meeting(self, step, body, attendees, share_for):
            self._hold(step, body, attendees, share_for)

        def _hold(self, step, body, attendees, share_for):
            matter = self.fresh()
            if step is None:
                step = next((s.kind for s in matter.steps.order_by("order") if not s.done), StepKind.PARTY_PROPOSAL)
                step = step if step in DELIBERATION_STEPS else StepKind.ASSEMBLY_RESOLVES
            body = body or STEP_BODY[step][-1]
            meeting = self.attempt(services.schedule_meeting, actor=self.w.worker, matter=matter,
                                   body_kind=body, scheduled_at=timezone.now(), location="x", agenda="x",
                                   step_kind=step)
            if meeting is None:
                return
            for _ in range(meeting.eligible if attendees is None else attendees):
                if self.attempt(services.record_attendance, actor=self.w.worker, meeting=meeting,
                                name=f"p{next(self.names)}", category="resident",
                                household=f"h{next(self.names) % 40}") is None:
                    break
            ballot = self.attempt(services.open_ballot, actor=self.w.worker, meeting=meeting, motion="m")
            if ballot is None:
                return
            present = meeting.participants.count()
            self.attempt(services.tally_ballot, actor=self.w.worker, ballot=ballot,
                         votes_for=int(present * share_for))
            self.attempt(services.close_ballot, actor=self.w.worker, ballot=ballot)

        @rule(kind=st.sampled_from(PublicationKind.values), sign=st.booleans())
        def publish(self, kind, sign):
            self._publish(kind, sign)

        def _publish(self, kind, sign):
            p = self.attempt(services.post_publication, actor=self.w.worker, matter=self.fresh(), kind=kind,
                             content="公示", photo_taken_at=timezone.now())
            if p is not None and sign:
                self.attempt(services.countersign_publication, actor=self.w.supervisor, publication=p)

        @rule()
        def countersign_pending(self):
            for p in self.matter.publications.filter(countersigned_at__isnull=True):
                self.attempt(services.countersign_publication, actor=self.w.supervisor, publication=p)

        @rule()
        def implement(self):
            self.attempt(services.start_implementation, actor=self.w.committee, matter=self.fresh(), title="t",
                         lead_body="居委会", partners=[{"name": "物业"}])

        @rule()
        def finish_tasks(self):
            matter = self.fresh()
            if matter.stage != Stage.IMPLEMENTING:
                return
            project = matter.project
            if not project.tasks.exists():
                self.attempt(services.add_task, actor=self.w.worker, project=project, title="t", assignee="物业",
                             due_on=timezone.localdate())
            for t in project.tasks.filter(done_at__isnull=True):
                self.attempt(services.complete_task, actor=self.w.worker, task=t, evidence="照片")

        @rule(scores=st.lists(st.integers(1, 5), max_size=6))
        def evaluate(self, scores):
            self._evaluate(scores)

        def _evaluate(self, scores):
            rnd = self.attempt(services.open_evaluation, actor=self.w.worker, matter=self.fresh(),
                               closes_at=timezone.now() + datetime.timedelta(days=3), min_responses=3)
            rnd = rnd or self.matter.evaluation_rounds.filter(closed_at__isnull=True).first()
            if rnd is None:
                return
            for score in scores:
                self.attempt(services.record_evaluation, actor=self.w.worker, round=rnd,
                             respondent=f"r{next(self.names)}", score=score)
            self.attempt(services.close_evaluation, actor=self.w.committee, round=rnd)

        @invariant()
        def no_resolution_passes_without_quorum(self):
            for b in Ballot.objects.filter(meeting__matter=self.matter, passed=True).select_related(
                    "meeting__quorum_rule"):
                m = b.meeting
                households = m.participants.exclude(household="").values("household").distinct().count()
                assert m.quorum_rule.quorate(present=b.present, eligible=m.eligible, households_present=households,
                                             households_eligible=m.eligible_households)
                assert m.quorum_rule.carried(votes_for=b.votes_for, present=b.present, eligible=m.eligible)

        @invariant()
        def no_step_starts_before_its_predecessor_passed(self):
            steps = {s.kind: s for s in self.matter.steps.all()}
            for meeting in self.matter.meetings.select_related("step"):
                index = STEP_ORDER.index(meeting.step.kind)
                if index == 0:
                    continue
                previous = steps[STEP_ORDER[index - 1]]
                assert previous.status == StepStatus.MERGED or (
                    previous.completed_at is not None and previous.completed_at <= meeting.notice_sent_at)
            for kind, status in ((s.kind, s.status) for s in steps.values()):
                if status == StepStatus.PASSED and kind != StepKind.PARTY_PROPOSAL:
                    assert steps[STEP_ORDER[STEP_ORDER.index(kind) - 1]].done
            for p in self.matter.publications.filter(kind=PublicationKind.RESOLUTION):
                resolved = steps[StepKind.ASSEMBLY_RESOLVES]
                assert resolved.completed_at is not None and resolved.completed_at <= p.posted_at

        @invariant()
        def no_major_matter_closes_without_both_publications(self):
            matter = self.fresh()
            if matter.stage == Stage.CLOSED:
                signed = set(matter.publications.filter(countersigned_at__isnull=False).values_list("kind", flat=True))
                assert signed == {PublicationKind.RESOLUTION, PublicationKind.RESULT}
                assert not matter.steps.exclude(status__in=[StepStatus.PASSED, StepStatus.MERGED]).exists()

    return Procedure


def test_no_sequence_of_actions_breaks_the_procedure(world):
    walker = Walker(world.community_a)
    run_state_machine_as_test(machine_for(walker), settings=settings(
        max_examples=25, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
