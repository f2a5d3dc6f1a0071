"""Meetings (居民议事): quorum rules, rosters, notices, attendance and minutes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import TransitionRefused
from core.recorded import create_recorded, update_recorded
from core.services import require_in_scope

from ..choices import (
    DELIBERATION_STEPS,
    AttendanceMethod,
    BodyKind,
    Capacity,
    PointsSubject,
    Stage,
    StepStatus,
    Track,
)
from ..models import (
    BodyMember,
    CommunitySetting,
    Meeting,
    Minutes,
    Participant,
    QuorumRule,
)
from ._base import (
    CONSULTATION_BODIES,
    STEP_BODIES,
    _change,
    _load_matter,
    _perm,
    _previous_done,
    _refuse_order,
    _require_stage,
    _set_stage,
    _step,
)
from .points import _award


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
    meeting = create_recorded(meeting, actor=actor, action="governance.meeting.notice")
    if meeting.eligible_reason:
        # The override is its own event (who changed the roster's count, from what, why).
        audit.record(actor=actor, action="governance.meeting.eligible_override", target=meeting,
                     reason=meeting.eligible_reason, changes={"eligible": [on_roster, members]})
    if step is not None and step.status == StepStatus.FAILED:
        # A step whose vote failed is open again for the new meeting.
        _change(actor, step, "step.reopen", status=StepStatus.PENDING)
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


def _unlocked(minutes):
    if minutes.locked_at:
        raise TransitionRefused(_("The minutes are signed and locked."))


@transaction.atomic
def save_minutes(*, actor, meeting, speakers=(), consensus="", dissent="") -> Minutes:
    meeting = _load_meeting(actor, meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    if minutes.locked_at:
        raise TransitionRefused(_("The minutes are signed and locked."))
    cleaned = []
    for s in speakers or []:
        if not isinstance(s, dict) or not str(s.get("name", "")).strip() or not str(s.get("opinion", "")).strip():
            raise ValidationError({"speakers": _("Each speaker needs a name and an opinion.")})
        cleaned.append({"name": str(s["name"]).strip(), "category": str(s.get("category", "")),
                        "opinion": str(s["opinion"]).strip()})
    values = {"speakers": cleaned, "consensus": consensus, "dissent": dissent}
    if minutes.pk is None:
        return create_recorded(minutes, values, actor=actor, action="governance.minutes.save")
    return update_recorded(minutes, values, allowed=tuple(values), actor=actor, action="governance.minutes.save",
                           check=_unlocked)


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
    return _change(actor, minutes, "minutes.sign", signed_by=signed_by.strip(), locked_at=timezone.now())
