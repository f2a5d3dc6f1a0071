"""Votes at meetings (与会决事): opening, tallying, closing and correcting a ballot."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import TransitionRefused
from core.recorded import create_recorded
from core.services import require_in_scope

from ..choices import (
    BallotMethod,
    Stage,
    StepKind,
    StepStatus,
)
from ..models import (
    Ballot,
    BallotCorrection,
    DecisionStep,
    Matter,
)
from ._base import _change, _perm, _require_stage, _set_stage
from .meetings import _load_meeting


# --- 与会决事: ballots ---------------------------------------------------------------------------------------
@transaction.atomic
def open_ballot(*, actor, meeting, motion, method=BallotMethod.SHOW_OF_HANDS) -> Ballot:
    meeting = _load_meeting(actor, meeting)
    matter = Matter.objects.select_for_update().get(pk=meeting.matter_id)
    _require_stage(matter, [Stage.DELIBERATING], _("Open a vote"))
    if meeting.step_id and meeting.step.done:
        raise TransitionRefused(_("“%(step)s” has already passed.") % {"step": meeting.step.get_kind_display()})
    if not meeting.participants.exists():
        raise TransitionRefused(_("Record who attends before the vote."))
    if meeting.ballots.filter(closed_at__isnull=True).exists():
        raise TransitionRefused(_("A vote is already open at this meeting."))
    return create_recorded(Ballot(meeting=meeting, motion=motion, method=method), actor=actor,
                           action="governance.ballot.open")


def _load_ballot(actor, ballot):
    ballot = Ballot.objects.select_for_update().select_related("meeting__area", "meeting__quorum_rule").get(
        pk=ballot.pk)
    require_in_scope(actor, _perm(Ballot, "change"), ballot.meeting.area.code)
    return ballot


@transaction.atomic
def tally_ballot(*, actor, ballot, votes_for=0, votes_against=0, abstentions=0) -> Ballot:
    """Add counted votes (one box or one round of hands) to an open ballot."""
    ballot = _load_ballot(actor, ballot)
    if not ballot.is_open:
        raise TransitionRefused(_("The vote is closed; a recount is recorded as a correction."))
    if min(votes_for, votes_against, abstentions) < 0:
        raise ValidationError(_("Votes cannot be negative."))
    total = ballot.votes_for + ballot.votes_against + ballot.abstentions + votes_for + votes_against + abstentions
    present = ballot.meeting.participants.count()
    if total > present:
        raise TransitionRefused(_("%(total)s votes counted but only %(present)s present.")
                                % {"total": total, "present": present})
    ballot.votes_for += votes_for
    ballot.votes_against += votes_against
    ballot.abstentions += abstentions
    ballot.save(update_fields=["votes_for", "votes_against", "abstentions"])
    # A secret ballot's running count stays out of the audit log too until it closes.
    audit.record(actor=actor, action="governance.ballot.tally", target=ballot, area=ballot.meeting.area,
                 changes={} if ballot.method == BallotMethod.SECRET else
                 {"for": [None, votes_for], "against": [None, votes_against], "abstain": [None, abstentions]})
    return ballot


def _outcome(ballot, votes_for):
    meeting = ballot.meeting
    present = meeting.participants.count()
    households = meeting.participants.exclude(household="").values("household").distinct().count()
    rule = meeting.quorum_rule
    quorate = rule.quorate(present=present, eligible=meeting.eligible, households_present=households,
                           households_eligible=meeting.eligible_households)
    return present, quorate, quorate and rule.carried(votes_for=votes_for, present=present, eligible=meeting.eligible)


@transaction.atomic
def close_ballot(*, actor, ballot) -> Ballot:
    """Count the vote against the meeting's quorum rule; a passed vote decides the step or the matter."""
    ballot = _load_ballot(actor, ballot)
    if not ballot.is_open:
        raise TransitionRefused(_("The vote is already closed."))
    present, quorate, passed = _outcome(ballot, ballot.votes_for)
    ballot = _change(actor, ballot, "ballot.close", present=present, quorate=quorate, passed=passed,
                     closed_at=timezone.now())
    meeting = ballot.meeting
    matter = Matter.objects.select_for_update().get(pk=meeting.matter_id)
    if meeting.step_id:
        step = _change(actor, DecisionStep.objects.get(pk=meeting.step_id), "step." + ("pass" if passed else "fail"),
                       status=StepStatus.PASSED if passed else StepStatus.FAILED,
                       completed_at=ballot.closed_at if passed else None)
        if passed and step.kind == StepKind.COMMITTEES_DISCUSS:
            # The party proposal merged into this meeting (一肩挑) passes with it.
            for merged in matter.steps.filter(kind=StepKind.PARTY_PROPOSAL, status=StepStatus.MERGED):
                _change(actor, merged, "step.pass", completed_at=ballot.closed_at)
        if passed and step.kind == StepKind.ASSEMBLY_RESOLVES:
            _set_stage(actor, matter, Stage.DECIDED, "decide")
    elif passed:
        _set_stage(actor, matter, Stage.DECIDED, "decide")
    return ballot


@transaction.atomic
def correct_ballot(*, actor, ballot, votes_for, votes_against, abstentions, reason) -> BallotCorrection:
    """A recount of a closed vote is appended; one that would change the outcome needs a new vote."""
    ballot = _load_ballot(actor, ballot)
    if ballot.is_open:
        raise TransitionRefused(_("The vote is still open; add the counts to it instead."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the count is corrected.")})
    if votes_for + votes_against + abstentions > (ballot.present or 0):
        raise TransitionRefused(_("More votes than people present."))
    _p, _q, passed = _outcome(ballot, votes_for)
    if passed != ballot.passed:
        raise TransitionRefused(_("This correction would change the outcome; the meeting must vote again."))
    correction = BallotCorrection(ballot=ballot, votes_for=votes_for, votes_against=votes_against,
                                  abstentions=abstentions, reason=reason.strip(),
                                  created_by=actor if actor is not None and actor.pk else None)
    correction.full_clean()
    correction.save()
    old = ballot.effective_counts()
    audit.record(actor=actor, action="governance.ballot.correct", target=ballot, area=ballot.meeting.area,
                 reason=reason, changes={"counts": [list(old), [votes_for, votes_against, abstentions]]})
    return correction
