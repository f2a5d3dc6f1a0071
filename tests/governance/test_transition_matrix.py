"""Every (stage × action × role) of a matter: allowed, or refused with the reason the user sees.

Each stage gets a matter walked there through the services; each attempt runs in a savepoint
that is rolled back, so all attempts see the same matter.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from core.exceptions import NoPermission, OutOfScope, TransitionRefused
from governance import services
from governance.choices import OPEN_STAGES, BodyKind, Stage
from tests.factories.governance import Walker, raise_matter

STAGES = [Stage.RAISED, Stage.ACCEPTED, Stage.DELIBERATING, Stage.DECIDED, Stage.IMPLEMENTING, Stage.EVALUATING,
          Stage.CLOSED, Stage.DECLINED, Stage.MERGED, Stage.REFERRED, Stage.WITHDRAWN]
ROLES = ["worker", "committee", "supervisor", "auditor", "officer_b"]
COMMITTEE, SUPERVISION = "committee", "supervisor"

# action -> (the seat it needs, the stages where it is allowed)
RULES = {
    "support": (None, {Stage.RAISED}),
    "withdraw": (None, {Stage.RAISED}),
    "accept": (COMMITTEE, {Stage.RAISED}),
    "decline": (COMMITTEE, {Stage.RAISED}),
    "merge": (COMMITTEE, {Stage.RAISED}),
    "refer": (COMMITTEE, {Stage.RAISED}),
    "schedule_meeting": (None, {Stage.ACCEPTED, Stage.DELIBERATING}),
    "start_implementation": (COMMITTEE, {Stage.DECIDED}),
    "open_evaluation": (None, {Stage.IMPLEMENTING}),
    "object": (SUPERVISION, set(OPEN_STAGES)),
}
SEAT_REASON = {COMMITTEE: BodyKind.TWO_COMMITTEES.label, SUPERVISION: BodyKind.SUPERVISION_COMMITTEE.label}


def attempt(action, actor, matter, other):
    now = timezone.now()
    calls = {
        "support": lambda: services.support_matter(actor=actor, matter=matter, name="新附议人"),
        "withdraw": lambda: services.withdraw_matter(actor=actor, matter=matter),
        "accept": lambda: services.accept_matter(actor=actor, matter=matter),
        "decline": lambda: services.decline_matter(actor=actor, matter=matter, reason="不属于社区职责"),
        "merge": lambda: services.merge_matter(actor=actor, matter=matter, into=other),
        "refer": lambda: services.refer_matter(actor=actor, matter=matter, to="区城管局"),
        "schedule_meeting": lambda: services.schedule_meeting(
            actor=actor, matter=matter, body_kind=BodyKind.CONSULTATION_COUNCIL, scheduled_at=now, location="议事厅",
            agenda="议程", eligible=10),
        "start_implementation": lambda: services.start_implementation(
            actor=actor, matter=matter, title="项目", lead_body="居委会", partners=[{"name": "物业"}]),
        "open_evaluation": lambda: services.open_evaluation(actor=actor, matter=matter,
                                                            closes_at=now + datetime.timedelta(days=7)),
        "object": lambda: services.object_to_matter(actor=actor, matter=matter, text="程序有疑问"),
    }
    return calls[action]()


class _Rollback(Exception):
    pass


def outcome(action, actor, matter, other):
    try:
        with transaction.atomic():
            attempt(action, actor, matter, other)
            raise _Rollback
    except _Rollback:
        return "allowed", ""
    except TransitionRefused as exc:
        return "refused", str(exc.reason)
    except NoPermission:
        return "403", ""
    except OutOfScope:
        return "404", ""


def expected(action, role, stage):
    if role == "auditor":
        return "403", None
    if role == "officer_b":
        return "404", None
    seat, stages = RULES[action]
    if seat is not None and role != seat:
        return "refused", str(SEAT_REASON[seat])
    if stage not in stages:
        return "refused", str(Stage(stage).label)
    return "allowed", None


@pytest.mark.parametrize("stage", STAGES)
def test_transition_matrix(world, stage):
    walker = Walker(world.community_a)
    matter = walker.to(stage)
    if stage == Stage.IMPLEMENTING:
        walker.finish_tasks(matter)  # the evaluation opens only when every task is done
    other = raise_matter(world.community_a, actor=walker.worker)
    actors = {"worker": walker.worker, "committee": walker.committee, "supervisor": walker.supervisor,
              "auditor": world.auditor, "officer_b": world.officer_b}
    mismatches = []
    for action in RULES:
        for role in ROLES:
            got, reason = outcome(action, actors[role], matter, other)
            want, want_reason = expected(action, role, stage)
            if got != want or (want_reason and want_reason not in reason):
                mismatches.append(f"{stage} × {action} × {role}: got {got} {reason!r}, want {want} {want_reason!r}")
    assert not mismatches, "\n".join(mismatches)
