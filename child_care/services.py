"""Every write of the child-care registry: keyword-only arguments with ``actor``, one transaction,
scope check, ``full_clean``, one audit event (core.audit) in the same transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core import services as core_services
from core.exceptions import OutOfScope, TransitionRefused
from core.personal import PersonalKind, mask, normalise, str_plain, validate_id_number
from core.personal import birth_date as id_birth_date
from core.personal import sex as id_sex
from core.recorded import create_recorded, update_recorded

from . import rules
from .choices import (
    CHILD_CATEGORIES,
    VISIT_CADENCE_DAYS,
    Category,
    Hukou,
    ParentSituation,
    PersonKind,
    ProposalAction,
    ProposalRule,
    ProposalStatus,
    ReportStage,
    VisitStatus,
)
from .models import (  # noqa: F401  (annotations)
    Appointment,
    CategoryRecord,
    Consent,
    FollowUp,
    Guidance,
    Household,
    Outreach,
    Person,
    Proposal,
    Relationship,
    RescueCase,
    RosterEntry,
    RosterImport,
    Survey,
    Training,
    Visit,
)

REVEAL_KEEP = datetime.timedelta(minutes=15)
PERSON_FIELDS = ["kind", "name", "id_number", "phone", "hukou", "area", "household", "address", "risk_tier", "director"]


def _perm(model, action):
    return f"child_care.{action}_{model._meta.model_name}"


def _locked(model, actor, pk, action="change"):
    """The row, locked, if the actor may ``action`` it: otherwise it does not exist (404)."""
    if actor is not None and not model.objects.restrict(actor, action).filter(pk=pk).exists():
        raise OutOfScope(_("No such record."))
    obj = model.objects.select_for_update().filter(pk=pk).first()
    if obj is None:
        raise OutOfScope(_("No such record."))
    return obj


def _require(actor, perm, area):
    core_services.require_in_scope(actor, perm, area.code)


def _visible(model, actor, pk, action="change"):
    """The record exists for the actor (``action`` within its area), else 404, as ``_locked`` answers: asked
    before core's recorded writes, which answer 403 to one without the permission anywhere."""
    if actor is not None and not model.objects.restrict(actor, action).filter(pk=pk).exists():
        raise OutOfScope(_("No such record."))


# --- people -------------------------------------------------------------------------------------
def _derive(person):
    """Birth date and sex from the ID number (core's functions), never typed twice."""
    plain = str_plain(person.id_number)
    if plain:
        try:
            validate_id_number(plain)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages})
        person.birth_date, person.sex = id_birth_date(plain), id_sex(plain)


@transaction.atomic
def register_person(*, actor, kind=PersonKind.CHILD, name, id_number, area, hukou="", phone="", household=None,
                    address="", risk_tier="low", director=None) -> Person:
    _require(actor, "child_care.add_person", area)
    person = Person(kind=kind, name=(name or "").strip(), id_number=id_number, phone=phone or None, hukou=hukou,
                    area=area, household=household, address=address, risk_tier=risk_tier, director=director,
                    report_stage=ReportStage.ENTERED, entered_by=actor if actor and actor.pk else None,
                    entered_at=timezone.now())

    def derive_and_check(person, _before):
        _derive(person)
        person.full_clean(exclude=["birth_date", "sex"])  # the fields' messages before the duplicate's
        if Person.objects.alive().filter(id_number_index=_index_of(person)).exists():
            raise ValidationError({"id_number": _("This ID number is already in the registry.")})

    return create_recorded(person, actor=actor, action="child_care.person.create", adjust=derive_and_check,
                           exclude=["birth_date", "sex"])


def _index_of(person):
    from core.personal import blind_index

    return blind_index("id_number", str_plain(person.id_number))


@transaction.atomic
def update_person(*, actor, person, **fields) -> Person:
    _visible(Person, actor, person.pk)
    allowed = set(PERSON_FIELDS) - {"kind", "id_number"}
    before = {}

    def check(person):
        if person.is_deleted:
            raise TransitionRefused(_("This record was deleted."))
        unknown = set(fields) - allowed
        if unknown:
            raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
        before["hukou"] = person.hukou

    person = update_recorded(person, fields, allowed=allowed, actor=actor, action="child_care.person.update",
                             check=check, exclude=["birth_date", "sex"])
    if "hukou" in fields and before["hukou"] != person.hukou:
        evaluate_rules(person=person, today=timezone.localdate(), facts_changed={"hukou"})
    return person


@transaction.atomic
def delete_person(*, actor, person, reason: str) -> Person:
    """Soft delete with a reason: the row, its history and who looked at it all stay."""
    person = _locked(Person, actor, person.pk, "delete")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("State why this record is deleted (at least 4 characters).")})
    if person.is_deleted:
        raise TransitionRefused(_("This record was deleted already."))
    person.deleted_at, person.deleted_by, person.deleted_reason = timezone.now(), actor, reason
    person.save(update_fields=["deleted_at", "deleted_by", "deleted_reason", "updated_at"])
    audit.record(actor=actor, action="child_care.person.delete", target=person, reason=reason,
                 changes={"deleted_at": [None, str(person.deleted_at)]})
    return person


@transaction.atomic
def create_household(*, actor, area, label, address="") -> Household:
    _require(actor, "child_care.add_household", area)
    household = Household(area=area, label=label, address=address)
    household.full_clean()
    household.save()
    audit.record(actor=actor, action="child_care.household.create", target=household)
    return household


@transaction.atomic
def link_relative(*, actor, child, relative, relation, situation=ParentSituation.AT_HOME, work_place="",
                  entrusted_guardian=False) -> Relationship:
    child = _locked(Person, actor, child.pk)
    if actor is not None and not Person.objects.restrict(actor, "view").filter(pk=relative.pk).exists():
        raise OutOfScope(_("No such record."))
    if child.pk == relative.pk:
        raise ValidationError({"relative": _("A person cannot be their own relative.")})
    link = create_recorded(Relationship(child=child, relative=relative, relation=relation, situation=situation,
                                        work_place=work_place, entrusted_guardian=entrusted_guardian),
                           actor=actor, action="child_care.relationship.create", area=child.area)
    evaluate_rules(person=child, today=timezone.localdate(), facts_changed={"parents"})
    return link


@transaction.atomic
def set_situation(*, actor, relationship, situation, work_place=None) -> Relationship:
    """A parent leaves, returns or can no longer care: the rules then propose what follows."""
    _visible(Relationship, actor, relationship.pk)
    returned = {}

    def check(link):
        if situation not in ParentSituation.values:
            raise ValidationError({"situation": _("Choose a situation from the list.")})
        returned["parent"] = link.situation == ParentSituation.AWAY and situation == ParentSituation.AT_HOME

    values = {"situation": situation, **({"work_place": work_place} if work_place is not None else {})}
    link = update_recorded(relationship, values, allowed=("situation", "work_place"), actor=actor,
                           action="child_care.relationship.situation", check=check)
    evaluate_rules(person=link.child, today=timezone.localdate(),
                   facts_changed={"parent_returned"} if returned["parent"] else {"parents"})
    return link


# --- categories: dated, never overwritten ----------------------------------------------------------
@transaction.atomic
def start_category(*, actor, person, category, starts_on, reason, difficulty_kind="", proposal=None) -> CategoryRecord:
    """Open a category from ``starts_on``. Refused if a record of the same category overlaps (the
    database cannot enforce it portably; the person's row is locked so two clerks cannot race)."""
    person = _locked(Person, actor, person.pk)
    core_services.require_in_scope(actor, "child_care.add_categoryrecord", person.area.code)
    if person.is_deleted:
        raise TransitionRefused(_("This record was deleted."))
    if category in CHILD_CATEGORIES and person.kind != PersonKind.CHILD:
        raise ValidationError({"category": _("Only a child can be recorded in this category.")})
    if category == Category.LEFT_BEHIND:
        refusals = rules.left_behind_refusals(person, starts_on)
        if refusals:
            raise ValidationError({"category": _("Not a left-behind child: the child %(why)s.")
                                   % {"why": _("; ").join(refusals)}})
    if category == Category.DIFFICULTY and not difficulty_kind:
        raise ValidationError({"difficulty_kind": _("Say which of the five kinds of difficulty applies.")})
    if category in CHILD_CATEGORIES and rules.age(person.birth_date, starts_on) >= rules.DIFFICULTY_AGE:
        raise ValidationError({"starts_on": _("The child is an adult on that day.")})
    overlapping = CategoryRecord.objects.filter(person=person, category=category).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on))
    clash = overlapping.first()
    if clash is not None:
        raise TransitionRefused(_("%(cat)s is already recorded from %(start)s; end that record first.")
                                % {"cat": Category(category).label, "start": clash.starts_on})
    record = CategoryRecord(person=person, category=category, difficulty_kind=difficulty_kind, area=person.area,
                            starts_on=starts_on, start_reason=(reason or "").strip(),
                            created_by=actor if actor and actor.pk else None)
    record.full_clean()
    record.save()
    audit.record(actor=actor, action="child_care.category.start", target=record, reason=record.start_reason,
                 changes={"category": [None, category], "starts_on": [None, starts_on],
                          "proposal": [None, proposal.pk if proposal else None]})
    return record


@transaction.atomic
def end_category(*, actor, record, ends_on, reason) -> CategoryRecord:
    record = _locked(CategoryRecord, actor, record.pk)
    if record.ends_on is not None:
        raise TransitionRefused(_("This record ended on %(d)s already; records are never rewritten.")
                                % {"d": record.ends_on})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"end_reason": _("Say why the category ends.")})
    if ends_on <= record.starts_on:
        raise ValidationError({"ends_on": _("The end must come after the start (%(d)s).") % {"d": record.starts_on}})
    record.ends_on, record.end_reason, record.ended_by = ends_on, reason, actor if actor and actor.pk else None
    record.ended_at = timezone.now()
    record.full_clean()
    record.save(update_fields=["ends_on", "end_reason", "ended_by", "ended_at"])
    audit.record(actor=actor, action="child_care.category.end", target=record, reason=reason,
                 changes={"ends_on": [None, ends_on]})
    return record


# --- status rules propose; people decide ------------------------------------------------------------
def _propose(*, person, rule, action, category, effective_on, reason, record=None):
    if Proposal.objects.filter(person=person, rule=rule, category=category,
                               status__in=[ProposalStatus.PROPOSED, ProposalStatus.CONFIRMED]).exists():
        return None
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(person=person, area=person.area, record=record, action=action,
                                               category=category, rule=rule, effective_on=effective_on,
                                               reason=reason)
    except IntegrityError:  # a concurrent run opened it
        return None
    audit.record(actor=None, action="child_care.proposal.open", target=proposal, reason=reason,
                 changes={"rule": [None, rule], "action": [None, action], "category": [None, category]})
    return proposal


def evaluate_rules(*, person, today, facts_changed=()) -> list[Proposal]:
    """Open the proposals the rules make for ``person`` today (safe to run twice)."""
    person = Person.objects.prefetch_related("relatives").get(pk=person.pk)
    if person.is_deleted or person.kind != PersonKind.CHILD:
        return []
    opened = []
    open_records = {r.category: r for r in CategoryRecord.objects.filter(person=person).in_force_on(today)}
    lb = open_records.get(Category.LEFT_BEHIND)
    if lb is not None:
        sixteen = rules.birthday(person.birth_date, rules.LEFT_BEHIND_AGE)
        if sixteen <= today:
            opened.append(_propose(person=person, rule=ProposalRule.TURNED_16, action=ProposalAction.END,
                                   category=Category.LEFT_BEHIND, effective_on=sixteen, record=lb,
                                   reason=_("Turned 16 on %(d)s.") % {"d": sixteen}))
        if person.hukou != Hukou.RURAL:
            opened.append(_propose(person=person, rule=ProposalRule.HUKOU_CHANGED, action=ProposalAction.END,
                                   category=Category.LEFT_BEHIND, effective_on=today, record=lb,
                                   reason=_("The household registration is no longer rural.")))
        if not rules.parents_leave_child_behind(person):
            opened.append(_propose(person=person, rule=ProposalRule.PARENT_RETURNED, action=ProposalAction.END,
                                   category=Category.LEFT_BEHIND, effective_on=today, record=lb,
                                   reason=_("A parent is back at home and able to care.")))
    elif not rules.left_behind_refusals(person, today):
        opened.append(_propose(person=person, rule=ProposalRule.LEFT_BEHIND_ELIGIBLE, action=ProposalAction.START,
                               category=Category.LEFT_BEHIND, effective_on=today,
                               reason=_("Under 16, rural household registration, parents away.")))
    eighteen = rules.birthday(person.birth_date, rules.DIFFICULTY_AGE)
    if eighteen <= today:
        for category in (Category.DIFFICULTY, Category.KEY_ASSISTANCE, Category.STREET_MINOR):
            if category in open_records:
                opened.append(_propose(person=person, rule=ProposalRule.TURNED_18, action=ProposalAction.END,
                                       category=category, effective_on=eighteen, record=open_records[category],
                                       reason=_("Turned 18 on %(d)s.") % {"d": eighteen}))
    return [p for p in opened if p is not None]


@transaction.atomic
def confirm_proposal(*, actor, proposal, note="") -> Proposal:
    proposal = _locked(Proposal, actor, proposal.pk)
    core_services.require_in_scope(actor, "child_care.confirm_proposal", proposal.area.code)
    if proposal.status != ProposalStatus.PROPOSED:
        raise TransitionRefused(_("Only a proposal waiting for the child director can be confirmed."))
    proposal.status, proposal.confirmed_by, proposal.confirmed_at = ProposalStatus.CONFIRMED, actor, timezone.now()
    proposal.note = "\n".join(filter(None, [proposal.note, (note or "").strip()]))
    proposal.save()
    audit.record(actor=actor, action="child_care.proposal.confirm", target=proposal, reason=note or "",
                 changes={"status": [ProposalStatus.PROPOSED, ProposalStatus.CONFIRMED]})
    return proposal


@transaction.atomic
def approve_proposal(*, actor, proposal, note="") -> Proposal:
    """The supervisor approves a confirmed proposal; the category change it proposes is then made."""
    proposal = _locked(Proposal, actor, proposal.pk)
    core_services.require_in_scope(actor, "child_care.approve_proposal", proposal.area.code)
    if proposal.status != ProposalStatus.CONFIRMED:
        raise TransitionRefused(_("The child director must confirm the proposal before it is approved."))
    if actor is not None and proposal.confirmed_by_id == actor.pk:
        raise TransitionRefused(_("The person who confirmed a proposal cannot also approve it."))
    if proposal.action == ProposalAction.END:
        end_category(actor=actor, record=proposal.record, ends_on=proposal.effective_on,
                     reason=f"{proposal.get_rule_display()}: {proposal.reason}")
    elif proposal.action == ProposalAction.START:
        start_category(actor=actor, person=proposal.person, category=proposal.category,
                       starts_on=proposal.effective_on, reason=proposal.reason, proposal=proposal)
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.APPROVED, actor, timezone.now()
    proposal.note = "\n".join(filter(None, [proposal.note, (note or "").strip()]))
    proposal.save()
    audit.record(actor=actor, action="child_care.proposal.approve", target=proposal, reason=note or "",
                 changes={"status": [ProposalStatus.CONFIRMED, ProposalStatus.APPROVED]})
    return proposal


@transaction.atomic
def reject_proposal(*, actor, proposal, note) -> Proposal:
    proposal = _locked(Proposal, actor, proposal.pk)
    if proposal.status == ProposalStatus.PROPOSED:
        core_services.require_in_scope(actor, "child_care.confirm_proposal", proposal.area.code)
    elif proposal.status == ProposalStatus.CONFIRMED:
        core_services.require_in_scope(actor, "child_care.approve_proposal", proposal.area.code)
    else:
        raise TransitionRefused(_("This proposal was decided already."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the proposal is rejected.")})
    before = proposal.status
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.REJECTED, actor, timezone.now()
    proposal.note = "\n".join(filter(None, [proposal.note, note.strip()]))
    proposal.save()
    audit.record(actor=actor, action="child_care.proposal.reject", target=proposal, reason=note.strip(),
                 changes={"status": [before, ProposalStatus.REJECTED]})
    return proposal


# --- reporting: entry → review → submission ---------------------------------------------------------
@transaction.atomic
def review_entry(*, actor, person) -> Person:
    person = _locked(Person, actor, person.pk)
    core_services.require_in_scope(actor, "child_care.review_report", person.area.code)
    if person.report_stage != ReportStage.ENTERED:
        raise TransitionRefused(_("Only an entry not yet reviewed can be reviewed."))
    if actor is not None and person.entered_by_id == actor.pk:
        raise TransitionRefused(_("Whoever entered a record cannot also review it."))
    person.report_stage, person.reviewed_by, person.reviewed_at = ReportStage.REVIEWED, actor, timezone.now()
    person.save(update_fields=["report_stage", "reviewed_by", "reviewed_at", "updated_at"])
    audit.record(actor=actor, action="child_care.report.review", target=person,
                 changes={"report_stage": [ReportStage.ENTERED, ReportStage.REVIEWED]})
    return person


@transaction.atomic
def submit_entry(*, actor, person) -> Person:
    person = _locked(Person, actor, person.pk)
    core_services.require_in_scope(actor, "child_care.submit_report", person.area.code)
    if person.report_stage != ReportStage.REVIEWED:
        raise TransitionRefused(_("An entry is submitted only after it has been reviewed."))
    person.report_stage, person.submitted_by, person.submitted_at = ReportStage.SUBMITTED, actor, timezone.now()
    person.save(update_fields=["report_stage", "submitted_by", "submitted_at", "updated_at"])
    audit.record(actor=actor, action="child_care.report.submit", target=person,
                 changes={"report_stage": [ReportStage.REVIEWED, ReportStage.SUBMITTED]})
    return person


# --- surveys ----------------------------------------------------------------------------------------
@transaction.atomic
def record_survey(*, actor, person, surveyed_on, **answers) -> Survey:
    person = _locked(Person, actor, person.pk, "view")
    core_services.require_in_scope(actor, "child_care.add_survey", person.area.code)
    return create_recorded(Survey(person=person, area=person.area, surveyed_on=surveyed_on,
                                  recorded_by=actor if actor and actor.pk else None, **answers),
                           actor=actor, action="child_care.survey.create")


# --- visits -----------------------------------------------------------------------------------------
def next_due(person, after: datetime.date) -> datetime.date:
    return after + datetime.timedelta(days=VISIT_CADENCE_DAYS[person.risk_tier])


@transaction.atomic
def schedule_visit(*, actor, person, due_on=None, visitor=None) -> Visit:
    person = _locked(Person, actor, person.pk, "view")
    core_services.require_in_scope(actor, "child_care.add_visit", person.area.code)
    if person.is_deleted:
        raise TransitionRefused(_("This record was deleted."))
    if Visit.objects.filter(person=person, status=VisitStatus.PLANNED).exists():
        raise TransitionRefused(_("A visit is already planned for this child."))
    visit = Visit(person=person, area=person.area, due_on=due_on or next_due(person, timezone.localdate()),
                  visitor=visitor or person.director or (actor if actor and actor.pk else None))
    visit.full_clean()
    visit.save()
    audit.record(actor=actor, action="child_care.visit.schedule", target=visit, changes={"due_on": [None, visit.due_on]})
    return visit


@transaction.atomic
def record_visit(*, actor, visit, done_on, life="", study="", safety="", guardianship="", next_steps="") -> Visit:
    """Record what was found; the next visit is planned from the child's risk tier."""
    visit = _locked(Visit, actor, visit.pk)
    if visit.status != VisitStatus.PLANNED:
        raise TransitionRefused(_("This visit was recorded already."))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A visit cannot be recorded for a future day.")})
    if not any(s.strip() for s in (life, study, safety, guardianship)):
        raise ValidationError({"life": _("Write down what was found (life, study, safety or guardianship).")})
    visit.status, visit.done_on, visit.recorded_by = VisitStatus.DONE, done_on, actor if actor and actor.pk else None
    visit.life, visit.study, visit.safety, visit.guardianship, visit.next_steps = (
        life.strip(), study.strip(), safety.strip(), guardianship.strip(), next_steps.strip())
    visit.full_clean()
    visit.save()
    audit.record(actor=actor, action="child_care.visit.record", target=visit,
                 changes={"status": [VisitStatus.PLANNED, VisitStatus.DONE], "done_on": [None, done_on]})
    person = visit.person
    nxt = Visit(person=person, area=person.area, due_on=next_due(person, done_on), visitor=visit.visitor)
    nxt.full_clean()
    nxt.save()
    audit.record(actor=actor, action="child_care.visit.schedule", target=nxt, changes={"due_on": [None, nxt.due_on]})
    return visit


# --- personal data ----------------------------------------------------------------------------------
def reveal(*, actor, person, field, reason) -> str:
    """The plaintext ID or phone with a stated reason, kept for 15 minutes for the same user (core)."""
    if field not in ("id_number", "phone"):
        raise ValidationError({"field": _("Only the ID number or the phone can be revealed.")})
    kept = core_services.kept_reveal(actor=actor, instance=person, field=field)
    if kept is not None and not (reason or "").strip():
        return kept
    return core_services.reveal_personal_data_for(actor=actor, instance=person, field=field, reason=reason,
                                                  keep_for=REVEAL_KEEP)


# --- workforce --------------------------------------------------------------------------------------
@transaction.atomic
def appoint(*, actor, post, area, name, starts_on, user=None, ends_on=None, trained_on=None) -> Appointment:
    _require(actor, "child_care.add_appointment", area)
    return create_recorded(Appointment(post=post, area=area, name=name, user=user, starts_on=starts_on,
                                       ends_on=ends_on, trained_on=trained_on),
                           actor=actor, action="child_care.appointment.create")


# --- school-roster reconciliation (学籍比对) ----------------------------------------------------------
ROSTER_COLUMNS = {
    "name": ["姓名"],
    "id_number": ["身份证号", "身份证件号", "身份证号码", "证件号码"],
    "birth_date": ["出生日期", "出生年月"],
    "sex": ["性别"],
    "school": ["学校", "学校名称", "所在学校"],
    "enrolment": ["当前状态", "学籍状态"],
    "left_behind": ["是否农村留守儿童", "是否留守儿童"],
    "area": ["户籍地区划代码", "区划代码", "统计用区划代码"],
}
ROSTER_REQUIRED = ["name", "birth_date", "sex"]
_SEX_WORDS = {"男": "male", "女": "female", "male": "male", "female": "female", "m": "male", "f": "female"}
_YES = {"是", "1", "y", "yes", "true"}
_NO = {"否", "0", "n", "no", "false"}
ROSTER_BATCH = 5000
# Off PostgreSQL only (the embedded database of the tests): bulk_update writes one CASE WHEN per field with a
# branch per row, so its cost grows with the square of the batch. On PostgreSQL rows go through COPY (bulk.py).
UPDATE_BATCH = 200
# The staged columns written by COPY, in this order (the others are NULL until the comparison).
STAGE_COLUMNS = ["roster_id", "line", "area_id", "name", "id_number", "id_number_index", "id_number_masked",
                 "birth_date", "sex", "school", "enrolment", "roster_left_behind", "person_id", "match", "bucket",
                 "differences", "decision", "note"]


def _roster_date(text: str):
    text = (text or "").strip()
    if len(text) == 10 and text[4] == "-":  # the usual 2013-04-05, without strptime's cost
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    text = text.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日-")
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y-%m"):
        try:
            return datetime.datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
    return None


def _roster_row(line, row, roster, areas):
    """({field: value}, [RowError]) for one roster row: every bad cell named (by its field; the report shows
    the file's own header), in the clerk's words. The ID number is the plaintext here (the caller encrypts it)."""
    from core.tabular import RowError

    from .choices import ENROLMENT_WORDS

    errors = []
    name = (row.get("name") or "").strip()
    if not name:
        errors.append(RowError(line, "name", _("is empty")))
    born = _roster_date(row.get("birth_date", ""))
    if born is None:
        errors.append(RowError(line, "birth_date", _("is not a date (write 2013-04-05)")))
    sex_word = (row.get("sex") or "").strip().lower()
    if sex_word not in _SEX_WORDS:
        errors.append(RowError(line, "sex", _("write 男 or 女")))
    enrolment = ""
    if (row.get("enrolment") or "").strip():
        enrolment = ENROLMENT_WORDS.get(row["enrolment"].strip(), "")
        if not enrolment:
            errors.append(RowError(line, "enrolment", _("unknown status; use one of %(words)s")
                                   % {"words": "、".join(ENROLMENT_WORDS)}))
    flag = (row.get("left_behind") or "").strip().lower()
    left_behind = True if flag in _YES else False if flag in _NO else None
    if flag and left_behind is None:
        errors.append(RowError(line, "left_behind", _("write 是 or 否")))
    area = roster.area
    code = (row.get("area") or "").strip()
    if code:
        area = areas.get(code)
        if area is None:
            errors.append(RowError(line, "area", _("not an area within %(area)s") % {"area": roster.area.name}))
    if errors:
        return None, errors
    return {"line": line, "area": area, "name": name[:50],
            "id_number": (row.get("id_number") or "").strip().upper() or None, "birth_date": born,
            "sex": _SEX_WORDS[sex_word], "school": (row.get("school") or "").strip()[:100], "enrolment": enrolment,
            "roster_left_behind": left_behind}, []


def _stage_copy_line(roster_id, values, seal, index):
    """A staged row as a COPY line (``STAGE_COLUMNS``): the ID number encrypted, blind-indexed and masked as the
    model's fields would on save (``PersonalDataField``, ``BlindIndexField``, ``MaskedCopyField``). Only what the
    file wrote is escaped; the rest (numbers, dates, base64, hex, choice values) never needs it."""
    from . import bulk
    from .choices import Decision, MatchMethod

    null, text = bulk.NULL, bulk.copy_text
    plain = values["id_number"]
    if plain:
        plain = normalise(PersonalKind.ID_NUMBER, plain)
        sealed, indexed, masked = seal(plain), index(plain), text(mask(PersonalKind.ID_NUMBER, plain))
    else:
        sealed = indexed = masked = null
    flag = values["roster_left_behind"]
    return (f"{roster_id}\t{values['line']}\t{values['area'].pk}\t{text(values['name'])}\t{sealed}\t{indexed}\t"
            f"{masked}\t{values['birth_date'].isoformat()}\t{values['sex']}\t{text(values['school'])}\t"
            f"{values['enrolment']}\t{null if flag is None else 't' if flag else 'f'}\t{null}\t{MatchMethod.NONE}\t\t"
            f"[]\t{Decision.OPEN}\t\n")


def _result_line(entry_id, person_id, match, score, bucket, differences, area_id, decision) -> str:
    """A comparison's result as a COPY line for ``bulk.UpdateFrom`` (the columns of ``reconcile_roster``)."""
    from . import bulk

    null = bulk.NULL
    return (f"{entry_id}\t{null if person_id is None else person_id}\t{match}\t{null if score is None else score}\t"
            f"{bucket}\t{bulk.copy_text(differences) if differences else '[]'}\t{area_id}\t{decision}\n")


def read_roster(*, area, source, filename="", report=None):
    """The good rows of a roster file for ``area`` as ``_roster_row`` values, streamed; every bad cell goes to
    ``report.errors`` by line and field (``report.headers`` learns the file's own header of each column). A
    file that does not read (not a table, required columns missing) raises ``core.tabular.TableError``. What
    the staged import's preview runs: nothing is written."""
    from core.models import Area
    from core.tabular import ImportReport, read_table

    report = report if report is not None else ImportReport()
    roster = RosterImport(area=area)
    areas = {a.code: a for a in Area.objects.filter(code__startswith=area.prefix)}
    for line, row in read_table(source, ROSTER_COLUMNS, required=ROSTER_REQUIRED, filename=filename,
                                headers=report.headers):
        values, bad = _roster_row(line, row, roster, areas)
        report.errors.extend(bad)
        if values is not None:
            yield values


def roster_error_texts(report) -> list[str]:
    """The bad cells as kept on the roster (the first 1,000): line and the file's own header."""
    from core.tabular import RowError

    own = {**{field: names[0] for field, names in ROSTER_COLUMNS.items()}, **report.headers}
    return [str(RowError(e.line, own.get(e.column, e.column), e.reason)) for e in report.errors[:1000]]


def stage_roster(*, actor, area, source, filename="", report=None, staged_import=None,
                 progress=None) -> "RosterImport":
    """Read the education bureau's roster (CSV/XLSX, Chinese headers) into staged rows: every bad cell is
    reported with its line and column (the good rows are kept); nothing is compared yet. The file is read
    as a stream and stored in batches (COPY on PostgreSQL), never held whole. ``report`` (an ``ImportReport``)
    receives the bad cells by field, ``staged_import`` is core's job the file came from, ``progress(n)`` is
    told the rows kept after each batch."""
    from core.personal import blind_indexer, encrypter
    from core.tabular import ImportReport, TableError

    from . import bulk
    from .models import RosterEntry, RosterImport

    _require(actor, "child_care.add_rosterimport", area)
    report = report if report is not None else ImportReport()
    roster = RosterImport(area=area, filename=(filename or getattr(source, "name", "") or "roster")[:200],
                          uploaded_by=actor if actor and actor.pk else None, staged_import=staged_import)
    roster.full_clean(exclude=["staged_import"])
    copy = bulk.is_postgres()
    seal, index = encrypter(), blind_indexer(PersonalKind.ID_NUMBER)
    table = RosterEntry._meta.db_table
    batch, rows = [], 0

    def flush():
        if copy:
            bulk.copy_into(table, STAGE_COLUMNS, batch)
        else:
            RosterEntry.objects.bulk_create(batch)
        batch.clear()
        if progress:
            progress(rows)

    with transaction.atomic():
        roster.save()
        try:
            for values in read_roster(area=area, source=source, filename=filename, report=report):
                batch.append(_stage_copy_line(roster.pk, values, seal, index) if copy
                             else RosterEntry(roster=roster, **values))
                rows += 1
                if len(batch) >= ROSTER_BATCH:
                    flush()
        except TableError as exc:
            raise ValidationError({"file": str(exc)})
        flush()
        roster.rows, roster.errors = rows, roster_error_texts(report)
        roster.save(update_fields=["rows", "errors"])
        audit.record(actor=actor, action="child_care.roster.stage", target=roster,
                     changes={"rows": [None, rows], "bad_rows": [None, len(report.errors)]})
    return roster


def _fingerprint_of(id_number_index, name, birth_date, sex, key=None) -> str:
    """The keyed hash naming a roster child in ``NotSamePerson``: its ID's blind index, else its name's
    pinyin + birth date + sex (so the next roster's same child is recognised). ``key``: the run's pinyin."""
    from core.personal import blind_index

    from .matching import name_key

    if id_number_index:
        return "id:" + id_number_index[:60]
    return blind_index("roster_name", f"{(key or name_key)(name)}|{birth_date}|{sex}")


def _fingerprint(entry) -> str:
    return _fingerprint_of(entry.id_number_index, entry.name, entry.birth_date, entry.sex)


def _differences(enrolment, roster_left_behind, left_behind_record_id):
    from .choices import SCHOOL_EXITS

    diffs = []
    if enrolment in SCHOOL_EXITS:
        diffs.append({"field": "enrolment", "roster": enrolment})
    if roster_left_behind is True and left_behind_record_id is None:
        diffs.append({"field": "left_behind", "roster": True, "registry": False})
    if roster_left_behind is False and left_behind_record_id is not None:
        diffs.append({"field": "left_behind", "roster": False, "registry": True, "record": left_behind_record_id})
    return diffs


def _difference_proposals(differences, roster_id, line, today) -> list[dict]:
    """What each difference of a matched entry proposes (the keywords of ``_propose``; the record by id)."""
    from .choices import SCHOOL_LEFT, Enrolment

    out = []
    for diff in differences:
        if diff["field"] == "enrolment":
            word = Enrolment(diff["roster"]).label
            reason = _("School roster %(roster)s, line %(line)s: %(status)s.") % {
                "roster": roster_id, "line": line, "status": word}
            if diff["roster"] in SCHOOL_LEFT:
                reason += " " + _("Dropout alert (控辍保学): bring the child back to school.")
            out.append({"rule": ProposalRule.SCHOOL_EXIT, "action": ProposalAction.REVIEW, "reason": reason})
        elif diff["roster"]:
            out.append({"rule": ProposalRule.ROSTER_LEFT_BEHIND, "action": ProposalAction.START,
                            "reason": _("The school roster flags the child left-behind.")})
        else:
            out.append({"rule": ProposalRule.ROSTER_NOT_LEFT_BEHIND, "action": ProposalAction.END,
                            "record_id": diff["record"],
                            "reason": _("The school roster says the child is not left-behind.")})
    for one in out:
        one.update(category=Category.LEFT_BEHIND, effective_on=today)
    return out


def _propose_differences(entry, today):
    """Each difference of a matched entry becomes a proposal for a person (the rules' own path)."""
    opened = []
    for kw in _difference_proposals(entry.differences, entry.roster_id, entry.line, today):
        record_id = kw.pop("record_id", None)
        record = CategoryRecord.objects.get(pk=record_id) if record_id else None
        opened.append(_propose(person=entry.person, record=record, **kw))
    return [p for p in opened if p is not None]


def _propose_many(wanted) -> int:
    """``_propose`` set-wise: ``wanted`` is [(person, keywords)] (the person with its ``area`` set); the open
    proposals of these people are read in one query, the new ones created in one ``bulk_create`` and their
    audit rows in one ``record_many``. A proposal already open (or asked for twice) is skipped, as by
    ``_propose``; if a concurrent run opened one meanwhile, the batch falls back to one by one."""
    if not wanted:
        return 0
    open_keys = set(Proposal.objects.filter(person_id__in={p.pk for p, _kw in wanted},
                                            status__in=[ProposalStatus.PROPOSED, ProposalStatus.CONFIRMED])
                    .values_list("person_id", "rule", "category"))
    fresh = []
    for person, kw in wanted:
        key = (person.pk, kw["rule"], kw["category"])
        if key in open_keys:
            continue
        open_keys.add(key)
        fresh.append(Proposal(person=person, area=person.area, record_id=kw.get("record_id"), action=kw["action"],
                              category=kw["category"], rule=kw["rule"], effective_on=kw["effective_on"],
                              reason=kw["reason"]))
    try:
        with transaction.atomic():
            Proposal.objects.bulk_create(fresh)
    except IntegrityError:  # a concurrent run opened some of them: the careful path
        opened = 0
        for person, kw in wanted:
            kw = dict(kw)
            record_id = kw.pop("record_id", None)
            record = CategoryRecord.objects.get(pk=record_id) if record_id else None
            opened += _propose(person=person, record=record, **kw) is not None
        return opened
    audit.record_many([audit.build(actor=None, action="child_care.proposal.open", target=p, reason=p.reason,
                                   changes={"rule": [None, p.rule], "action": [None, p.action],
                                            "category": [None, p.category]}) for p in fresh])
    return len(fresh)


def reconcile_roster(*, actor, roster, today=None) -> "RosterImport":
    """Compare a staged roster with the registry and sort every school-age child into the four buckets:
    consistent, conflicting, in our registry but not in school, flagged left-behind by the school but
    unknown to us. Matched on the validated ID number, else on name (pinyin) + birth date + sex within
    the row's area; "not the same person" decisions are remembered. Differences of ID matches become
    proposals at once; a name match waits for a person to confirm it is the same child.

    Set-wise: the registry of the roster's area is read once into dicts (by blind index; by birth date and
    sex), the staged rows are streamed twice (first the ID matches, so that a name is compared only with
    the children no ID claimed, within the same birth date, sex and area), and the results are written
    in bulk (COPY and one UPDATE on PostgreSQL), the proposals with their audit rows in batches."""
    from collections import Counter, defaultdict

    from core.models import Area

    from . import bulk
    from .choices import SCHOOL_AGE, Bucket, Decision, MatchMethod, RosterStatus
    from .matching import NameMatcher
    from .models import NotSamePerson, RosterEntry, RosterImport

    today = today or timezone.localdate()
    with transaction.atomic():
        roster = _locked(RosterImport, actor, roster.pk)
        _require(actor, "child_care.change_rosterimport", roster.area)
        if roster.status != RosterStatus.STAGED:
            raise TransitionRefused(_("This roster was compared already; upload the new roster instead."))
        prefix = roster.area.prefix
        areas = {a.pk: a for a in Area.objects.filter(code__startswith=prefix)}
        area_code = {pk: a.code for pk, a in areas.items()}
        area_prefix = {pk: a.prefix for pk, a in areas.items()}
        # The registry: person -> (area, name); blind index -> person; (birth date, sex) -> [person].
        children = (Person.objects.alive().filter(kind=PersonKind.CHILD, area__code__startswith=prefix)
                    .values_list("pk", "id_number_index", "name", "birth_date", "sex", "area_id"))
        by_index, blocks, people = {}, defaultdict(list), {}
        for pk, index, name, born, sex_, area_id in children.iterator(chunk_size=10_000):
            if index:
                by_index[index] = pk
            blocks[(born, sex_)].append(pk)
            people[pk] = (area_id, name)
        not_same = set(NotSamePerson.objects.filter(person__area__code__startswith=prefix)
                       .values_list("person_id", "fingerprint"))
        left_behind = dict(CategoryRecord.objects.filter(category=Category.LEFT_BEHIND,
                                                         area__code__startswith=prefix)
                           .in_force_on(today).values_list("person_id", "pk"))
        staged = RosterEntry.objects.filter(roster=roster, line__isnull=False).order_by("pk")

        def id_match(index):
            pk = by_index.get(index) if index else None
            return pk if pk is not None and (pk, "id:" + index[:60]) not in not_same else None

        # First pass: the children an ID number claims are no name's candidates.
        matched = {pk for index in staged.filter(id_number_index__isnull=False)
                   .values_list("id_number_index", flat=True).iterator(chunk_size=10_000)
                   if (pk := id_match(index)) is not None}
        matcher = NameMatcher()
        copy = bulk.is_postgres()
        if copy:
            results = bulk.UpdateFrom(RosterEntry, [("id", "bigint"), ("person_id", "bigint"),
                                                    ("match", "varchar(6)"), ("name_score", "smallint"),
                                                    ("bucket", "varchar(14)"), ("differences", "jsonb"),
                                                    ("area_id", "bigint"), ("decision", "varchar(10)")],
                                      name=f"child_care_reconcile_{roster.pk}")
        counts, changed, wanted, proposals = Counter(), [], [], 0
        rows = staged.values_list("pk", "line", "id_number_index", "name", "birth_date", "sex", "area_id",
                                  "enrolment", "roster_left_behind")
        for entry_id, line, index, name, born, sex_, area_id, enrolment, roster_lb in rows.iterator(chunk_size=10_000):
            person_id, match, score, decision = id_match(index), MatchMethod.ID, None, Decision.OPEN
            if person_id is None:
                # Candidates: same birth date and sex within the row's area, claimed by no ID and no earlier
                # row, not declared another child for this fingerprint.
                here = area_prefix[area_id]
                block = [p for p in blocks.get((born, sex_), ()) if p not in matched
                         and area_code[people[p][0]].startswith(here)]
                if block:
                    fp = _fingerprint_of(index, name, born, sex_, key=matcher.key)
                    block = [(p, people[p][1]) for p in block if (p, fp) not in not_same]
                person_id, score = matcher.best(name, block) if block else (None, 0)
                match = MatchMethod.NAME if person_id else MatchMethod.NONE
                score = score if person_id else None
                if person_id:
                    matched.add(person_id)
            if person_id:
                area_id = people[person_id][0]
                differences = _differences(enrolment, roster_lb, left_behind.get(person_id))
                bucket = Bucket.CONFLICT if differences else Bucket.CONSISTENT
            else:
                differences, bucket = [], Bucket.UNKNOWN if roster_lb else ""
            if bucket == Bucket.CONSISTENT and match == MatchMethod.ID:
                decision = Decision.DISMISSED  # nothing to decide
            if bucket == Bucket.CONFLICT and match == MatchMethod.ID:
                person = Person(pk=person_id, area_id=area_id, name=people[person_id][1])
                person.area = areas[area_id]
                wanted.extend((person, kw) for kw in _difference_proposals(differences, roster.pk, line, today))
                decision = Decision.SAME
            if bucket:
                counts[bucket] += 1
            if person_id is None and not bucket:
                continue  # a child of no concern to the registry: the staged row stays as it is
            if copy:
                results.add_line(_result_line(entry_id, person_id, match, score, bucket, differences, area_id,
                                              decision))
            else:
                changed.append(RosterEntry(pk=entry_id, person_id=person_id, match=match, name_score=score,
                                           bucket=bucket, differences=differences, area_id=area_id,
                                           decision=decision))
            if len(wanted) >= ROSTER_BATCH or len(changed) >= ROSTER_BATCH:
                RosterEntry.objects.bulk_update(changed, ["person", "match", "name_score", "bucket", "differences",
                                                          "area", "decision"], batch_size=UPDATE_BATCH)
                proposals += _propose_many(wanted)
                changed, wanted = [], []
        RosterEntry.objects.bulk_update(changed, ["person", "match", "name_score", "bucket", "differences", "area",
                                                  "decision"], batch_size=UPDATE_BATCH)
        if copy:
            results.apply()
        proposals += _propose_many(wanted)
        # Children of school age in our registry that no roster row matched.
        youngest = rules.birthday(today, -SCHOOL_AGE[0])  # born on or before: 6 full years today
        oldest = rules.birthday(today, -(SCHOOL_AGE[1] + 1))  # born after: not yet 16
        missing = [pk for (born, _s), block in blocks.items() if oldest < born <= youngest
                   for pk in block if pk not in matched]
        for start in range(0, len(missing), ROSTER_BATCH):
            chunk = missing[start:start + ROSTER_BATCH]
            if copy:
                bulk.copy_into(RosterEntry._meta.db_table, STAGE_COLUMNS, [
                    bulk.copy_line([roster.pk, None, people[pk][0], "", None, None, None, None, "", "", "", None, pk,
                                    MatchMethod.NONE, Bucket.NOT_IN_SCHOOL, "[]", Decision.OPEN, ""])
                    for pk in chunk])
            else:
                RosterEntry.objects.bulk_create([RosterEntry(roster=roster, area_id=people[pk][0], person_id=pk,
                                                             bucket=Bucket.NOT_IN_SCHOOL) for pk in chunk])
        counts[Bucket.NOT_IN_SCHOOL] += len(missing)
        roster.status, roster.reconciled_at = RosterStatus.RECONCILED, timezone.now()
        roster.counts = {**{b: counts.get(b, 0) for b in Bucket.values}, "proposals": proposals}
        roster.save(update_fields=["status", "reconciled_at", "counts"])
        audit.record(actor=actor, action="child_care.roster.reconcile", target=roster, changes={"counts": [None, roster.counts]})
    return roster


@transaction.atomic
def decide_roster_entry(*, actor, entry, decision, note="") -> "RosterEntry":
    """A person decides a comparison: the same child (its differences become proposals), not the same
    child (remembered for the next rosters), or checked with nothing to change (a note says why)."""
    from .choices import Bucket, Decision, MatchMethod
    from .models import NotSamePerson, RosterEntry

    entry = _locked(RosterEntry, actor, entry.pk)
    _require(actor, "child_care.change_rosterentry", entry.area)
    note = (note or "").strip()
    if entry.decision != Decision.OPEN:
        raise TransitionRefused(_("This comparison was decided already."))
    before = entry.decision
    if decision == Decision.SAME:
        if entry.match != MatchMethod.NAME:
            raise TransitionRefused(_("Only a match on the name needs confirming as the same child."))
        _propose_differences(entry, timezone.localdate())
    elif decision == Decision.NOT_SAME:
        if entry.match != MatchMethod.NAME:
            raise TransitionRefused(_("Only a match on the name can be declared another child."))
        NotSamePerson.objects.get_or_create(person_id=entry.person_id, fingerprint=_fingerprint(entry),
                                            defaults={"decided_by": actor if actor and actor.pk else None})
        entry.person, entry.match, entry.name_score, entry.differences = None, MatchMethod.NONE, None, []
        entry.bucket = Bucket.UNKNOWN if entry.roster_left_behind else ""
    elif decision == Decision.DISMISSED:
        if len(note) < 2:
            raise ValidationError({"note": _("Say what was checked and why nothing changes.")})
    else:
        raise ValidationError({"decision": _("Choose a decision from the list.")})
    entry.decision, entry.decided_by, entry.decided_at = decision, actor, timezone.now()
    entry.note = note
    entry.save()
    audit.record(actor=actor, action="child_care.roster.decide", target=entry, reason=note,
                 changes={"decision": [before, decision]})
    return entry


# --- rescue-station follow-up (救助站跟踪回访) -------------------------------------------------------
@transaction.atomic
def hand_over_rescue(*, actor, id_number, station="", found_on, found_place="", circumstances="",
                     rescue_station=None) -> "RescueCase":
    """The station hands a returned street minor to the home village's child director. The child is found
    by ID number in the registry (the home village is the record's); a child handed over before is
    flagged 屡救屡返 and the earlier cases are named in the audit event.

    Two ways in. The station's own staff name their station (``rescue_station``: a station at the area of
    one of their rescue-station grants); a street minor is found far from home, so the child is looked up
    in the whole registry, and the staff see the case they made, never the child's record. A child
    director records a station's paper slip (``station`` by name) for a child of the director's areas."""
    from core.personal import blind_index
    from core.scope import scope_for

    from .models import RescueCase
    from .querysets import station_area_codes

    plain = (str_plain(id_number) or "").strip().upper()
    try:
        validate_id_number(plain)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages})
    alive = Person.objects.alive().filter(id_number_index=blind_index("id_number", plain))
    if rescue_station is not None:
        codes = station_area_codes(actor) if actor is not None else None
        if codes is not None and (rescue_station.area.code not in codes
                                  or not scope_for(actor).has_perm_somewhere("child_care.add_rescuecase")):
            raise ValidationError({"rescue_station": _("You are not on the staff of this rescue station.")})
        person = alive.first()
        if person is None:
            raise ValidationError({"id_number": _("No child with this ID number in the registry; ask the home "
                                                  "village's child director to enter the child first.")})
        station = rescue_station.name
    else:
        person = alive.first()
        if person is None or (actor is not None
                              and not Person.objects.restrict(actor, "view").filter(pk=person.pk).exists()):
            raise ValidationError({"id_number": _("No child with this ID number in your areas' registry; enter "
                                                  "the child in the registry first.")})
        _require(actor, "child_care.add_rescuecase", person.area)
    if found_on > timezone.localdate():
        raise ValidationError({"found_on": _("The day found cannot be in the future.")})
    if not (station or "").strip():
        raise ValidationError({"station": _("Name the rescue station.")})
    earlier = list(RescueCase.objects.filter(person=person).values_list("pk", flat=True))
    case = RescueCase(person=person, area=person.area, station=station.strip(), rescue_station=rescue_station,
                      found_on=found_on, found_place=found_place.strip(), circumstances=circumstances.strip(),
                      repeat=bool(earlier), handed_over_by=actor if actor and actor.pk else None)
    case.full_clean()
    case.save()
    audit.record(actor=actor, action="child_care.rescue.hand_over", target=case,
                 changes={"station": [None, case.station], "rescue_station": [None, rescue_station and rescue_station.pk],
                          "found_on": [None, found_on], "repeat_of": [None, earlier]})
    return case


@transaction.atomic
def accept_rescue(*, actor, case, receipt="") -> "RescueCase":
    """The home village's child director accepts the case (the acceptance receipt); the follow-ups with the
    family, the school and the village committee are scheduled from that day."""
    from .choices import FOLLOW_UP_PLAN, RescueStatus
    from .models import FollowUp, RescueCase

    case = _locked(RescueCase, actor, case.pk)
    _require(actor, "child_care.change_rescuecase", case.area)
    if case.status != RescueStatus.HANDED_OVER:
        raise TransitionRefused(_("This case was accepted already."))
    now = timezone.now()
    case.status, case.accepted_by, case.accepted_at = RescueStatus.ACCEPTED, actor, now
    case.receipt = (receipt or "").strip() or f"JS{timezone.localtime(now):%Y%m%d}-{case.pk:06d}"
    case.full_clean()
    case.save()
    start = timezone.localdate()
    FollowUp.objects.bulk_create([FollowUp(case=case, area=case.area, party=party,
                                           due_on=start + datetime.timedelta(days=days))
                                  for days, party in FOLLOW_UP_PLAN])
    audit.record(actor=actor, action="child_care.rescue.accept", target=case,
                 changes={"status": [RescueStatus.HANDED_OVER, RescueStatus.ACCEPTED], "receipt": [None, case.receipt]})
    return case


@transaction.atomic
def record_follow_up(*, actor, follow_up, done_on, findings) -> "FollowUp":
    """What a follow-up found; the case closes with its last follow-up."""
    from .choices import RescueStatus
    from .models import FollowUp, RescueCase

    follow_up = _locked(FollowUp, actor, follow_up.pk)
    if follow_up.done_on is not None:
        raise TransitionRefused(_("This follow-up was recorded already."))
    if follow_up.case.status != RescueStatus.ACCEPTED:
        raise TransitionRefused(_("The child director accepts the case before its follow-ups are recorded."))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A follow-up cannot be recorded for a future day.")})
    if not (findings or "").strip():
        raise ValidationError({"findings": _("Write down what the follow-up found.")})
    follow_up.done_on, follow_up.findings = done_on, findings.strip()
    follow_up.recorded_by = actor if actor and actor.pk else None
    follow_up.full_clean()
    follow_up.save()
    audit.record(actor=actor, action="child_care.rescue.follow_up", target=follow_up,
                 changes={"done_on": [None, done_on]})
    if not FollowUp.objects.filter(case=follow_up.case, done_on__isnull=True).exists():
        RescueCase.objects.filter(pk=follow_up.case_id).update(status=RescueStatus.CLOSED)
        audit.record(actor=actor, action="child_care.rescue.close", target=follow_up.case,
                     changes={"status": [RescueStatus.ACCEPTED, RescueStatus.CLOSED]})
    return follow_up


# --- consent ----------------------------------------------------------------------------------------
CONSENT_MAX_DAYS = 3 * 366


@transaction.atomic
def record_consent(*, actor, person, guardian, purpose, given_on, expires_on) -> "Consent":
    """A guardian's consent to a use of a child's data, valid from ``given_on`` until ``expires_on`` (at
    most three years; then asked again)."""
    from .choices import ConsentPurpose
    from .models import Consent

    person = _locked(Person, actor, person.pk, "view")
    _require(actor, "child_care.add_consent", person.area)
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Choose a purpose from the list.")})
    if not person.relatives.filter(relative=guardian).exists():
        raise ValidationError({"guardian": _("Only a parent or guardian linked to the child can consent.")})
    if expires_on <= given_on:
        raise ValidationError({"expires_on": _("The consent must expire after the day it was given.")})
    if (expires_on - given_on).days > CONSENT_MAX_DAYS:
        raise ValidationError({"expires_on": _("A consent lasts at most three years; ask again then.")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The day given cannot be in the future.")})
    consent = Consent(person=person, area=person.area, guardian=guardian, purpose=purpose, given_on=given_on,
                      expires_on=expires_on, recorded_by=actor if actor and actor.pk else None)
    consent.full_clean()
    consent.save()
    audit.record(actor=actor, action="child_care.consent.create", target=consent,
                 changes={"purpose": [None, purpose], "given_on": [None, given_on], "expires_on": [None, expires_on]})
    return consent


@transaction.atomic
def withdraw_consent(*, actor, consent, withdrawn_on=None, reason="") -> "Consent":
    from .models import Consent

    consent = _locked(Consent, actor, consent.pk)
    withdrawn_on = withdrawn_on or timezone.localdate()
    if consent.withdrawn_on is not None:
        raise TransitionRefused(_("This consent was withdrawn already."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say who withdrew the consent and how.")})
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("A consent cannot be withdrawn before it was given.")})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    audit.record(actor=actor, action="child_care.consent.withdraw", target=consent, reason=reason.strip(),
                 changes={"withdrawn_on": [None, withdrawn_on]})
    return consent


# --- guardianship guidance (监护督促) -------------------------------------------------------------------
@transaction.atomic
def record_guidance(*, actor, person, guardian, member, done_on, content, follow_up_on=None) -> "Guidance":
    """The village committee's supervision and guidance of one of the child's linked guardians
    (``guardian``: a ``Relationship`` of this child). The child within the actor's areas or 404."""
    _visible(Person, actor, person.pk, "view")
    person = Person.objects.select_related("area").get(pk=person.pk)
    link = guardian if isinstance(guardian, Relationship) or guardian is None else Relationship.objects.filter(
        pk=guardian).first()

    def check(guidance, before):
        if link is None or link.child_id != person.pk:
            raise ValidationError({"guardian": _("Choose a guardian linked to this child.")})
        if done_on and done_on > timezone.localdate():
            raise ValidationError({"done_on": _("The day of the guidance cannot be in the future.")})
        if follow_up_on and done_on and follow_up_on < done_on:
            raise ValidationError({"follow_up_on": _("The follow-up cannot come before the guidance.")})
        if not (content or "").strip():
            raise ValidationError({"content": _("Say what was urged or guided.")})

    return create_recorded(Guidance(person=person, area=person.area, guardian=link if link and link.child_id == person.pk
                                    else None, member=(member or "").strip(), done_on=done_on,
                                    content=(content or "").strip(), follow_up_on=follow_up_on,
                                    recorded_by=actor if actor and actor.pk else None),
                           actor=actor, action="child_care.guidance.create", adjust=check)


# --- policy outreach (政策宣讲进村(居)) -----------------------------------------------------------------
@transaction.atomic
def record_outreach(*, actor, area, held_on, topic, children=0, guardians=0, women=0, cadres=0) -> "Outreach":
    """An outreach event in a village/community and the number reached in each of its four audiences."""
    from core.choices import AreaLevel

    def check(outreach, before):
        if area.level != AreaLevel.COMMUNITY:
            raise ValidationError({"area": _("Outreach is recorded in a village or community.")})
        if not (outreach.children or outreach.guardians or outreach.women or outreach.cadres):
            raise ValidationError({"children": _("Give the number reached in at least one audience.")})
        if held_on and held_on > timezone.localdate():
            raise ValidationError({"held_on": _("The day held cannot be in the future.")})

    return create_recorded(Outreach, {"area": area, "held_on": held_on, "topic": (topic or "").strip(),
                                      "children": children or 0, "guardians": guardians or 0, "women": women or 0,
                                      "cadres": cadres or 0, "recorded_by": actor if actor and actor.pk else None},
                           actor=actor, action="child_care.outreach.create", adjust=check)


# --- trainings (业务培训) ---------------------------------------------------------------------------------
def _attendees_within(training, appointments):
    """Only child directors and supervisors appointed within the training's area attend it."""
    prefix = training.area.prefix
    outside = [a for a in appointments if not a.area.code.startswith(prefix)]
    if outside:
        raise ValidationError({"attendees": _("%(name)s is not appointed within the training's area.")
                               % {"name": outside[0].name}})


@transaction.atomic
def record_training(*, actor, held_on, topic, level, organiser, area, attendees=()) -> "Training":
    """A training and the child directors and supervisors (appointments) invited to it, not yet marked."""
    from .models import Attendance

    attendees = list(attendees or ())

    def check(training, before):
        from core.choices import AreaLevel

        if area is not None and area.level not in (AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP):
            raise ValidationError({"area": _("A training is held for a township, a district/county or the city.")})
        _attendees_within(training, attendees)

    training = create_recorded(Training, {"held_on": held_on, "topic": (topic or "").strip(), "level": level,
                                          "organiser": (organiser or "").strip(), "area": area,
                                          "recorded_by": actor if actor and actor.pk else None},
                               actor=actor, action="child_care.training.create", adjust=check)
    Attendance.objects.bulk_create([Attendance(training=training, appointment=a) for a in attendees])
    return training


@transaction.atomic
def mark_attendance(*, actor, training, attended=(), absent=()) -> "Training":
    """Mark who attended (and who did not). An appointment that attended is trained: its ``trained_on`` is
    set to the training's day if it had none or a later one, so the trained-staff share counts it."""
    from .models import Attendance

    _visible(Training, actor, training.pk, "change")
    training = Training.objects.select_related("area").get(pk=training.pk)
    attended, absent = list(attended or ()), list(absent or ())
    if not attended and not absent:
        raise ValidationError({"attended": _("Mark at least one attendee.")})
    _attendees_within(training, attended + absent)
    for appointment, present in [(a, True) for a in attended] + [(a, False) for a in absent]:
        row = Attendance.objects.filter(training=training, appointment=appointment).first()
        if row is None:
            create_recorded(Attendance(training=training, appointment=appointment, attended=present), actor=actor,
                            action="child_care.attendance.create", area=training.area)
        elif row.attended != present:
            update_recorded(row, {"attended": present}, allowed=("attended",), actor=actor,
                            action="child_care.attendance.update")
        if present and (appointment.trained_on is None or appointment.trained_on > training.held_on):
            update_recorded(appointment, {"trained_on": training.held_on}, allowed=("trained_on",), actor=None,
                            action="child_care.appointment.trained", reason=str(training))
    # The training's own record of the marking: who attended and who did not, by appointment.
    audit.record(actor=actor, action="child_care.training.attendance", target=training, area=training.area,
                 changes={"attended": [None, sorted(a.pk for a in attended)],
                          "absent": [None, sorted(a.pk for a in absent)]})
    return training
