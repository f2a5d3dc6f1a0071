"""Every write of community consultation, one function per transition.

Each function takes keyword-only arguments with an ``actor`` (None for the system: demo loader,
scheduled checks), runs in one transaction, checks scope (404) and permission (403), then the
procedure's guards: a step the rules do not allow now raises ``TransitionRefused`` with the
reason the user sees (409 in the API, a message on pages). One audit event per change.
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.choices import AreaLevel
from core.exceptions import TransitionRefused
from core.recorded import create_recorded, perm_name, update_recorded
from core.scope import scope_for
from core.services import recheck, require_in_scope, require_perm

from ..choices import (
    DELIBERATION_STEPS,
    ENDED_STAGES,
    STEP_ORDER,
    AttendanceMethod,
    BallotMethod,
    BodyKind,
    Capacity,
    Channel,
    DisputeOutcome,
    Origin,
    PointsSubject,
    PublicationChannel,
    PublicationKind,
    Stage,
    StepKind,
    StepStatus,
    Track,
)
from ..models import (
    Ballot,
    BallotCorrection,
    BodyMember,
    CommunitySetting,
    DecisionStep,
    Dispute,
    EvaluationResponse,
    EvaluationRound,
    Matter,
    Meeting,
    Milestone,
    Minutes,
    Objection,
    Participant,
    PointsEntry,
    Project,
    Publication,
    QuorumRule,
    Support,
    Task,
)

logger = logging.getLogger(__name__)

# Which body holds the meeting of each deliberation step of 四议两公开.
STEP_BODIES = {
    StepKind.PARTY_PROPOSAL: [BodyKind.PARTY_ORG],
    StepKind.COMMITTEES_DISCUSS: [BodyKind.TWO_COMMITTEES],
    StepKind.PARTY_MEMBERS_REVIEW: [BodyKind.PARTY_MEMBERS_ASSEMBLY],
    StepKind.ASSEMBLY_RESOLVES: [BodyKind.VILLAGERS_ASSEMBLY, BodyKind.VILLAGER_REPRESENTATIVES,
                                 BodyKind.RESIDENTS_ASSEMBLY, BodyKind.RESIDENT_REPRESENTATIVES],
}
CONSULTATION_BODIES = [BodyKind.CONSULTATION_COUNCIL, BodyKind.TWO_COMMITTEES, BodyKind.VILLAGERS_ASSEMBLY,
                       BodyKind.VILLAGER_REPRESENTATIVES, BodyKind.RESIDENTS_ASSEMBLY,
                       BodyKind.RESIDENT_REPRESENTATIVES]
RECTIFICATION_DAYS = 14
OBJECTION_RESPONSE_DAYS = 7
POINTS = {"attendance": 1, "task_done": 2, "answered_on_time": 2, "dispute_resolved": 3}


# --- guards -------------------------------------------------------------------------------------------
def _perm(model, action):
    return perm_name(model, action)


def _refuse_stage(matter, action_label):
    raise TransitionRefused(_("“%(action)s” is not possible while the matter is at “%(stage)s”.")
                            % {"action": action_label, "stage": matter.get_stage_display()})


def _require_stage(matter, stages, action_label):
    if matter.stage not in stages:
        _refuse_stage(matter, action_label)


def seat(actor, area, capacity) -> BodyMember | None:
    """The actor's current seat on a body of the community, if any."""
    if actor is None or not actor.is_authenticated:
        return None
    today = timezone.localdate()
    return (BodyMember.objects.filter(area=area, capacity=capacity, user=actor, term_start__lte=today)
            .filter(Q(term_end__isnull=True) | Q(term_end__gte=today)).first())


def _require_seat(actor, area, capacity):
    """The two committees' and the supervision committee's acts belong to their members."""
    if actor is None:
        return None
    member = seat(actor, area, capacity)
    if member is None:
        raise TransitionRefused(_("Only a member of the %(body)s of %(community)s may do this.")
                                % {"body": BodyKind(capacity).label, "community": area.name})
    return member


def _load_matter(actor, matter, action="change"):
    matter = Matter.objects.select_for_update().select_related("area", "category").get(pk=matter.pk)
    require_in_scope(actor, _perm(Matter, action), matter.area.code)
    return matter


def _snapshot(instance) -> dict:
    """audit.snapshot, with files as their stored names."""
    from django.db.models import FileField

    files = [f.name for f in instance._meta.concrete_fields if isinstance(f, FileField)]
    out = audit.snapshot(instance, [f.name for f in instance._meta.concrete_fields if f.name not in files])
    out.update({name: getattr(instance, name).name or "" for name in files})
    return out


def _record(actor, action, target, before=None, reason="", area=None, changes=None):
    if changes is None:
        changes = audit.diff(before or {}, _snapshot(target))
    audit.record(actor=actor, action=f"governance.{action}", target=target, area=area, changes=changes,
                 reason=reason)


def _set_stage(actor, matter, stage, action, reason=""):
    before = _snapshot(matter)
    matter.stage, matter.stage_changed_at = stage, timezone.now()
    matter.full_clean()
    matter.save()
    recheck(actor, matter)
    _record(actor, f"matter.{action}", matter, before, reason)


def _award(*, area, subject_kind, subject, event, matter=None, dispute=None, actor=None):
    """Points come only from recorded events (推进积分化)."""
    entry = PointsEntry(area=area, subject_kind=subject_kind, subject=subject[:100], points=POINTS[event],
                        event=event, matter=matter, dispute=dispute)
    entry.full_clean()
    entry.save()
    changes = {"subject": [None, entry.subject], "points": [None, entry.points], "event": [None, event]}
    if dispute is not None:
        changes["dispute"] = [None, dispute.pk]
    audit.record(actor=actor, action="governance.points.award", target=entry, changes=changes)
    return entry


# --- matters: 百姓点事 and 两委提事 ------------------------------------------------------------------------
def _next_ref(area, year):
    prefix = f"{area.code}-{year}-"
    last = Matter.objects.filter(ref__startswith=prefix).order_by("-ref").values_list("ref", flat=True).first()
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"


def _track_for(category, amount):
    return Track.FOUR_DELIBERATIONS if category.is_major_for(amount) else Track.CONSULTATION


def _create_steps(matter):
    DecisionStep.objects.bulk_create([DecisionStep(matter=matter, kind=kind, order=i + 1)
                                      for i, kind in enumerate(STEP_ORDER)])


@transaction.atomic
def raise_matter(*, actor, area, title, category, description="", location="", amount=None,
                 raised_by_name="", channel=Channel.IN_PERSON, origin=Origin.RESIDENT, raised_at=None) -> Matter:
    """百姓点事 (a resident raises a matter; a worker may enter it on the resident's behalf, with the
    channel), or 两委提事 (the two committees propose one, which is then on the agenda at once)."""
    require_in_scope(actor, _perm(Matter, "add"), area.code)
    if area.level != AreaLevel.COMMUNITY:
        raise ValidationError({"area": _("A matter belongs to a community or village.")})
    if origin == Origin.RESIDENT and not raised_by_name.strip():
        raise ValidationError({"raised_by_name": _("Name the resident who raised the matter.")})
    if origin == Origin.COMMITTEE:
        _require_seat(actor, area, Capacity.TWO_COMMITTEES)
    now = raised_at or timezone.now()
    matter = Matter(
        area=area, ref=_next_ref(area, timezone.localtime(now).year), title=title.strip(), description=description,
        category=category, location=location, amount=amount, origin=origin, channel=channel,
        raised_by_name=raised_by_name.strip(), entered_by=actor if actor is not None and actor.pk else None,
        track=_track_for(category, amount), raised_at=now, stage_changed_at=now,
        response_due=timezone.localdate(now) + datetime.timedelta(days=category.response_days),
    )
    if origin == Origin.COMMITTEE:
        matter.stage, matter.answered_at = Stage.ACCEPTED, now
    create_recorded(matter, actor=actor,
                    action="governance.matter.raise" if origin == Origin.RESIDENT else "governance.matter.propose")
    if matter.track == Track.FOUR_DELIBERATIONS:
        _create_steps(matter)
    return matter


@transaction.atomic
def update_matter(*, actor, matter, title=None, description=None, location=None) -> Matter:
    """Correct the wording of a matter; its stage only moves through the transitions."""
    def open_only(matter):
        if matter.stage in ENDED_STAGES:
            raise TransitionRefused(_("A closed matter is part of the archive and cannot be edited."))

    values = {field: value for field, value in (("title", title), ("description", description),
                                                ("location", location)) if value is not None}
    return update_recorded(matter, values, allowed=("title", "description", "location"), actor=actor,
                           action="governance.matter.update", check=open_only)


@transaction.atomic
def support_matter(*, actor, matter, name) -> Support:
    """A resident supports (附议) a raised matter; each resident once."""
    matter = _load_matter(actor, matter)
    _require_stage(matter, [Stage.RAISED], _("Support"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the resident who supports the matter.")})
    if matter.supports.filter(name=name).exists():
        raise TransitionRefused(_("%(name)s already supports this matter.") % {"name": name})
    support = Support(matter=matter, name=name)
    support.full_clean()
    support.save()
    audit.record(actor=actor, action="governance.matter.support", target=matter,
                 changes={"supports": [None, matter.supports.count()]})
    return support


@transaction.atomic
def withdraw_matter(*, actor, matter, reason="") -> Matter:
    matter = _load_matter(actor, matter)
    _require_stage(matter, [Stage.RAISED], _("Withdraw"))
    _set_stage(actor, matter, Stage.WITHDRAWN, "withdraw", reason)
    return matter


def _answer(actor, matter, stage, action, reason):
    matter.answered_at = timezone.now()
    matter.answer_reason = reason
    _set_stage(actor, matter, stage, action, reason)
    if matter.answered_on_time:
        _award(area=matter.area, subject_kind=PointsSubject.BODY, subject=Capacity.TWO_COMMITTEES.label,
               event="answered_on_time", matter=matter)


@transaction.atomic
def accept_matter(*, actor, matter, note="") -> Matter:
    """两委提事: the two committees put a raised matter on the agenda."""
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.RAISED], _("Accept"))
    _answer(actor, matter, Stage.ACCEPTED, "accept", note)
    if matter.track == Track.FOUR_DELIBERATIONS and not matter.steps.exists():
        _create_steps(matter)
    return matter


@transaction.atomic
def decline_matter(*, actor, matter, reason) -> Matter:
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.RAISED], _("Decline"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the matter is declined; the resident will read it.")})
    _answer(actor, matter, Stage.DECLINED, "decline", reason.strip())
    return matter


@transaction.atomic
def merge_matter(*, actor, matter, into, reason="") -> Matter:
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.RAISED], _("Merge"))
    into = Matter.objects.restrict(actor, "view").filter(pk=getattr(into, "pk", into)).first() if actor else into
    if into is None or into.pk == matter.pk or into.area_id != matter.area_id:
        raise ValidationError({"into": _("Merge into another matter of the same community.")})
    if into.stage in ENDED_STAGES:
        raise TransitionRefused(_("%(ref)s is already closed; merge into an open matter.") % {"ref": into.ref})
    matter.merged_into = into
    _answer(actor, matter, Stage.MERGED, "merge", reason or into.ref)
    return matter


@transaction.atomic
def refer_matter(*, actor, matter, to, reason="") -> Matter:
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.RAISED], _("Refer"))
    if not (to or "").strip():
        raise ValidationError({"to": _("Name the department or body the matter is referred to.")})
    matter.referred_to = to.strip()
    _answer(actor, matter, Stage.REFERRED, "refer", reason)
    return matter


# --- 四议: ordered steps --------------------------------------------------------------------------------
def _step(matter, kind) -> DecisionStep:
    return matter.steps.select_for_update().get(kind=kind)


def _previous_done(matter, kind) -> bool:
    index = STEP_ORDER.index(kind)
    return index == 0 or matter.steps.get(kind=STEP_ORDER[index - 1]).done


def _refuse_order(kind):
    index = STEP_ORDER.index(kind)
    raise TransitionRefused(_("“%(step)s” cannot start before “%(previous)s” has passed.")
                            % {"step": StepKind(kind).label, "previous": StepKind(STEP_ORDER[index - 1]).label})


@transaction.atomic
def merge_first_steps(*, actor, matter, reason) -> DecisionStep:
    """Where the secretary is also the director (一肩挑), party proposal and committee discussion may
    be one meeting, with the reason recorded."""
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    if matter.track != Track.FOUR_DELIBERATIONS:
        raise TransitionRefused(_("Only a major matter has the four deliberations."))
    _require_stage(matter, [Stage.ACCEPTED], _("Merge the first two steps"))
    setting = CommunitySetting.objects.filter(area=matter.area).first()
    if setting is None or not setting.secretary_is_director:
        raise TransitionRefused(_("The first two steps may be merged only where the party secretary is also the "
                                  "committee director."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Record why the two steps are merged.")})
    step = _step(matter, StepKind.PARTY_PROPOSAL)
    if step.status != StepStatus.PENDING:
        raise TransitionRefused(_("The party proposal step is already %(status)s.")
                                % {"status": step.get_status_display()})
    before = _snapshot(step)
    step.status, step.merged_reason = StepStatus.MERGED, reason.strip()
    step.full_clean()
    step.save()
    _record(actor, "step.merge", step, before, reason, area=matter.area)
    return step


# --- meetings: 居民议事 -----------------------------------------------------------------------------------
def rule_for(body_kind, area) -> QuorumRule:
    rules = {r.province: r for r in QuorumRule.objects.filter(body_kind=body_kind, province__in=["", area.code[:2]])}
    rule = rules.get(area.code[:2]) or rules.get("")
    if rule is None:
        raise TransitionRefused(_("No quorum rule is recorded for %(body)s.") % {"body": BodyKind(body_kind).label})
    return rule


def roster(body_kind, area) -> tuple[int, int]:
    """Who should attend, captured when the notice goes out: (members, households)."""
    s = CommunitySetting.objects.filter(area=area).first() or CommunitySetting(area=area)
    if body_kind in (BodyKind.VILLAGERS_ASSEMBLY, BodyKind.RESIDENTS_ASSEMBLY):
        return s.adults, s.households
    if body_kind in (BodyKind.VILLAGER_REPRESENTATIVES, BodyKind.RESIDENT_REPRESENTATIVES):
        return s.representatives, 0
    if body_kind == BodyKind.PARTY_MEMBERS_ASSEMBLY:
        return s.party_members, 0
    if body_kind in (BodyKind.TWO_COMMITTEES, BodyKind.PARTY_ORG):
        if s.committee_members:
            return s.committee_members, 0
        today = timezone.localdate()
        return BodyMember.objects.filter(area=area, capacity=Capacity.TWO_COMMITTEES, term_start__lte=today).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=today)).count(), 0
    return 0, 0


# Bodies with a roster (community settings, committee seats): who should attend is the roster's count.
ROSTER_BODIES = [BodyKind.PARTY_ORG, BodyKind.TWO_COMMITTEES, BodyKind.PARTY_MEMBERS_ASSEMBLY,
                 BodyKind.VILLAGERS_ASSEMBLY, BodyKind.VILLAGER_REPRESENTATIVES, BodyKind.RESIDENTS_ASSEMBLY,
                 BodyKind.RESIDENT_REPRESENTATIVES]


def _eligible_for(body_kind, area, on_roster, eligible, reason) -> int:
    """Who should attend: the roster's count for a body that has one; a different number only with a
    reason (an override, recorded on the meeting and audited). A consultation council has no roster:
    the invited count is given."""
    if body_kind not in ROSTER_BODIES or eligible is None or eligible == on_roster:
        return on_roster if eligible is None else eligible
    if not reason:
        raise ValidationError({"eligible_reason": _(
            "The roster of the %(body)s of %(community)s counts %(roster)s; a different number needs a reason "
            "(it is recorded and audited).") % {"body": BodyKind(body_kind).label, "community": area.name,
                                                  "roster": on_roster}})
    return eligible


@transaction.atomic
def schedule_meeting(*, actor, matter, body_kind, scheduled_at, location, agenda, step_kind=None,
                     eligible=None, eligible_reason="") -> Meeting:
    """Send the notice of a meeting: deliberation (居民议事) or one of the four deliberations.

    The notice needs the rule's lead time; who should attend is captured now.
    """
    matter = _load_matter(actor, matter)
    _require_stage(matter, [Stage.ACCEPTED, Stage.DELIBERATING], _("Schedule a meeting"))
    step = None
    if matter.track == Track.FOUR_DELIBERATIONS:
        step_kind = step_kind or next((k for k in DELIBERATION_STEPS if not matter.steps.get(kind=k).done), None)
        if step_kind not in DELIBERATION_STEPS:
            raise ValidationError({"step_kind": _("Choose one of the four deliberation steps.")})
        step = _step(matter, step_kind)
        if step.done:
            raise TransitionRefused(_("“%(step)s” has already passed.") % {"step": step.get_kind_display()})
        if not _previous_done(matter, step_kind):
            _refuse_order(step_kind)
        if body_kind not in STEP_BODIES[step_kind]:
            raise ValidationError({"body_kind": _("“%(step)s” is held by: %(bodies)s.") % {
                "step": step.get_kind_display(),
                "bodies": "、".join(str(BodyKind(b).label) for b in STEP_BODIES[step_kind])}})
    elif body_kind not in CONSULTATION_BODIES:
        raise ValidationError({"body_kind": _("This body does not hold deliberation meetings; they are held by: "
                                              "%(bodies)s.") % {
            "bodies": "、".join(str(BodyKind(b).label) for b in CONSULTATION_BODIES)}})
    rule = rule_for(body_kind, matter.area)
    lead = (timezone.localdate(scheduled_at) - timezone.localdate()).days
    if lead < rule.notice_days:
        raise TransitionRefused(_("A meeting of the %(body)s needs %(days)s days' notice; this one is in %(lead)s.")
                                % {"body": BodyKind(body_kind).label, "days": rule.notice_days, "lead": max(lead, 0)})
    members, households = roster(body_kind, matter.area)
    on_roster, eligible_reason = members, (eligible_reason or "").strip()
    members = _eligible_for(body_kind, matter.area, on_roster, eligible, eligible_reason)
    if not members:
        raise TransitionRefused(_("No roster is recorded for the %(body)s of %(community)s; record it in the "
                                  "community settings first.") % {"body": BodyKind(body_kind).label,
                                                                  "community": matter.area.name})
    meeting = Meeting(area=matter.area, matter=matter, step=step, body_kind=body_kind, quorum_rule=rule,
                      scheduled_at=scheduled_at, location=location, agenda=agenda, eligible=members,
                      eligible_households=households,
                      roster_eligible=on_roster if body_kind in ROSTER_BODIES else None,
                      eligible_reason=eligible_reason if body_kind in ROSTER_BODIES and members != on_roster else "")
    meeting.full_clean()
    meeting.save()
    recheck(actor, meeting, "add")
    _record(actor, "meeting.notice", meeting)
    if meeting.eligible_reason:
        _record(actor, "meeting.eligible_override", meeting, reason=meeting.eligible_reason,
                changes={"eligible": [on_roster, members]})
    if step is not None and step.status == StepStatus.FAILED:
        step.status = StepStatus.PENDING
        step.save(update_fields=["status"])
    if matter.stage == Stage.ACCEPTED:
        _set_stage(actor, matter, Stage.DELIBERATING, "deliberate")
    return meeting


def _load_meeting(actor, meeting):
    meeting = Meeting.objects.select_for_update().select_related("area", "matter", "quorum_rule").get(pk=meeting.pk)
    require_in_scope(actor, _perm(Meeting, "change"), meeting.area.code)
    if meeting.cancelled_at:
        raise TransitionRefused(_("The meeting was cancelled."))
    return meeting


@transaction.atomic
def record_attendance(*, actor, meeting, name, category, household="",
                      method=AttendanceMethod.STAFF_ENTRY) -> Participant:
    meeting = _load_meeting(actor, meeting)
    if meeting.ballots.filter(closed_at__isnull=False).exists():
        raise TransitionRefused(_("The vote is closed; attendance can no longer change."))
    if meeting.participants.count() >= meeting.eligible:
        raise TransitionRefused(_("All %(n)s who should attend are already signed in.") % {"n": meeting.eligible})
    name = (name or "").strip()
    if meeting.participants.filter(name=name).exists():
        raise TransitionRefused(_("%(name)s is already signed in.") % {"name": name})
    p = Participant(meeting=meeting, name=name, category=category, household=household, method=method)
    p.full_clean()
    p.save()
    audit.record(actor=actor, action="governance.meeting.attend", target=meeting,
                 changes={"present": [None, meeting.participants.count()], "category": [None, category]})
    _award(area=meeting.area, subject_kind=PointsSubject.PERSON, subject=name, event="attendance",
           matter=meeting.matter)
    return p


@transaction.atomic
def save_minutes(*, actor, meeting, speakers=(), consensus="", dissent="") -> Minutes:
    meeting = _load_meeting(actor, meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    if minutes.locked_at:
        raise TransitionRefused(_("The minutes are signed and locked."))
    before = _snapshot(minutes) if minutes.pk else {}
    cleaned = []
    for s in speakers or []:
        if not isinstance(s, dict) or not str(s.get("name", "")).strip() or not str(s.get("opinion", "")).strip():
            raise ValidationError({"speakers": _("Each speaker needs a name and an opinion.")})
        cleaned.append({"name": str(s["name"]).strip(), "category": str(s.get("category", "")),
                        "opinion": str(s["opinion"]).strip()})
    minutes.speakers, minutes.consensus, minutes.dissent = cleaned, consensus, dissent
    minutes.full_clean()
    minutes.save()
    _record(actor, "minutes.save", meeting, before={}, area=meeting.area,
            changes=audit.diff(before, _snapshot(minutes)))
    return minutes


@transaction.atomic
def sign_minutes(*, actor, meeting, signed_by) -> Minutes:
    meeting = _load_meeting(actor, meeting)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or not (minutes.consensus or minutes.speakers):
        raise TransitionRefused(_("Write the minutes (speakers, consensus) before signing them."))
    if minutes.locked_at:
        raise TransitionRefused(_("The minutes are signed and locked."))
    if not (signed_by or "").strip():
        raise ValidationError({"signed_by": _("Name who signs the minutes (chair and recorder).")})
    minutes.signed_by, minutes.locked_at = signed_by.strip(), timezone.now()
    minutes.save()
    audit.record(actor=actor, action="governance.minutes.sign", target=meeting,
                 changes={"signed_by": [None, minutes.signed_by]})
    return minutes


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
    ballot = Ballot(meeting=meeting, motion=motion, method=method)
    ballot.full_clean()
    ballot.save()
    _record(actor, "ballot.open", ballot, area=meeting.area)
    return ballot


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
    before = _snapshot(ballot)
    ballot.present, ballot.quorate, ballot.passed = _outcome(ballot, ballot.votes_for)
    ballot.closed_at = timezone.now()
    ballot.full_clean()
    ballot.save()
    _record(actor, "ballot.close", ballot, before, area=ballot.meeting.area)
    meeting = ballot.meeting
    matter = Matter.objects.select_for_update().get(pk=meeting.matter_id)
    if meeting.step_id:
        step = DecisionStep.objects.select_for_update().get(pk=meeting.step_id)
        step_before = _snapshot(step)
        step.status = StepStatus.PASSED if ballot.passed else StepStatus.FAILED
        step.completed_at = ballot.closed_at if ballot.passed else None
        step.save()
        _record(actor, "step." + ("pass" if ballot.passed else "fail"), step, step_before, area=matter.area)
        if ballot.passed and step.kind == StepKind.COMMITTEES_DISCUSS:
            matter.steps.filter(kind=StepKind.PARTY_PROPOSAL, status=StepStatus.MERGED).update(
                completed_at=ballot.closed_at)
        if ballot.passed and step.kind == StepKind.ASSEMBLY_RESOLVES:
            _set_stage(actor, matter, Stage.DECIDED, "decide")
    elif ballot.passed:
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


# --- 两公开: publications -------------------------------------------------------------------------------
def _publication_due(matter, kind):
    base = timezone.localdate()
    if kind == PublicationKind.RESOLUTION and matter.track == Track.FOUR_DELIBERATIONS:
        resolved = matter.steps.get(kind=StepKind.ASSEMBLY_RESOLVES).completed_at
        base = timezone.localdate(resolved) if resolved else base
    elif kind == PublicationKind.RESOLUTION:
        base = timezone.localdate(matter.stage_changed_at)
    elif kind == PublicationKind.RESULT:
        last = Task.objects.filter(project__matter=matter).order_by("-done_at").values_list("done_at", flat=True)
        base = timezone.localdate(last[0]) if last and last[0] else base
    return base + datetime.timedelta(days=matter.category.publication_days)


@transaction.atomic
def post_publication(*, actor, matter, kind, content, photo_taken_at, channel=PublicationChannel.BULLETIN_BOARD,
                     photo=None) -> Publication:
    """Post a resolution or a result with proof of posting; it counts once the supervision committee
    countersigns it."""
    matter = _load_matter(actor, matter)
    if kind == PublicationKind.RESOLUTION:
        _require_stage(matter, [Stage.DECIDED], _("Publish the resolution"))
        step_kind = StepKind.RESOLUTION_PUBLISHED
    else:
        _require_stage(matter, [Stage.IMPLEMENTING], _("Publish the result"))
        project = Project.objects.filter(matter=matter).first()
        if project is None or project.progress() < 100:
            raise TransitionRefused(_("The result can be published once every task is done."))
        step_kind = StepKind.RESULT_PUBLISHED
    if matter.track == Track.FOUR_DELIBERATIONS:
        step = _step(matter, step_kind)
        if step.done:
            raise TransitionRefused(_("“%(step)s” has already passed.") % {"step": step.get_kind_display()})
        if not _previous_done(matter, step_kind):
            _refuse_order(step_kind)
    if matter.publications.filter(kind=kind, countersigned_at__isnull=True).exists():
        raise TransitionRefused(_("A publication of this kind is waiting for the supervision committee's "
                                  "countersignature."))
    if not (content or "").strip():
        raise ValidationError({"content": _("Give the text that was posted.")})
    if photo_taken_at is None or photo_taken_at > timezone.now():
        raise ValidationError({"photo_taken_at": _("Give when the photo of the posting was taken (not in the "
                                                   "future).")})
    now = timezone.now()
    publication = Publication(area=matter.area, matter=matter, kind=kind, content=content.strip(), channel=channel,
                              due_on=_publication_due(matter, kind), posted_at=now, photo_taken_at=photo_taken_at)
    if photo is not None:
        publication.photo = photo
    publication.full_clean()
    publication.save()
    recheck(actor, publication, "add")
    _record(actor, "publication.post", publication)
    return publication


@transaction.atomic
def countersign_publication(*, actor, publication) -> Publication:
    publication = Publication.objects.select_for_update().select_related("area", "matter").get(pk=publication.pk)
    require_in_scope(actor, _perm(Publication, "change"), publication.area.code)
    member = _require_seat(actor, publication.area, Capacity.SUPERVISION_COMMITTEE)
    if actor is None:  # a transfer of paper records: the committee's chair signed on paper
        member = BodyMember.objects.filter(area=publication.area, capacity=Capacity.SUPERVISION_COMMITTEE).first()
    if publication.countersigned_at:
        raise TransitionRefused(_("This publication is already countersigned."))
    before = _snapshot(publication)
    publication.countersigned_by, publication.countersigned_at = member, timezone.now()
    publication.save()
    _record(actor, "publication.countersign", publication, before)
    matter = publication.matter
    if matter.track == Track.FOUR_DELIBERATIONS:
        kind = StepKind.RESOLUTION_PUBLISHED if publication.kind == PublicationKind.RESOLUTION \
            else StepKind.RESULT_PUBLISHED
        step = _step(matter, kind)
        step_before = _snapshot(step)
        step.status, step.completed_at = StepStatus.PASSED, publication.countersigned_at
        step.save()
        _record(actor, "step.pass", step, step_before, area=matter.area)
    return publication


# --- 多元办事: implementation ----------------------------------------------------------------------------------
@transaction.atomic
def start_implementation(*, actor, matter, title, lead_body, partners, budget=None) -> Project:
    """成果项目化: the decision becomes a project with a lead body and partners (多元办事)."""
    matter = _load_matter(actor, matter)
    _require_seat(actor, matter.area, Capacity.TWO_COMMITTEES)
    _require_stage(matter, [Stage.DECIDED], _("Start implementation"))
    if matter.track == Track.FOUR_DELIBERATIONS and not matter.steps.get(kind=StepKind.RESOLUTION_PUBLISHED).done:
        raise TransitionRefused(_("A major matter is carried out only after its resolution is published and "
                                  "countersigned."))
    partners = [p for p in (partners or []) if str(p.get("name", "")).strip()]
    if not partners:
        raise ValidationError({"partners": _("Name at least one partner that carries out the project.")})
    project = Project(area=matter.area, matter=matter, title=title, lead_body=lead_body, budget=budget,
                      partners=[{"name": str(p["name"]).strip(), "category": str(p.get("category", "")),
                                 "role": str(p.get("role", ""))} for p in partners])
    project.full_clean()
    project.save()
    _record(actor, "project.start", project)
    _set_stage(actor, matter, Stage.IMPLEMENTING, "implement")
    return project


def _load_project(actor, project):
    project = Project.objects.select_for_update().select_related("area", "matter").get(pk=project.pk)
    require_in_scope(actor, _perm(Task, "change"), project.area.code)
    _require_stage(project.matter, [Stage.IMPLEMENTING], _("Change the tasks"))
    return project


@transaction.atomic
def add_task(*, actor, project, title, assignee, due_on, weight=1, is_rectification=False) -> Task:
    project = _load_project(actor, project)
    task = Task(project=project, title=title, assignee=assignee, due_on=due_on, weight=weight,
                is_rectification=is_rectification)
    task.full_clean()
    task.save()
    audit.record(actor=actor, action="governance.task.add", target=task, area=project.area,
                 changes=audit.diff({}, _snapshot(task)))
    return task


@transaction.atomic
def complete_task(*, actor, task, evidence) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    project = _load_project(actor, task.project)
    if task.done_at:
        raise TransitionRefused(_("This task is already done."))
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Describe or attach the evidence that the task is done.")})
    task.done_at, task.evidence = timezone.now(), evidence.strip()
    task.full_clean()
    task.save()
    audit.record(actor=actor, action="governance.task.complete", target=task, area=project.area,
                 changes={"done_at": [None, str(task.done_at)], "evidence": [None, task.evidence]})
    _award(area=project.area, subject_kind=PointsSubject.ORGANISATION, subject=task.assignee, event="task_done",
           matter=project.matter)
    return task


@transaction.atomic
def add_milestone(*, actor, project, date, title, description="") -> Milestone:
    project = _load_project(actor, project)
    milestone = Milestone(project=project, date=date, title=title, description=description)
    milestone.full_clean()
    milestone.save()
    audit.record(actor=actor, action="governance.milestone.add", target=milestone, area=project.area,
                 changes=audit.diff({}, _snapshot(milestone)))
    return milestone


# --- 公众评事: public evaluation ----------------------------------------------------------------------------------
def community_grids(community):
    """The grids (网格) of a community or village."""
    from core.models import Area

    return Area.objects.descendants_of(community, include_self=False).filter(level=AreaLevel.GRID)


def _grid_names(grids):
    return "、".join(g.name for g in grids)


@transaction.atomic
def open_evaluation(*, actor, matter, closes_at, threshold=Decimal("3.5"), min_responses=5,
                    grids=None) -> EvaluationRound:
    """公众评事: open a round to the residents the matter affects: the grids named (the matter's
    community's own), or, without grids, the whole community."""
    matter = _load_matter(actor, matter)
    _require_stage(matter, [Stage.IMPLEMENTING], _("Open the evaluation"))
    project = Project.objects.filter(matter=matter).first()
    if project is None or project.progress() < 100:
        raise TransitionRefused(_("The public evaluates once every task is done."))
    if matter.track == Track.FOUR_DELIBERATIONS and not matter.steps.get(kind=StepKind.RESULT_PUBLISHED).done:
        raise TransitionRefused(_("The implementation result of a major matter must be published and countersigned "
                                  "before the evaluation."))
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("The round must close in the future.")})
    grids = list(grids or [])
    own = set(community_grids(matter.area).filter(pk__in=[g.pk for g in grids]).values_list("pk", flat=True))
    outside = [g for g in grids if g.pk not in own]
    if outside:
        raise ValidationError({"grids": _("%(grids)s: not a grid of %(community)s.")
                               % {"grids": _grid_names(outside), "community": matter.area.name}})
    rnd = EvaluationRound(area=matter.area, matter=matter, closes_at=closes_at, threshold=threshold,
                          min_responses=min_responses)
    rnd.full_clean()
    rnd.save()
    rnd.grids.set(grids)
    changes = audit.diff({}, _snapshot(rnd))
    if grids:
        changes["grids"] = [None, sorted(g.code for g in grids)]
    _record(actor, "evaluation.open", rnd, changes=changes)
    _set_stage(actor, matter, Stage.EVALUATING, "evaluate")
    return rnd


@transaction.atomic
def record_evaluation(*, actor, round, respondent, score, comment="", grid=None) -> EvaluationResponse:
    """A resident's answer, with the grid they live in: required, and one of the round's grids,
    when the round is open to some grids only."""
    rnd = EvaluationRound.objects.select_for_update().select_related("area").get(pk=round.pk)
    require_in_scope(actor, _perm(EvaluationResponse, "add"), rnd.area.code)
    if not rnd.is_open:
        raise TransitionRefused(_("The evaluation round is closed."))
    allowed = list(rnd.grids.all())
    if allowed and grid is None:
        raise ValidationError({"grid": _("This evaluation is open to the residents of %(grids)s; say which grid "
                                         "the resident lives in.") % {"grids": _grid_names(allowed)}})
    if allowed and grid.pk not in {g.pk for g in allowed}:
        raise ValidationError({"grid": _("%(grid)s is outside this evaluation, which is open to the residents of "
                                         "%(grids)s only.") % {"grid": grid.name, "grids": _grid_names(allowed)}})
    if grid is not None and not allowed and not community_grids(rnd.area).filter(pk=grid.pk).exists():
        raise ValidationError({"grid": _("%(grids)s: not a grid of %(community)s.")
                               % {"grids": grid.name, "community": rnd.area.name}})
    respondent = (respondent or "").strip()
    if rnd.responses.filter(respondent=respondent).exists():
        raise TransitionRefused(_("%(name)s has already answered.") % {"name": respondent})
    response = EvaluationResponse(round=rnd, respondent=respondent, score=score, comment=comment, grid=grid)
    response.full_clean()
    response.save()
    # The score stays out of the audit log: results are hidden until the round closes.
    changes = {"responses": [None, rnd.responses.count()]}
    if grid is not None:
        changes["grid"] = [None, grid.code]
    audit.record(actor=actor, action="governance.evaluation.respond", target=rnd, changes=changes)
    return response


@transaction.atomic
def close_evaluation(*, actor, round) -> EvaluationRound:
    """Close a round: satisfied and enough answers closes the matter; otherwise it goes back to
    implementation with a rectification task (整改)."""
    rnd = EvaluationRound.objects.select_for_update().select_related("area").get(pk=round.pk)
    require_in_scope(actor, _perm(EvaluationRound, "change"), rnd.area.code)
    _require_seat(actor, rnd.area, Capacity.TWO_COMMITTEES)
    if not rnd.is_open:
        raise TransitionRefused(_("The evaluation round is already closed."))
    matter = Matter.objects.select_for_update().select_related("area", "category").get(pk=rnd.matter_id)
    stats = rnd.responses.aggregate(n=Count("id"), mean=Avg("score"))
    before = _snapshot(rnd)
    rnd.closed_at, rnd.responses_count = timezone.now(), stats["n"]
    rnd.satisfaction = Decimal(str(round_half(stats["mean"]))) if stats["mean"] is not None else None
    rnd.accepted = bool(stats["n"] >= rnd.min_responses and rnd.satisfaction is not None
                        and rnd.satisfaction >= rnd.threshold)
    rnd.save()
    _record(actor, "evaluation.close", rnd, before)
    if rnd.accepted:
        if matter.track == Track.FOUR_DELIBERATIONS and matter.steps.exclude(
                status__in=[StepStatus.PASSED, StepStatus.MERGED]).exists():
            raise TransitionRefused(_("A major matter closes only after all six steps of the four deliberations "
                                      "and two publications."))
        _set_stage(actor, matter, Stage.CLOSED, "close")
        return rnd
    reason = _("Satisfaction %(s)s from %(n)s answers is below what is needed; rectify.") % {
        "s": rnd.satisfaction if rnd.satisfaction is not None else "-", "n": stats["n"]}
    _set_stage(actor, matter, Stage.IMPLEMENTING, "reopen", reason)
    project = matter.project
    task = Task(project=project, title=_("Rectification after the public evaluation"), assignee=project.lead_body,
                due_on=timezone.localdate() + datetime.timedelta(days=RECTIFICATION_DAYS), is_rectification=True)
    task.full_clean()
    task.save()
    audit.record(actor=actor, action="governance.task.add", target=task, area=matter.area, reason=reason,
                 changes=audit.diff({}, _snapshot(task)))
    if matter.track == Track.FOUR_DELIBERATIONS:
        # The result published before the rectification no longer describes the result.
        matter.steps.filter(kind=StepKind.RESULT_PUBLISHED).update(status=StepStatus.PENDING, completed_at=None)
    return rnd


def round_half(value) -> float:
    return round(float(value) + 1e-9, 2)


# --- supervision committee --------------------------------------------------------------------------------------
@transaction.atomic
def add_body_member(*, actor, area, capacity, name, term_start, role="member", user=None, term_end=None,
                    relative_of=None) -> BodyMember:
    """Seat someone on the two committees or the supervision committee.

    A member of the villagers'/residents' committee, or a close relative of one, cannot sit on the
    supervision committee (《村民委员会组织法》§32).
    """
    require_in_scope(actor, _perm(BodyMember, "add"), area.code)
    if capacity == Capacity.SUPERVISION_COMMITTEE:
        committee = BodyMember.objects.filter(area=area, capacity=Capacity.TWO_COMMITTEES).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=term_start))
        if committee.filter(Q(name=name) | Q(user=user) if user else Q(name=name)).exists():
            raise TransitionRefused(_("A member of the committee cannot sit on the supervision committee."))
        if relative_of is not None and committee.filter(pk=relative_of.pk).exists():
            raise TransitionRefused(_("A close relative of a committee member cannot sit on the supervision "
                                      "committee."))
    member = BodyMember(area=area, capacity=capacity, name=name, role=role, user=user, term_start=term_start,
                        term_end=term_end, relative_of=relative_of)
    return create_recorded(member, actor=actor, action="governance.member.add")


@transaction.atomic
def save_community_setting(*, actor, area, **values) -> CommunitySetting:
    require_in_scope(actor, _perm(CommunitySetting, "change"), area.code)
    setting = CommunitySetting.objects.select_for_update().filter(area=area).first() or CommunitySetting(area=area)
    before = _snapshot(setting) if setting.pk else {}
    for key, value in values.items():
        setattr(setting, key, value)
    setting.full_clean()
    setting.save()
    _record(actor, "setting.save", setting, before)
    return setting


SETTING_FIELDS = ["adults", "households", "representatives", "party_members", "committee_members",
                  "secretary_is_director"]


@transaction.atomic
def create_community_setting(*, actor, area, **values) -> CommunitySetting:
    """The roster sizes of a community that has none yet (the API's create; pages use the upsert)."""
    require_in_scope(actor, _perm(CommunitySetting, "add"), area.code)
    if area.level != AreaLevel.COMMUNITY:
        raise ValidationError({"area": _("Settings belong to a community or village.")})
    if CommunitySetting.objects.filter(area=area).exists():
        raise ValidationError({"area": _("This community already has its settings; change them instead.")})
    setting = CommunitySetting(area=area, **{k: v for k, v in values.items() if k in SETTING_FIELDS})
    return create_recorded(setting, actor=actor, action="governance.setting.create")


@transaction.atomic
def update_community_setting(*, actor, setting, **values) -> CommunitySetting:
    return update_recorded(setting, {k: v for k, v in values.items() if k in SETTING_FIELDS},
                           allowed=SETTING_FIELDS, actor=actor, action="governance.setting.save")


@transaction.atomic
def object_to_matter(*, actor, matter, text) -> Objection:
    matter = _load_matter(actor, matter)
    member = _require_seat(actor, matter.area, Capacity.SUPERVISION_COMMITTEE)
    if matter.stage in ENDED_STAGES:
        _refuse_stage(matter, _("Object"))
    if not (text or "").strip():
        raise ValidationError({"text": _("State the objection.")})
    objection = Objection(area=matter.area, matter=matter, member=member, text=text.strip(),
                          response_due=timezone.localdate() + datetime.timedelta(days=OBJECTION_RESPONSE_DAYS))
    objection.full_clean()
    objection.save()
    _record(actor, "objection.raise", objection)
    return objection


@transaction.atomic
def respond_to_objection(*, actor, objection, response) -> Objection:
    objection = Objection.objects.select_for_update().select_related("area").get(pk=objection.pk)
    require_in_scope(actor, _perm(Objection, "change"), objection.area.code)
    _require_seat(actor, objection.area, Capacity.TWO_COMMITTEES)
    if objection.responded_at:
        raise TransitionRefused(_("The objection has already been answered."))
    if not (response or "").strip():
        raise ValidationError({"response": _("Give the response.")})
    before = _snapshot(objection)
    objection.response, objection.responded_at = response.strip(), timezone.now()
    objection.save()
    _record(actor, "objection.respond", objection, before)
    return objection


@transaction.atomic
def reverse_points(*, actor, entry, reason) -> PointsEntry:
    """Points are corrected by a reversing entry, never by editing."""
    entry = PointsEntry.objects.select_for_update().get(pk=entry.pk)
    require_in_scope(actor, _perm(PointsEntry, "add"), entry.area.code)
    if entry.reverses_id or hasattr(entry, "reversed_by"):
        raise TransitionRefused(_("This entry is already reversed or is itself a reversal."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the points are reversed.")})
    rev = PointsEntry(area=entry.area, subject_kind=entry.subject_kind, subject=entry.subject, points=-entry.points,
                      event=entry.event, matter=entry.matter, dispute=entry.dispute, reverses=entry)
    rev.full_clean()
    rev.save()
    audit.record(actor=actor, action="governance.points.reverse", target=rev, reason=reason,
                 changes={"points": [None, rev.points], "reverses": [None, entry.pk]})
    return rev


# --- disputes ------------------------------------------------------------------------------------------------------
DISPUTE_FIELDS = ["parties", "dispute_type", "channel", "mediator", "received_on", "outcome", "resolved_on",
                  "agreement", "follow_up"]


def _check_dispute_dates(dispute: Dispute) -> None:
    if dispute.resolved_on and dispute.received_on and dispute.resolved_on < dispute.received_on:
        raise ValidationError({"resolved_on": _("A dispute is resolved on or after the day it was received.")})


@transaction.atomic
def register_dispute(*, actor, area, **values) -> Dispute:
    require_in_scope(actor, _perm(Dispute, "add"), area.code)
    if area.level != AreaLevel.COMMUNITY:
        raise ValidationError({"area": _("A dispute is registered to a community or village.")})
    dispute = Dispute(area=area, **{k: v for k, v in values.items() if k in DISPUTE_FIELDS})
    if dispute.outcome == DisputeOutcome.RESOLVED and dispute.resolved_on is None:
        dispute.resolved_on = timezone.localdate()
    _check_dispute_dates(dispute)
    return create_recorded(dispute, actor=actor, action="governance.dispute.register")


@transaction.atomic
def update_dispute(*, actor, dispute, **values) -> Dispute:
    def derive(dispute, before):
        resolving = dispute.outcome == DisputeOutcome.RESOLVED and before["outcome"] != DisputeOutcome.RESOLVED
        if dispute.outcome == DisputeOutcome.RESOLVED and (
                dispute.resolved_on is None or (resolving and dispute.reopened_on and values.get("resolved_on") is None)):
            # A reopened dispute resolved again counts from its new resolution.
            dispute.resolved_on = timezone.localdate()
        if (resolving and dispute.reopened_on and dispute.resolved_on
                and dispute.resolved_on < dispute.reopened_on):
            raise ValidationError({"resolved_on": _("A reopened dispute is resolved again on or after the day it was "
                                                    "reopened.")})
        _check_dispute_dates(dispute)

    return update_recorded(dispute, {k: v for k, v in values.items() if k in DISPUTE_FIELDS},
                           allowed=DISPUTE_FIELDS, actor=actor, action="governance.dispute.update", adjust=derive)


@transaction.atomic
def reopen_dispute(*, actor, dispute, reason) -> Dispute:
    dispute = Dispute.objects.select_for_update().select_related("area").get(pk=dispute.pk)
    require_in_scope(actor, _perm(Dispute, "change"), dispute.area.code)
    if dispute.outcome != DisputeOutcome.RESOLVED or dispute.reopened_on:
        raise TransitionRefused(_("Only a resolved dispute that was not reopened before can be reopened."))
    before = _snapshot(dispute)
    dispute.reopened_on, dispute.outcome = timezone.localdate(), DisputeOutcome.PENDING
    dispute.save()
    _record(actor, "dispute.reopen", dispute, before, reason)
    return dispute


DISPUTE_POINTS_EVENT = "dispute_resolved"


def disputes_due_points(today):
    """Disputes whose latest resolution is at least EFFECTIVE_DAYS old, was not reopened within
    them, and whose mediator has not been awarded points for them yet."""
    from django.db.models import DateField, ExpressionWrapper, F

    from ..models import EFFECTIVE_DAYS

    limit = ExpressionWrapper(F("resolved_on") + datetime.timedelta(days=EFFECTIVE_DAYS), output_field=DateField())
    awarded = PointsEntry.objects.filter(event=DISPUTE_POINTS_EVENT, dispute__isnull=False,
                                         reverses__isnull=True).values("dispute_id")
    return (Dispute.objects.filter(outcome=DisputeOutcome.RESOLVED,
                                   resolved_on__lte=today - datetime.timedelta(days=EFFECTIVE_DAYS))
            .filter(Q(reopened_on__isnull=True) | Q(reopened_on__lte=F("resolved_on")) | Q(reopened_on__gt=limit))
            .exclude(pk__in=awarded))


def award_dispute_points(*, actor=None, now=None, limit=None) -> int:
    """推进积分化 for mediation: a dispute effectively resolved (resolved, not reopened within 90
    days) earns its mediator points once, in the dispute's community. Safe to run again: an awarded
    dispute is skipped (and the database refuses a second award). ``actor`` None is the scheduler;
    a user awards only for disputes they may change, with the points permission. Returns the
    number of entries written; ``limit`` caps one run (a first run works through the backlog)."""
    from ..models import EFFECTIVE_DAYS

    today = timezone.localdate(now) if now is not None else timezone.localdate()
    due = disputes_due_points(today)
    if actor is not None:
        require_perm(actor, _perm(PointsEntry, "add"))
        due = due.restrict(actor, "change")
    pks = list(due.order_by("resolved_on", "pk").values_list("pk", flat=True)[:limit])
    scope = scope_for(actor) if actor is not None else None
    awarded = 0
    for pk in pks:
        with transaction.atomic():
            dispute = Dispute.objects.select_for_update().select_related("area").get(pk=pk)
            if scope is not None and not scope.covers(_perm(PointsEntry, "add"), dispute.area.code):
                continue
            # Checked again under the lock: a concurrent run or an edit may have got here first.
            if (not dispute.effectively_resolved
                    or dispute.resolved_on > today - datetime.timedelta(days=EFFECTIVE_DAYS)
                    or dispute.points.filter(event=DISPUTE_POINTS_EVENT, reverses__isnull=True).exists()):
                continue
            try:
                _award(area=dispute.area, subject_kind=PointsSubject.PERSON, subject=dispute.mediator,
                       event=DISPUTE_POINTS_EVENT, matter=dispute.matter, dispute=dispute, actor=actor)
            except ValidationError as exc:
                # One malformed row (e.g. a register imported without a mediator) must not stop the run.
                logger.warning("No points for dispute %s: %s", dispute.pk, "; ".join(exc.messages))
                continue
            awarded += 1
    return awarded


def import_disputes(*, actor, area_rows: list[tuple], batch_size=2000) -> int:
    """Bulk path for a register transferred from paper ledgers: rows of (area, values dict).

    Validates each row, writes rows and their audit events in bulk.
    """
    with transaction.atomic():
        disputes = []
        for area, values in area_rows:
            if actor is not None:
                require_in_scope(actor, _perm(Dispute, "add"), area.code)
            d = Dispute(area=area, **values)
            d.full_clean(exclude=["matter"])
            disputes.append(d)
        Dispute.objects.bulk_create(disputes, batch_size=batch_size)
        audit.record_many([audit.build(actor=actor, action="governance.dispute.import", target=d,
                                       changes={"outcome": [None, d.outcome]}) for d in disputes])
    return len(disputes)


# --- reference data (admin) ------------------------------------------------------------------------------
@transaction.atomic
def save_reference(*, actor, instance):
    """Save a category or a quorum rule (city-wide reference data) with its audit event."""
    model = type(instance)
    require_perm(actor, _perm(model, "change" if instance.pk else "add"))
    before = _snapshot(model.objects.get(pk=instance.pk)) if instance.pk else {}
    instance.full_clean()
    instance.save()
    audit.record(actor=actor, action=f"governance.{model._meta.model_name}.save", target=instance,
                 changes=audit.diff(before, _snapshot(instance)))
    return instance


CATEGORY_FIELDS = ["name", "response_days", "is_major", "major_amount", "publication_days"]
QUORUM_FIELDS = ["body_kind", "province", "notice_days", "attendance_basis", "attendance_num", "attendance_den",
                 "attendance_strict", "household_num", "household_den", "household_strict", "pass_basis", "pass_num",
                 "pass_den", "pass_strict", "source"]


def _reference(actor, instance, fields, values):
    """Create (``instance`` unsaved) or change reference data: only the named fields, then save_reference."""
    for key, value in values.items():
        if key in fields:
            setattr(instance, key, value)
    return save_reference(actor=actor, instance=instance)


@transaction.atomic
def save_category(*, actor, category=None, **values):
    from ..models import Category

    require_perm(actor, _perm(Category, "change" if category is not None else "add"))
    if category is not None:
        category = Category.objects.get(pk=category.pk)
    return _reference(actor, category or Category(), CATEGORY_FIELDS, values)


@transaction.atomic
def save_quorum_rule(*, actor, rule=None, **values):
    """A quorum rule per body and province (empty province: the national default)."""
    require_perm(actor, _perm(QuorumRule, "change" if rule is not None else "add"))
    if rule is not None:
        rule = QuorumRule.objects.get(pk=rule.pk)
    rule = rule or QuorumRule()
    for key in ("household_num", "household_den"):
        values.setdefault(key, getattr(rule, key))
    if (values["household_num"] is None) != (values["household_den"] is None):
        raise ValidationError({"household_den": _("Give both the household numerator and denominator, or neither.")})
    return _reference(actor, rule, QUORUM_FIELDS, values)


# --- cadre reviews (述职评议) ----------------------------------------------------------------------------
@transaction.atomic
def submit_cadre_report(*, actor, member, year, report):
    """A committee member's yearly report (述职)."""
    from ..models import CadreReview

    require_in_scope(actor, _perm(CadreReview, "add"), member.area.code)
    if member.capacity != Capacity.TWO_COMMITTEES:
        raise ValidationError({"member": _("Reviews are of members of the two committees.")})
    review = CadreReview(area=member.area, member=member, year=year, report=report)
    review.full_clean()
    review.save()
    _record(actor, "review.report", review)
    return review


@transaction.atomic
def record_cadre_ratings(*, actor, review, rater_group, competent=0, basically=0, incompetent=0):
    """The ratings of one rater group (评议), counted on the spot."""
    from ..models import CadreRatingCount, CadreReview

    review = CadreReview.objects.select_for_update().get(pk=review.pk)
    require_in_scope(actor, _perm(CadreReview, "change"), review.area.code)
    if review.concluded_at:
        raise TransitionRefused(_("The review is concluded; its ratings can no longer change."))
    if review.ratings.filter(rater_group=rater_group).exists():
        raise TransitionRefused(_("%(group)s has already rated.") % {"group": rater_group})
    rating = CadreRatingCount(review=review, rater_group=rater_group, competent=competent, basically=basically,
                              incompetent=incompetent)
    rating.full_clean()
    rating.save()
    audit.record(actor=actor, action="governance.review.rate", target=review,
                 changes={rater_group: [None, [competent, basically, incompetent]]})
    return rating


@transaction.atomic
def conclude_cadre_review(*, actor, review):
    """不称职 when more than half of all ratings say so; 称职 when more than half say so; else 基本称职."""
    from ..choices import CadreRating
    from ..models import CadreReview

    review = CadreReview.objects.select_for_update().get(pk=review.pk)
    require_in_scope(actor, _perm(CadreReview, "change"), review.area.code)
    if review.concluded_at:
        raise TransitionRefused(_("The review is already concluded."))
    counts = [(r.competent, r.basically, r.incompetent) for r in review.ratings.all()]
    if not counts:
        raise TransitionRefused(_("No rater group has rated yet."))
    competent, basically, incompetent = (sum(c[i] for c in counts) for i in range(3))
    total = competent + basically + incompetent
    before = _snapshot(review)
    review.verdict = (CadreRating.INCOMPETENT if incompetent * 2 > total else
                      CadreRating.COMPETENT if competent * 2 > total else CadreRating.BASICALLY)
    review.concluded_at = timezone.now()
    review.save()
    _record(actor, "review.conclude", review, before)
    return review


@transaction.atomic
def add_attachment(*, actor, matter, title, file):
    from ..models import Attachment

    matter = _load_matter(actor, matter)
    if matter.stage in ENDED_STAGES:
        raise TransitionRefused(_("A closed matter is part of the archive and cannot be edited."))
    attachment = Attachment(matter=matter, title=title, file=file)
    attachment.full_clean()
    attachment.save()
    audit.record(actor=actor, action="governance.matter.attach", target=matter,
                 changes={"attachment": [None, title]})
    return attachment


def record_file_download(*, actor, record, field: str):
    """An attachment or a posting's photo may show residents: every download is audited.

    ``record`` was looked up within the actor's scope by the download view (outside it: 404)."""
    area = record.matter.area if hasattr(record, "matter") else getattr(record, "area", None)
    audit.record(actor=actor, action="governance.file.download", target=record, area=area,
                 changes={field: getattr(record, field).name})


@transaction.atomic
def resolve_dispute(*, actor, dispute, resolved_on=None, agreement="", follow_up="") -> Dispute:
    """Record a dispute's resolution (调解成功): the day (today when not given, never before it was
    received nor, for a reopened dispute, before it was reopened), the agreement and the follow-up."""
    current = Dispute.objects.select_related("area").get(pk=dispute.pk)
    require_in_scope(actor, _perm(Dispute, "change"), current.area.code)
    if current.outcome == DisputeOutcome.RESOLVED:
        raise TransitionRefused(_("This dispute is already resolved; reopen it first."))
    return update_dispute(actor=actor, dispute=current, outcome=DisputeOutcome.RESOLVED,
                          resolved_on=resolved_on or timezone.localdate(), agreement=agreement or current.agreement,
                          follow_up=follow_up or current.follow_up)
