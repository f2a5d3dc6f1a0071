"""Every write of the volunteers app.

Each function takes keyword-only arguments with an ``actor`` (None for the system: demo loader,
imports run by an administrator from the shell), runs in one transaction, validates, checks the
actor's scope, and writes one audit event per change. Bulk paths (imports) live in
``volunteers.imports`` and write their audit rows in bulk.
"""

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.exceptions import NoPermission, TransitionRefused
from core.models import Area
from core.personal import age_on, birth_date, index_lookup, sex, str_plain, validate_id_number
from core.querysets import require_visible
from core.recorded import changed, create_recorded, delete_recorded, update_recorded
from core.services import require_in_scope

from . import rules
from .choices import (
    CertificateStatus,
    CorrectionStatus,
    MemberRole,
    MembershipStatus,
    RecordSource,
    RecordStatus,
    SignUpStatus,
    VolunteerStatus,
)
from .models import (
    GENESIS,
    Activity,
    Certificate,
    CorrectionRequest,
    ImportJob,
    ServiceHourRecord,
    Shift,
    SignUp,
    SocialWorker,
    StarLevel,
    Team,
    TeamMembership,
    TrainingAttendance,
    TrainingSession,
    Volunteer,
)

# 注册办法 Art. 7: 18+, or 14–18 with a guardian's consent; under 14 cannot register alone.
MIN_AGE = 14
ADULT_AGE = 18
MAX_HOURS_PER_DAY = rules.MAX_HOURS_PER_DAY


def _perm(model, action: str) -> str:
    return f"volunteers.{action}_{model._meta.model_name}"


def _errors(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


# --- registry rules shared with the import --------------------------------------------------------
def age_rule_error(id_number: str, *, on: datetime.date, guardian_consent: bool) -> str | None:
    """The reason a person of this ID number cannot register on ``on``, or None."""
    age = age_on(id_number, on)
    if age < MIN_AGE:
        return _("under 14: cannot register as a volunteer on their own")
    if age < ADULT_AGE and not guardian_consent:
        return _("aged 14–18: a guardian's consent must be recorded")
    return None


def star_for(hours: Decimal, thresholds: list[tuple[int, Decimal]] | None = None) -> int:
    thresholds = thresholds if thresholds is not None else list(StarLevel.objects.values_list("level", "min_hours"))
    return max((level for level, minimum in thresholds if hours >= minimum), default=0)


# --- volunteers -----------------------------------------------------------------------------------
VOLUNTEER_FIELDS = ["name", "phone", "area", "registered_on", "skills", "service_fields", "status",
                    "guardian_name", "guardian_consent_on", "user"]


VOLUNTEER_DERIVED = ["birth_date", "sex", "id_number_index", "phone_index"]


def _check_volunteer(volunteer: Volunteer, before=None) -> None:
    try:
        number = validate_id_number(str_plain(volunteer.id_number))
    except ValidationError as exc:
        raise _errors("id_number", exc.messages[0])
    volunteer.birth_date, volunteer.sex = birth_date(number), sex(number)
    if volunteer.area_id and volunteer.area.level not in ("community", "grid"):
        raise _errors("area", _("The home area must be a community or village."))
    registered = volunteer.registered_on or timezone.localdate()
    reason = age_rule_error(number, on=registered, guardian_consent=bool(volunteer.guardian_consent_on))
    if reason:
        raise _errors("id_number" if age_on(number, registered) < MIN_AGE else "guardian_consent_on", reason)
    if volunteer.guardian_consent_on and not volunteer.guardian_name:
        raise _errors("guardian_name", _("Name the guardian who consented."))
    clash = Volunteer.objects.filter(**index_lookup(Volunteer, "id_number", number)).exclude(pk=volunteer.pk)
    if clash.exists():
        raise _errors("id_number", _("This person is already registered as a volunteer."))


@transaction.atomic
def register_volunteer(*, actor, name: str, id_number: str, area, registered_on: datetime.date | None = None,
                       phone: str = "", skills: str = "", service_fields: str = "", guardian_name: str = "",
                       guardian_consent_on: datetime.date | None = None, user=None) -> Volunteer:
    volunteer = Volunteer(name=name.strip(), id_number=id_number, phone=phone or None, area=area,
                          registered_on=registered_on or timezone.localdate(), skills=skills,
                          service_fields=service_fields, guardian_name=guardian_name,
                          guardian_consent_on=guardian_consent_on, user=user)
    try:  # create_recorded is atomic: a clash rolls back to here
        return create_recorded(volunteer, actor=actor, action="volunteers.volunteer.register",
                               adjust=_check_volunteer, exclude=VOLUNTEER_DERIVED)
    except IntegrityError:  # a concurrent registration of the same person
        raise _errors("id_number", _("This person is already registered as a volunteer."))


@transaction.atomic
def update_volunteer(*, actor, volunteer: Volunteer, **fields) -> Volunteer:
    """Change the registration's fields (``VOLUNTEER_FIELDS``); moving it out of one's areas is refused."""
    if "phone" in fields:
        fields["phone"] = fields["phone"] or None
    return update_recorded(volunteer, fields, allowed=VOLUNTEER_FIELDS, actor=actor,
                           action="volunteers.volunteer.update", adjust=_check_volunteer, exclude=VOLUNTEER_DERIVED)


def cancel_volunteer(*, actor, volunteer: Volunteer, reason: str = "") -> Volunteer:
    """Cancellation at the volunteer's request (注册办法 Art. 10): the record and its hours stay."""
    return update_volunteer(actor=actor, volunteer=volunteer, status=VolunteerStatus.CANCELLED)


# --- teams ------------------------------------------------------------------------------------------
TEAM_FIELDS = ["name", "area", "organisation_name", "organisation_uscc", "join_mode", "description"]


@transaction.atomic
def create_team(*, actor, name: str, area, **fields) -> Team:
    team = Team(name=name.strip(), area=area, **{k: v for k, v in fields.items() if k in TEAM_FIELDS})
    return create_recorded(team, actor=actor, action="volunteers.team.create")


@transaction.atomic
def update_team(*, actor, team: Team, **fields) -> Team:
    return update_recorded(team, {k: v for k, v in fields.items() if k in TEAM_FIELDS}, allowed=TEAM_FIELDS,
                           actor=actor, action="volunteers.team.update")


@transaction.atomic
def delete_team(*, actor, team: Team) -> None:
    require_in_scope(actor, _perm(Team, "delete"), team.area.code)  # out of scope: 404 before any fact is told
    if team.hour_records.exists() or team.activities.exists():
        raise ValidationError(_("This team has activities or service records; it cannot be removed."))
    delete_recorded(team, actor=actor, action="volunteers.team.delete", reason="")


def team_roles(user, team: Team) -> set[str]:
    if user is None:
        return {MemberRole.MANAGER, MemberRole.RECORDER}
    return set(TeamMembership.objects.filter(team=team, user=user, status=MembershipStatus.APPROVED)
               .values_list("role", flat=True))


def _require_team_role(actor, team: Team, roles: set[str], message: str) -> None:
    if actor is not None and not (team_roles(actor, team) & roles):
        raise NoPermission(message)


@transaction.atomic
def add_team_staff(*, actor, team: Team, user, role: str = MemberRole.MANAGER) -> TeamMembership:
    """Make a staff user a manager or recorder of a team (谁组织谁记录: only they record hours)."""
    require_in_scope(actor, _perm(TeamMembership, "add"), team.area.code)
    if role not in (MemberRole.MANAGER, MemberRole.RECORDER):
        raise _errors("role", _("Staff members of a team are managers or recorders."))
    if hasattr(user, "volunteer") and user.volunteer is not None and user.volunteer.memberships.filter(team=team).exists():
        raise _errors("user", _("A member volunteer of the team cannot also record its hours."))
    membership, _created = TeamMembership.objects.update_or_create(
        team=team, user=user, defaults={"role": role, "status": MembershipStatus.APPROVED})
    audit.record(actor=actor, action="volunteers.membership.staff", target=membership, area=team.area,
                 changes={"user": [None, user.get_username()], "role": [None, role]})
    return membership


@transaction.atomic
def join_team(*, actor, team: Team, volunteer: Volunteer, invited: bool = False) -> TeamMembership:
    """A volunteer joins: at once for an open team, pending for approval, refused without an invitation."""
    if actor is not None and volunteer.user_id != actor.pk:
        require_visible(actor, team, volunteer)
        require_in_scope(actor, _perm(TeamMembership, "add"), team.area.code)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise TransitionRefused(_("Only active volunteers can join a team."))
    if team.join_mode == "invitation" and not invited:
        raise TransitionRefused(_("This team takes members by invitation only."))
    status = MembershipStatus.APPROVED if team.join_mode == "open" or invited else MembershipStatus.PENDING
    membership, created = TeamMembership.objects.get_or_create(team=team, volunteer=volunteer,
                                                               defaults={"status": status})
    if created:
        audit.record(actor=actor, action="volunteers.membership.join", target=membership, area=team.area,
                     changes={"volunteer": [None, volunteer.pk], "status": [None, status]})
    return membership


@transaction.atomic
def decide_membership(*, actor, membership: TeamMembership, approve: bool) -> TeamMembership:
    def pending_and_mine(membership):
        _require_team_role(actor, membership.team, {MemberRole.MANAGER}, _("Only the team's manager decides."))
        if membership.status != MembershipStatus.PENDING:
            raise TransitionRefused(_("This request has already been decided."))

    status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
    return update_recorded(membership, {"status": status}, allowed=("status",), actor=actor,
                           action="volunteers.membership.decide", check=pending_and_mine)


# --- activities, shifts, sign-ups -------------------------------------------------------------------
@transaction.atomic
def create_activity(*, actor, team: Team, title: str, area=None, service_field: str = "",
                    description: str = "") -> Activity:
    require_visible(actor, team)  # another area's team does not exist for the actor
    activity = Activity(team=team, area=area or team.area, title=title.strip(), service_field=service_field,
                        description=description)
    return create_recorded(activity, actor=actor, action="volunteers.activity.create")


@transaction.atomic
def update_activity(*, actor, activity: Activity, **fields) -> Activity:
    editable = ("title", "service_field", "description")
    return update_recorded(activity, {k: v for k, v in fields.items() if k in editable}, allowed=editable,
                           actor=actor, action="volunteers.activity.update")


def _new_checkin_code() -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(6))


@transaction.atomic
def create_shift(*, actor, activity: Activity, place: str, starts_at, ends_at, quota: int) -> Shift:
    require_visible(actor, activity)
    # The check-in code is not editable, so it never enters the audit log's snapshot.
    shift = Shift(activity=activity, place=place, starts_at=starts_at, ends_at=ends_at, quota=quota,
                  checkin_code=_new_checkin_code())
    return create_recorded(shift, actor=actor, action="volunteers.shift.create")


def _taken(shift: Shift) -> int:
    return shift.signups.filter(status__in=[SignUpStatus.SIGNED_UP, SignUpStatus.CHECKED_IN,
                                            SignUpStatus.CHECKED_OUT]).count()


@transaction.atomic
def sign_up(*, actor, shift: Shift, volunteer: Volunteer) -> SignUp:
    """A place on the shift while the quota lasts, the waitlist after that."""
    shift = Shift.objects.select_for_update().select_related("activity__area").get(pk=shift.pk)
    if actor is not None and volunteer.user_id != actor.pk:
        require_visible(actor, shift, volunteer)
        require_in_scope(actor, _perm(SignUp, "add"), shift.activity.area.code)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise TransitionRefused(_("Only active volunteers can sign up."))
    if shift.starts_at <= timezone.now():
        raise TransitionRefused(_("This shift has already started."))
    existing = SignUp.objects.filter(shift=shift, volunteer=volunteer).first()
    if existing and existing.status != SignUpStatus.CANCELLED:
        return existing
    status = SignUpStatus.SIGNED_UP if _taken(shift) < shift.quota else SignUpStatus.WAITLISTED
    signup = existing or SignUp(shift=shift, volunteer=volunteer)
    signup.status = status
    signup.save()
    audit.record(actor=actor, action="volunteers.signup.create", target=signup, area=shift.activity.area,
                 changes={"volunteer": [None, volunteer.pk], "status": [None, status]})
    return signup


@transaction.atomic
def cancel_sign_up(*, actor, signup: SignUp) -> SignUp:
    """Cancel; the first on the waitlist takes the freed place."""
    signup = SignUp.objects.select_for_update().select_related("shift__activity__area", "volunteer").get(pk=signup.pk)
    if actor is not None and signup.volunteer.user_id != actor.pk:
        require_in_scope(actor, _perm(SignUp, "change"), signup.shift.activity.area.code)
    if signup.status not in (SignUpStatus.SIGNED_UP, SignUpStatus.WAITLISTED):
        raise TransitionRefused(_("Only a sign-up that has not started can be cancelled."))
    freed = signup.status == SignUpStatus.SIGNED_UP
    signup.status = SignUpStatus.CANCELLED
    signup.save(update_fields=["status"])
    audit.record(actor=actor, action="volunteers.signup.cancel", target=signup, area=signup.shift.activity.area,
                 changes={"status": [None, SignUpStatus.CANCELLED]})
    if freed:
        nxt = signup.shift.signups.filter(status=SignUpStatus.WAITLISTED).order_by("created_at", "id").first()
        if nxt:
            nxt.status = SignUpStatus.SIGNED_UP
            nxt.save(update_fields=["status"])
            audit.record(actor=None, action="volunteers.signup.promote", target=nxt, area=signup.shift.activity.area,
                         changes={"status": [SignUpStatus.WAITLISTED, SignUpStatus.SIGNED_UP]})
    return signup


def _require_shift_staff(actor, shift: Shift) -> None:
    _require_team_role(actor, shift.activity.team, {MemberRole.MANAGER, MemberRole.RECORDER},
                       _("Only the organising team's manager or recorder can do this."))


@transaction.atomic
def check_in(*, actor, signup: SignUp, code: str | None = None) -> SignUp:
    """Check in by the team's staff, or by the volunteer entering the shift's code."""
    signup = SignUp.objects.select_for_update().select_related("shift__activity__team", "volunteer").get(pk=signup.pk)
    shift = signup.shift
    own = actor is not None and signup.volunteer.user_id == actor.pk
    if own:
        if (code or "").strip().upper() != shift.checkin_code:
            raise _errors("code", _("Wrong check-in code."))
    else:
        _require_shift_staff(actor, shift)
    now = timezone.now()
    if not (shift.starts_at - datetime.timedelta(hours=1) <= now <= shift.ends_at):
        raise TransitionRefused(_("Check-in is open from an hour before the shift until it ends."))
    if signup.status != SignUpStatus.SIGNED_UP:
        raise TransitionRefused(_("Only a confirmed sign-up can check in."))
    signup.status, signup.checked_in_at = SignUpStatus.CHECKED_IN, now
    signup.save(update_fields=["status", "checked_in_at"])
    audit.record(actor=actor, action="volunteers.signup.check_in", target=signup, area=shift.activity.area,
                 changes={"status": [SignUpStatus.SIGNED_UP, SignUpStatus.CHECKED_IN],
                          "by_code": [None, own]})
    return signup


@transaction.atomic
def check_out(*, actor, signup: SignUp, code: str | None = None) -> SignUp:
    signup = SignUp.objects.select_for_update().select_related("shift__activity__team", "volunteer").get(pk=signup.pk)
    shift = signup.shift
    if actor is not None and signup.volunteer.user_id == actor.pk:
        if (code or "").strip().upper() != shift.checkin_code:
            raise _errors("code", _("Wrong check-in code."))
    else:
        _require_shift_staff(actor, shift)
    if signup.status != SignUpStatus.CHECKED_IN:
        raise TransitionRefused(_("Only a checked-in volunteer can check out."))
    signup.status, signup.checked_out_at = SignUpStatus.CHECKED_OUT, min(timezone.now(), shift.ends_at)
    signup.save(update_fields=["status", "checked_out_at"])
    audit.record(actor=actor, action="volunteers.signup.check_out", target=signup, area=shift.activity.area,
                 changes={"status": [SignUpStatus.CHECKED_IN, SignUpStatus.CHECKED_OUT]})
    return signup


@transaction.atomic
def mark_no_show(*, actor, signup: SignUp) -> SignUp:
    signup = SignUp.objects.select_for_update().select_related("shift__activity__team").get(pk=signup.pk)
    _require_shift_staff(actor, signup.shift)
    if signup.shift.starts_at > timezone.now():
        raise TransitionRefused(_("A no-show can only be marked once the shift has started."))
    if signup.status != SignUpStatus.SIGNED_UP:
        raise TransitionRefused(_("Only a confirmed sign-up that never checked in is a no-show."))
    signup.status = SignUpStatus.NO_SHOW
    signup.save(update_fields=["status"])
    audit.record(actor=actor, action="volunteers.signup.no_show", target=signup, area=signup.shift.activity.area,
                 changes={"status": [SignUpStatus.SIGNED_UP, SignUpStatus.NO_SHOW]})
    return signup


# --- the hours ledger -----------------------------------------------------------------------------------
def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _errors("hours", _("Hours must be a number."))
    if hours <= 0:
        raise _errors("hours", _("Hours must be more than zero."))
    if hours > MAX_HOURS_PER_DAY:
        raise _errors("hours", _("No one serves more than 24 hours in a day."))
    return hours


@transaction.atomic
def record_hours(*, actor, volunteer: Volunteer, team: Team, hours, service_date: datetime.date | None = None,
                 shift: Shift | None = None, activity: Activity | None = None, description: str = "",
                 source: str = RecordSource.MANUAL) -> ServiceHourRecord:
    """Record service hours for a volunteer. Only the organising team records (谁组织谁记录), never
    the volunteer; only actual service counts (travel excluded): at most the shift's length."""
    if actor is not None and volunteer.user_id == actor.pk:
        raise NoPermission(_("Volunteers cannot record their own hours; the organising team records them."))
    # Every object handed in lies within the actor's areas, before any rule speaks of it.
    require_visible(actor, team, volunteer, shift, activity)
    _require_team_role(actor, team, {MemberRole.MANAGER, MemberRole.RECORDER},
                       _("Only the organising team's manager or recorder can record hours."))
    require_in_scope(actor, _perm(ServiceHourRecord, "add"), team.area.code)
    hours = _hours(hours)
    today = timezone.localdate()
    if shift is not None:
        activity = shift.activity
        if activity.team_id != team.pk:
            raise _errors("shift", _("This shift belongs to another team's activity."))
        if shift.ends_at > timezone.now():
            raise _errors("shift", _("This shift has not happened yet; hours are recorded after it ends."))
        if hours > shift.duration_hours:
            raise _errors("hours", _("At most %(h)s hours: the shift's length (travel time does not count).")
                          % {"h": shift.duration_hours})
        signup = SignUp.objects.filter(shift=shift, volunteer=volunteer).first()
        if signup is None or signup.status in (SignUpStatus.CANCELLED, SignUpStatus.NO_SHOW, SignUpStatus.WAITLISTED):
            raise _errors("volunteer", _("This volunteer did not serve on this shift."))
        service_date = timezone.localtime(shift.starts_at).date()
        if ServiceHourRecord.objects.filter(shift=shift, volunteer=volunteer, reverses__isnull=True,
                                            status__in=[RecordStatus.SUBMITTED, RecordStatus.APPROVED]) \
                .exclude(reversal__isnull=False).exists():
            raise _errors("shift", _("Hours for this volunteer on this shift are already recorded."))
    elif activity is not None and activity.team_id != team.pk:
        raise _errors("activity", _("This activity belongs to another team."))
    if service_date is None:
        raise _errors("service_date", _("Give the date of service."))
    if service_date > today:
        raise _errors("service_date", _("Hours cannot be recorded for a day that has not come."))
    if rules.day_exceeded(rules.day_total(volunteer.pk, service_date), hours):
        raise _errors("hours", rules.day_exceeded_message())
    record = ServiceHourRecord(volunteer=volunteer, team=team, area=team.area, activity=activity, shift=shift,
                               service_date=service_date, hours=hours, description=description, source=source,
                               recorded_by=actor if actor is not None and actor.pk else None)
    return create_recorded(record, actor=actor, action="volunteers.hours.record")


def hours_from_signup(signup: SignUp) -> Decimal:
    """Checked-in to checked-out time, capped at the shift (what the volunteer actually served)."""
    shift = signup.shift
    start = max(signup.checked_in_at or shift.starts_at, shift.starts_at)
    end = min(signup.checked_out_at or shift.ends_at, shift.ends_at)
    return Decimal(max((end - start).total_seconds(), 0) / 3600).quantize(Decimal("0.01"))


def _append_to_chain(record: ServiceHourRecord, *, approver, now) -> None:
    """Approve ``record`` as the next link of its team's chain. The caller holds the team lock."""
    last = (ServiceHourRecord.objects.filter(team_id=record.team_id, chain_seq__isnull=False)
            .order_by("-chain_seq").values("chain_seq", "record_hash").first())
    record.chain_seq = (last["chain_seq"] + 1) if last else 1
    record.prev_hash = last["record_hash"] if last else GENESIS
    record.status, record.approved_by, record.approved_at = RecordStatus.APPROVED, approver, now
    record.record_hash = record.compute_hash(record.prev_hash)
    record.save()


def _add_to_totals(volunteer_id: int, delta: Decimal) -> None:
    Volunteer.objects.filter(pk=volunteer_id).update(approved_hours=F("approved_hours") + delta)
    total = Volunteer.objects.filter(pk=volunteer_id).values_list("approved_hours", flat=True).get()
    Volunteer.objects.filter(pk=volunteer_id).update(star_level=star_for(total))


@transaction.atomic
def approve_record(*, actor, record: ServiceHourRecord) -> ServiceHourRecord:
    """The team's manager approves: the record joins the team's hash chain and the totals."""
    Team.objects.select_for_update().get(pk=record.team_id)  # one chain append at a time per team

    def may_approve(record):
        _require_team_role(actor, record.team, {MemberRole.MANAGER}, _("Only the team's manager approves hours."))
        if actor is not None and record.volunteer.user_id == actor.pk:
            raise NoPermission(_("Volunteers cannot approve their own hours."))
        if record.status != RecordStatus.SUBMITTED:
            raise TransitionRefused(_("Only a record awaiting approval can be approved."))
        if actor is not None and record.recorded_by_id == actor.pk:
            raise TransitionRefused(_("You recorded these hours; another manager of the team must approve them."))

    def link(record, before):  # the next link of the team's chain (the team lock is held)
        last = (ServiceHourRecord.objects.filter(team_id=record.team_id, chain_seq__isnull=False)
                .order_by("-chain_seq").values("chain_seq", "record_hash").first())
        record.chain_seq = (last["chain_seq"] + 1) if last else 1
        record.prev_hash = last["record_hash"] if last else GENESIS
        record.record_hash = record.compute_hash(record.prev_hash)

    approver = actor if actor is not None and actor.pk else None
    record = update_recorded(record, {"status": RecordStatus.APPROVED, "approved_by": approver,
                                      "approved_at": timezone.now()},
                             allowed=("status", "approved_by", "approved_at"), actor=actor,
                             action="volunteers.hours.approve", check=may_approve, adjust=link)
    _add_to_totals(record.volunteer_id, record.hours)
    return record


@transaction.atomic
def approve_pending(*, actor, team: Team, record_ids=None) -> int:
    """Approve a team's records awaiting approval in bulk (after an import), in id order.

    The same chain rule as ``approve_record``; one audit event per record, written in bulk.
    """
    from . import ledger

    require_visible(actor, team)
    Team.objects.select_for_update().get(pk=team.pk)
    _require_team_role(actor, team, {MemberRole.MANAGER}, _("Only the team's manager approves hours."))
    require_in_scope(actor, _perm(ServiceHourRecord, "change"), team.area.code)
    pending = (ServiceHourRecord.objects.filter(team=team, status=RecordStatus.SUBMITTED).order_by("id")
               .select_related("volunteer"))
    if record_ids is not None:
        pending = pending.filter(pk__in=record_ids)
    if actor is not None:
        pending = pending.exclude(volunteer__user=actor)
    last = (ServiceHourRecord.objects.filter(team=team, chain_seq__isnull=False).order_by("-chain_seq")
            .values("chain_seq", "record_hash").first())
    seq, prev = (last["chain_seq"], last["record_hash"]) if last else (0, GENESIS)
    now, batch, events, volunteers, count = timezone.now(), [], [], set(), 0
    approver = actor if actor is not None and actor.pk else None
    for record in pending.iterator(chunk_size=2000):
        seq += 1
        record.chain_seq, record.prev_hash = seq, prev
        record.status, record.approved_by, record.approved_at = RecordStatus.APPROVED, approver, now
        record.record_hash = prev = record.compute_hash(record.prev_hash)
        batch.append(record)
        volunteers.add(record.volunteer_id)
        events.append(audit.build(actor=actor, action="volunteers.hours.approve", target=record, area=team.area,
                                  changes={"status": [RecordStatus.SUBMITTED, RecordStatus.APPROVED],
                                           "chain_seq": [None, seq]}))
        if len(batch) >= 2000:
            count += _flush_approved(batch, events)
    count += _flush_approved(batch, events)
    ledger.recompute_totals(volunteers)
    return count


def _flush_approved(batch, events) -> int:
    """One prepared UPDATE per record, executed as a batch (bulk_update's CASE chains are far slower)."""
    from django.db import connection

    n = len(batch)
    table = ServiceHourRecord._meta.db_table
    approved_at = ServiceHourRecord._meta.get_field("approved_at")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET chain_seq = %s, prev_hash = %s, status = %s, approved_by_id = %s, approved_at = %s, "
            f"record_hash = %s WHERE id = %s AND status = %s",
            [(r.chain_seq, r.prev_hash, r.status, r.approved_by_id,
              approved_at.get_db_prep_value(r.approved_at, connection), r.record_hash, r.pk, RecordStatus.SUBMITTED)
             for r in batch])
    audit.record_many(events)
    batch.clear()
    events.clear()
    return n


@transaction.atomic
def reject_record(*, actor, record: ServiceHourRecord, reason: str) -> ServiceHourRecord:
    def may_reject(record):
        _require_team_role(actor, record.team, {MemberRole.MANAGER}, _("Only the team's manager decides on hours."))
        if record.status != RecordStatus.SUBMITTED:
            raise TransitionRefused(_("Only a record awaiting approval can be rejected."))
        if not (reason or "").strip():
            raise _errors("reason", _("Say why the record is rejected."))

    return update_recorded(record, {"status": RecordStatus.REJECTED}, allowed=("status",), actor=actor,
                           action="volunteers.hours.reject", reason=reason, check=may_reject)


@transaction.atomic
def update_record(*, actor, record: ServiceHourRecord, hours=None, description: str | None = None,
                  service_date=None) -> ServiceHourRecord:
    """Fix a record still awaiting approval. An approved record is final."""
    def editable(record):
        if record.status == RecordStatus.APPROVED:
            raise TransitionRefused(_("An approved record cannot be edited; reverse it and enter it again."))
        _require_team_role(actor, record.team, {MemberRole.MANAGER, MemberRole.RECORDER},
                           _("Only the organising team's manager or recorder can change hours."))

    def resubmit(record, before):
        if record.shift_id and record.hours > record.shift.duration_hours:
            raise _errors("hours", _("At most %(h)s hours: the shift's length (travel time does not count).")
                          % {"h": record.shift.duration_hours})
        if changed(record, before) & {"hours", "description", "service_date"}:
            record.status = RecordStatus.SUBMITTED  # a changed record waits for approval again

    values = {}
    if hours is not None:
        values["hours"] = _hours(hours)
    if description is not None:
        values["description"] = description
    if service_date is not None:
        if service_date > timezone.localdate():
            raise _errors("service_date", _("Hours cannot be recorded for a day that has not come."))
        values["service_date"] = service_date
    return update_recorded(record, values, allowed=("hours", "description", "service_date"), actor=actor,
                           action="volunteers.hours.update", check=editable, adjust=resubmit)


@transaction.atomic
def reverse_record(*, actor, record: ServiceHourRecord, reason: str) -> ServiceHourRecord:
    """Cancel an approved record by an approved negative record in the same chain."""
    Team.objects.select_for_update().get(pk=record.team_id)
    record = ServiceHourRecord.objects.select_related("team", "volunteer").get(pk=record.pk)
    _require_team_role(actor, record.team, {MemberRole.MANAGER}, _("Only the team's manager reverses hours."))
    if record.status != RecordStatus.APPROVED or record.source == RecordSource.REVERSAL:
        raise TransitionRefused(_("Only an approved record can be reversed."))
    if ServiceHourRecord.objects.filter(reverses=record).exists():
        raise TransitionRefused(_("This record has already been reversed."))
    if not reason.strip():
        raise _errors("reason", _("Say why the record is reversed."))
    reversal = ServiceHourRecord(volunteer=record.volunteer, team=record.team, area=record.area,
                                 activity=record.activity, shift=record.shift, service_date=record.service_date,
                                 hours=-record.hours, description=reason[:300], source=RecordSource.REVERSAL,
                                 recorded_by=actor, reverses=record)
    reversal.save()
    _append_to_chain(reversal, approver=actor, now=timezone.now())
    _add_to_totals(record.volunteer_id, -record.hours)
    audit.record(actor=actor, action="volunteers.hours.reverse", target=reversal, reason=reason,
                 changes={"reverses": [None, record.pk], "hours": [None, str(reversal.hours)]})
    return reversal


@transaction.atomic
def request_correction(*, actor, record: ServiceHourRecord, requested_hours, reason: str) -> CorrectionRequest:
    """The volunteer asks the team to correct a record; the team must answer."""
    record = ServiceHourRecord.objects.select_related("volunteer").get(pk=record.pk)
    if actor is not None and record.volunteer.user_id != actor.pk:
        require_visible(actor, record)
        require_in_scope(actor, _perm(CorrectionRequest, "add"), record.area.code)
    if record.source == RecordSource.REVERSAL:
        raise TransitionRefused(_("A reversal cannot be corrected."))
    if not reason.strip():
        raise _errors("reason", _("Say what is wrong with the record."))
    if CorrectionRequest.objects.filter(record=record, status=CorrectionStatus.OPEN).exists():
        raise TransitionRefused(_("A correction of this record is already waiting for the team's answer."))
    correction = CorrectionRequest(record=record, volunteer=record.volunteer, requested_hours=_hours(requested_hours),
                                   reason=reason.strip())
    correction.full_clean()
    correction.save()
    audit.record(actor=actor, action="volunteers.correction.request", target=correction, area=record.area,
                 changes={"record": [None, record.pk], "requested_hours": [None, str(correction.requested_hours)]})
    return correction


@transaction.atomic
def answer_correction(*, actor, correction: CorrectionRequest, accept: bool, answer: str) -> CorrectionRequest:
    """Accepting reverses the approved record and enters the corrected hours for approval."""
    def open_and_mine(correction):
        _require_team_role(actor, correction.record.team, {MemberRole.MANAGER},
                           _("Only the team's manager answers corrections."))
        if correction.status != CorrectionStatus.OPEN:
            raise TransitionRefused(_("This request has already been answered."))
        if not (answer or "").strip():
            raise _errors("answer", _("Give the volunteer an answer."))

    correction = update_recorded(
        correction, {"status": CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED,
                     "answer": (answer or "").strip(), "answered_by": actor if actor is not None and actor.pk else None,
                     "answered_at": timezone.now()},
        allowed=("status", "answer", "answered_by", "answered_at"), actor=actor,
        action="volunteers.correction.answer", check=open_and_mine)
    record = ServiceHourRecord.objects.select_related("team").get(pk=correction.record_id)
    if accept:
        if record.status == RecordStatus.APPROVED:
            reverse_record(actor=actor, record=record, reason=_("Correction: %(r)s") % {"r": correction.reason})
        elif record.status == RecordStatus.SUBMITTED:
            record.status = RecordStatus.REJECTED
            record.save()
        ServiceHourRecord.objects.create(
            volunteer=record.volunteer, team=record.team, area=record.area, activity=record.activity,
            shift=record.shift, service_date=record.service_date, hours=correction.requested_hours,
            description=record.description, source=RecordSource.CORRECTION, recorded_by=actor)
    return correction


# --- certificates -----------------------------------------------------------------------------------
def _certificate_number(team: Team) -> str:
    year = timezone.localdate().year
    return f"ZYZM{year}{team.area.code[:6]}{secrets.randbelow(10**8):08d}"


@transaction.atomic
def issue_certificate(*, actor, volunteer: Volunteer, team: Team) -> Certificate:
    """Issue a service-hour certificate for a volunteer's approved hours at one team.

    The team that recorded the hours is the one that certifies them (谁记录谁证明); the
    volunteer may ask for it, staff of the team's area may issue it.
    """
    if actor is not None and volunteer.user_id != actor.pk:
        require_visible(actor, team, volunteer)
        require_in_scope(actor, _perm(Certificate, "add"), team.area.code)
    records = ServiceHourRecord.objects.filter(volunteer=volunteer, team=team, status=RecordStatus.APPROVED)
    facts = records.aggregate(hours=Sum("hours"), first=Min("service_date"), last=Max("service_date"))
    if not facts["hours"] or facts["hours"] <= 0:
        raise TransitionRefused(_("This team has no approved hours of this volunteer to certify."))
    head = (ServiceHourRecord.objects.filter(team=team, chain_seq__isnull=False).order_by("-chain_seq")
            .values_list("record_hash", flat=True).first())
    certificate = Certificate(
        number=_certificate_number(team), verify_code=secrets.token_urlsafe(9)[:12], volunteer=volunteer, team=team,
        area=team.area, hours=facts["hours"], records=records.filter(hours__gt=0).count(),
        period_start=facts["first"], period_end=facts["last"], chain_head=head or GENESIS,
        issued_by=actor if actor is not None and actor.pk else None,
    )
    certificate.full_clean()
    certificate.save()
    audit.record(actor=actor, action="volunteers.certificate.issue", target=certificate,
                 changes={"volunteer": [None, volunteer.pk], "hours": [None, str(certificate.hours)]})
    return certificate


@transaction.atomic
def revoke_certificate(*, actor, certificate: Certificate, reason: str) -> Certificate:
    def not_revoked(certificate):
        if certificate.status == CertificateStatus.REVOKED:
            raise TransitionRefused(_("This certificate is already revoked."))

    return update_recorded(certificate, {"status": CertificateStatus.REVOKED}, allowed=("status",), actor=actor,
                           action="volunteers.certificate.revoke", reason=reason, check=not_revoked)


# --- training ---------------------------------------------------------------------------------------
@transaction.atomic
def create_training(*, actor, title: str, topic: str, area, held_on: datetime.date, organiser: str = "",
                    with_civilisation_office: bool = False) -> TrainingSession:
    session = TrainingSession(title=title, topic=topic, area=area, held_on=held_on, organiser=organiser,
                              with_civilisation_office=with_civilisation_office)
    return create_recorded(session, actor=actor, action="volunteers.training.create")


@transaction.atomic
def record_attendance(*, actor, session: TrainingSession, volunteers) -> int:
    volunteers = list(volunteers)
    require_visible(actor, session, *volunteers)
    require_in_scope(actor, _perm(TrainingAttendance, "add"), session.area.code)
    if session.held_on > timezone.localdate():
        raise TransitionRefused(_("Attendance is recorded after the session."))
    have = set(session.attendances.values_list("volunteer_id", flat=True))
    new = [TrainingAttendance(session=session, volunteer=v) for v in volunteers if v.pk not in have]
    TrainingAttendance.objects.bulk_create(new)
    audit.record(actor=actor, action="volunteers.training.attendance", target=session,
                 changes={"attended": [len(have), len(have) + len(new)]})
    return len(new)


# --- social-work professionals ----------------------------------------------------------------------
SOCIAL_WORKER_FIELDS = ["name", "level", "certificate_no", "certified_year", "employer", "area"]


@transaction.atomic
def register_social_worker(*, actor, name: str, id_number: str, level: str, certificate_no: str,
                           certified_year: int, area, employer: str = "") -> SocialWorker:
    worker = SocialWorker(name=name.strip(), id_number=id_number, level=level, certificate_no=certificate_no.strip(),
                          certified_year=certified_year, employer=employer, area=area)

    def not_registered(worker, before):
        if SocialWorker.objects.filter(**index_lookup(SocialWorker, "id_number", str_plain(worker.id_number))).exists():
            raise _errors("id_number", _("This person is already registered as a social-work professional."))

    return create_recorded(worker, actor=actor, action="volunteers.socialworker.register", adjust=not_registered,
                           exclude=["id_number_index"])


@transaction.atomic
def update_social_worker(*, actor, worker: SocialWorker, **fields) -> SocialWorker:
    return update_recorded(worker, {k: v for k, v in fields.items() if k in SOCIAL_WORKER_FIELDS},
                           allowed=SOCIAL_WORKER_FIELDS, actor=actor, action="volunteers.socialworker.update",
                           exclude=["id_number_index"])


@transaction.atomic
def delete_social_worker(*, actor, worker: SocialWorker, reason: str = "") -> None:
    delete_recorded(worker, actor=actor, action="volunteers.socialworker.delete", reason=reason)



# --- background imports -----------------------------------------------------------------------------
@transaction.atomic
def start_import(*, actor, kind: str, upload, team: Team | None = None) -> ImportJob:
    """Keep the uploaded file and queue its import; progress and the report land on the job."""
    from core.scope import scope_for

    from .choices import ImportKind

    require_visible(actor, team)
    if kind == ImportKind.SERVICE_HOURS:
        if team is None:
            raise _errors("team", _("Choose the team that recorded these hours."))
        _require_team_role(actor, team, {MemberRole.MANAGER, MemberRole.RECORDER},
                           _("Only the organising team's manager or recorder can import its hours."))
        area = team.area
    else:
        codes = scope_for(actor).area_codes if actor is not None else []
        area = Area.objects.filter(code__in=codes).order_by("code").first() or Area.objects.get(level="city")
    require_in_scope(actor, _perm(ImportJob, "add"), area.code)
    from core.tabular import TableError, check_upload_size

    try:
        check_upload_size(upload.size)  # the rest of the limits apply when the file is read
    except TableError as exc:
        raise _errors("file", str(exc))
    job = ImportJob(kind=kind, area=area, team=team, filename=upload.name[:200], created_by=actor)
    job.file.save(upload.name, upload, save=False)
    job.save()
    audit.record(actor=actor, action="volunteers.import.start", target=job, changes={"file": [None, job.filename]})
    from .tasks import queue_import

    transaction.on_commit(lambda: queue_import(job.pk))  # a broker that is down leaves the job waiting
    return job


# --- the whole job on pages (issue 16): status steps, staff appointment, accounts ---------------------
VOLUNTEER_STEPS = {
    # step: (the statuses it starts from, the status it leads to)
    "suspend": ((VolunteerStatus.ACTIVE,), VolunteerStatus.SUSPENDED),
    "reactivate": ((VolunteerStatus.SUSPENDED,), VolunteerStatus.ACTIVE),
    "cancel": ((VolunteerStatus.ACTIVE, VolunteerStatus.SUSPENDED), VolunteerStatus.CANCELLED),
}


@transaction.atomic
def change_volunteer_status(*, actor, volunteer: Volunteer, step: str, reason: str) -> Volunteer:
    """Suspend, reactivate or cancel (at the volunteer's request, 注册办法 Art. 10) a registration,
    with a stated reason; the record and its hours stay. A cancelled registration is final."""
    if step not in VOLUNTEER_STEPS:
        raise _errors("step", _("Unknown step."))
    sources, target = VOLUNTEER_STEPS[step]
    reason = (reason or "").strip()

    def may_step(volunteer):
        if volunteer.status not in sources:
            raise TransitionRefused(_("This registration is %(status)s; it cannot be changed this way.")
                                    % {"status": volunteer.get_status_display()})
        if len(reason) < 2:
            raise _errors("reason", _("Say why."))

    return update_recorded(volunteer, {"status": target}, allowed=("status",), actor=actor,
                           action=f"volunteers.volunteer.{step}", reason=reason, check=may_step,
                           exclude=VOLUNTEER_DERIVED)


def search_volunteers(queryset, text: str):
    """One search box: an ID number (exact, through its blind index), a phone number (exact, through
    its blind index), or any part of the name."""
    from core.personal import PHONE_RE, PersonalKind, normalise

    text = (text or "").strip()
    if not text:
        return queryset
    compact = text.replace(" ", "")
    if len(compact) == 18 and compact[:17].isdigit() and compact[17] in "0123456789xX":
        return queryset.filter(**index_lookup(Volunteer, "id_number", compact))
    if PHONE_RE.match(normalise(PersonalKind.PHONE, compact)):
        return queryset.filter(**index_lookup(Volunteer, "phone", compact))
    return queryset.filter(name__icontains=text)


@transaction.atomic
def appoint_team_staff(*, actor, team: Team, user, role: str) -> TeamMembership:
    """Appoint a staff user as the team's manager or recorder, from the team page or the API.

    A recorder must be able to record hours in the team's area, a manager to approve them there; a
    user without such a grant is refused with that reason."""
    from core.scope import scope_for

    team = Team.objects.select_related("area").get(pk=team.pk)
    require_in_scope(actor, _perm(Team, "change"), team.area.code)
    needed = {MemberRole.RECORDER: _perm(ServiceHourRecord, "add"),
              MemberRole.MANAGER: _perm(ServiceHourRecord, "change")}.get(role)
    if needed is None:
        raise _errors("role", _("Staff members of a team are managers or recorders."))
    if user is None or not user.is_active:
        raise _errors("user", _("No such active user."))
    if not scope_for(user).covers(needed, team.area.code):
        raise _errors("user", _("%(user)s holds no role in %(area)s that lets them do this; grant one first.")
                      % {"user": user.get_username(), "area": team.area.name})
    return add_team_staff(actor=actor, team=team, user=user, role=role)


@transaction.atomic
def remove_team_staff(*, actor, membership: TeamMembership, reason: str = "") -> None:
    membership = (TeamMembership.objects.select_for_update(of=("self",)).select_related("team__area", "user")
                  .get(pk=membership.pk))
    require_in_scope(actor, _perm(Team, "change"), membership.team.area.code)
    if membership.user_id is None:
        raise TransitionRefused(_("This is a volunteer's membership, not a staff appointment."))
    audit.record(actor=actor, action="volunteers.membership.staff_remove", target=membership,
                 area=membership.team.area, reason=reason,
                 changes={"user": [membership.user.get_username(), None], "role": [membership.role, None]})
    membership.delete()


@transaction.atomic
def decide_join_request(*, actor, membership: TeamMembership, decision: str) -> TeamMembership:
    """The team page's answer to a join request: ``decision`` is "approve" or "reject"."""
    if decision not in ("approve", "reject"):
        raise _errors("decision", _("Approve or reject."))
    require_in_scope(actor, _perm(TeamMembership, "change"), membership.team.area.code)
    return decide_membership(actor=actor, membership=membership, approve=decision == "approve")


@transaction.atomic
def create_volunteer_account(*, actor, volunteer: Volunteer, username: str) -> tuple:
    """Give a registered volunteer their own sign-in (no staff role: it opens "my service" only).

    Returns (user, initial password); the password is shown once to the officer and never stored in
    the clear or written to the audit log."""
    from django.contrib.auth import get_user_model

    volunteer = Volunteer.objects.select_for_update().select_related("area").get(pk=volunteer.pk)
    require_in_scope(actor, _perm(Volunteer, "change"), volunteer.area.code)  # 404 before the name is looked at
    if volunteer.user_id is not None:
        raise TransitionRefused(_("This volunteer already has an account."))
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise TransitionRefused(_("Only an active volunteer gets an account."))
    User = get_user_model()
    username = (username or "").strip()
    field = User._meta.get_field(User.USERNAME_FIELD)
    try:
        field.run_validators(username)
    except ValidationError as exc:
        raise _errors("username", exc.messages[0])
    if not username:
        raise _errors("username", _("Choose a user name."))
    if User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
        raise _errors("username", _("This user name is taken."))
    password = "".join(secrets.choice("23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(12))
    user = User.objects.create_user(username=username, password=password, first_name=volunteer.name[:150])
    update_recorded(volunteer, {"user": user}, allowed=("user",), actor=actor, action="volunteers.volunteer.account",
                    exclude=VOLUNTEER_DERIVED)
    return user, password
