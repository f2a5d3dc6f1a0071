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
from core.personal import birth_date as id_birth_date
from core.personal import sex as id_sex
from core.personal import str_plain, validate_id_number

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
from .models import Appointment, CategoryRecord, Household, Person, Proposal, Relationship, Survey, Visit

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
    _derive(person)
    person.full_clean(exclude=["birth_date", "sex"])
    if Person.objects.alive().filter(id_number_index=_index_of(person)).exists():
        raise ValidationError({"id_number": _("This ID number is already in the registry.")})
    person.save()
    core_services.recheck(actor, person, "add")
    audit.record(actor=actor, action="child_care.person.create", target=person,
                 changes=audit.diff({}, audit.snapshot(person, PERSON_FIELDS)))
    return person


def _index_of(person):
    from core.personal import blind_index

    return blind_index("id_number", str_plain(person.id_number))


@transaction.atomic
def update_person(*, actor, person, **fields) -> Person:
    person = _locked(Person, actor, person.pk)
    if person.is_deleted:
        raise TransitionRefused(_("This record was deleted."))
    unknown = set(fields) - (set(PERSON_FIELDS) - {"kind", "id_number"})
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = audit.snapshot(person, PERSON_FIELDS)
    old_hukou = person.hukou
    for key, value in fields.items():
        setattr(person, key, value)
    person.full_clean(exclude=["birth_date", "sex"])
    person.save()
    core_services.recheck(actor, person)
    audit.record(actor=actor, action="child_care.person.update", target=person,
                 changes=audit.diff(before, audit.snapshot(person, PERSON_FIELDS)))
    if "hukou" in fields and old_hukou != person.hukou:
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
    link = Relationship(child=child, relative=relative, relation=relation, situation=situation,
                        work_place=work_place, entrusted_guardian=entrusted_guardian)
    link.full_clean()
    link.save()
    audit.record(actor=actor, action="child_care.relationship.create", target=link, area=child.area,
                 changes=audit.diff({}, audit.snapshot(link)))
    evaluate_rules(person=child, today=timezone.localdate(), facts_changed={"parents"})
    return link


@transaction.atomic
def set_situation(*, actor, relationship, situation, work_place=None) -> Relationship:
    """A parent leaves, returns or can no longer care: the rules then propose what follows."""
    link = _locked(Relationship, actor, relationship.pk)
    if situation not in ParentSituation.values:
        raise ValidationError({"situation": _("Choose a situation from the list.")})
    before = audit.snapshot(link, ["situation", "work_place"])
    returned = link.situation == ParentSituation.AWAY and situation == ParentSituation.AT_HOME
    link.situation = situation
    if work_place is not None:
        link.work_place = work_place
    link.full_clean()
    link.save()
    audit.record(actor=actor, action="child_care.relationship.situation", target=link, area=link.child.area,
                 changes=audit.diff(before, audit.snapshot(link, ["situation", "work_place"])))
    evaluate_rules(person=link.child, today=timezone.localdate(),
                   facts_changed={"parent_returned"} if returned else {"parents"})
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
    else:
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
    survey = Survey(person=person, area=person.area, surveyed_on=surveyed_on,
                    recorded_by=actor if actor and actor.pk else None, **answers)
    survey.full_clean()
    survey.save()
    audit.record(actor=actor, action="child_care.survey.create", target=survey,
                 changes=audit.diff({}, audit.snapshot(survey)))
    return survey


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
    appointment = Appointment(post=post, area=area, name=name, user=user, starts_on=starts_on, ends_on=ends_on,
                              trained_on=trained_on)
    appointment.full_clean()
    appointment.save()
    audit.record(actor=actor, action="child_care.appointment.create", target=appointment,
                 changes=audit.diff({}, audit.snapshot(appointment)))
    return appointment
