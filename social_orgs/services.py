"""Every write of the social-organisations app.

Keyword-only arguments with an ``actor`` (None for the system: the nightly timers, the demo
loader), one transaction, scope check, ``full_clean``, one audit event per change.

Who enters whose decision: the sponsor unit's opinions (业务主管单位) and the inspectors' findings
are entered by a social-organisation registrar (role ``org_registrar``) or a district officer *on
their behalf*: the record names the acting user (``decided_by``/audit actor) and the body whose
decision it is (``on_behalf_of``). No separate sponsor or inspector accounts exist.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.choices import AreaLevel
from core.exceptions import TransitionRefused
from core.personal import validate_id_number
from core.services import recheck, require_in_scope

from . import rules
from .choices import (
    CHANGEABLE_LABELS,
    NOT_RECTIFIABLE,
    ExitReason,
    InspectionKind,
    ListingReason,
    ListingStatus,
    ListType,
    OrgKind,
    OrgStatus,
    OrgType,
    PenaltyKind,
    ProposalStatus,
    RegistrationLevel,
    ReportResult,
    RevocationGround,
    SupportKind,
    list_type_of,
)
from .dates import add_months
from .models import (
    AnnualReport,
    CommunityOrg,
    CreditListing,
    DirectoryEntry,
    Evaluation,
    Inspection,
    Organisation,
    Penalty,
    RevocationProposal,
    StatusChange,
    SupportGrant,
    UsccAllowance,
)
from .uscc import validate_uscc


def _perm(model, action: str) -> str:
    return f"social_orgs.{action}_{model._meta.model_name}"


def _today(on):
    return on or timezone.localdate()


def _locked(org: Organisation, actor, action="change") -> Organisation:
    """The organisation re-read under a row lock, within the actor's scope (404 outside it)."""
    qs = Organisation.objects.select_for_update(of=("self",)).select_related("area")
    if actor is not None:
        qs = qs & Organisation.objects.restrict(actor, action)
    org = qs.filter(pk=org.pk).first()
    if org is None:
        from core.exceptions import OutOfScope

        raise OutOfScope(_("No such record."))
    return org


def _step(org, *, actor, to_status, on, step, reason="", on_behalf_of=""):
    before = org.status
    org.status = to_status
    if to_status in (OrgStatus.DEREGISTERED, OrgStatus.REVOKED):
        org.ended_on = on
    org.full_clean(exclude=["legal_rep_id_number_index"])
    org.save()
    StatusChange.objects.create(organisation=org, from_status=before, to_status=to_status, on=on, step=step,
                                reason=reason, decided_by=actor if actor is not None else None,
                                on_behalf_of=on_behalf_of)
    audit.record(actor=actor, action=f"social_orgs.organisation.{step}", target=org, reason=reason,
                 changes={"status": [before, to_status], "on_behalf_of": [None, on_behalf_of] if on_behalf_of else None})
    recheck(actor, org)
    return org


def _require(org, statuses, step_label):
    if org.status not in statuses:
        raise TransitionRefused(_("%(step)s is not possible while the organisation is %(status)s.")
                                % {"step": step_label, "status": org.get_status_display()})


# --- registry ------------------------------------------------------------------------------------
def _check_area(org):
    level = org.area.level if org.area_id else None
    if org.kind == OrgKind.COMMUNITY:
        if level != AreaLevel.COMMUNITY:
            raise ValidationError({"area": _("A community social organisation's area is the community it serves.")})
    elif org.registration_level == RegistrationLevel.CITY and level != AreaLevel.CITY:
        raise ValidationError({"area": _("An organisation registered by the city has the city as its area.")})
    elif org.registration_level == RegistrationLevel.COUNTY and level != AreaLevel.COUNTY:
        raise ValidationError({"area": _("An organisation registered by a district/county has it as its area.")})
    if org.kind == OrgKind.COMMUNITY and org.registration_level != RegistrationLevel.COUNTY:
        raise ValidationError({"registration_level": _("Community social organisations register with the "
                                                       "district/county.")})
    if org.parent_id and org.parent.status not in (OrgStatus.ACTIVE, OrgStatus.CHANGING):
        raise ValidationError({"parent": _("The parent organisation is not registered.")})


@transaction.atomic
def approve_name(*, actor, name: str, org_type: str, area, registration_level: str, legal_rep_name: str,
                 sponsor_unit: str = "", kind: str = OrgKind.ORDINARY, parent=None,
                 is_industry_association: bool = False, purpose: str = "", business_scope: str = "",
                 address: str = "", on: datetime.date | None = None, on_behalf_of: str = "") -> Organisation:
    """名称核准: the first step; the organisation exists from here, without a code yet."""
    from core.recorded import create_recorded

    require_in_scope(actor, _perm(Organisation, "add"), area.code)

    def rules_of(org, before):
        if parent is not None and (org_type == OrgType.SERVICE or parent.org_type == OrgType.SERVICE):
            raise ValidationError({"parent": _("A social service agency has no branches.")})
        _check_area(org)

    org = create_recorded(Organisation, {
        "name": (name or "").strip(), "org_type": org_type, "area": area, "registration_level": registration_level,
        "legal_rep_name": (legal_rep_name or "").strip(), "sponsor_unit": sponsor_unit, "kind": kind, "parent": parent,
        "is_industry_association": is_industry_association, "purpose": purpose, "business_scope": business_scope,
        "address": address, "status": OrgStatus.NAME_APPROVED,
    }, actor=actor, action="social_orgs.organisation.name_approval", adjust=rules_of,
        exclude=["legal_rep_id_number_index"])
    StatusChange.objects.create(organisation=org, from_status="", to_status=org.status, on=_today(on),
                                step="name_approval", decided_by=actor, on_behalf_of=on_behalf_of)
    return org


@transaction.atomic
def start_preparation(*, actor, org: Organisation, on=None, on_behalf_of: str = "") -> Organisation:
    """筹备: social groups only, after name approval."""
    org = _locked(org, actor)
    if org.org_type != OrgType.GROUP:
        raise TransitionRefused(_("Only a social group goes through preparation."))
    _require(org, [OrgStatus.NAME_APPROVED], _("Preparation"))
    return _step(org, actor=actor, to_status=OrgStatus.PREPARING, on=_today(on), step="preparation",
                 on_behalf_of=on_behalf_of)


@transaction.atomic
def establish(*, actor, org: Organisation, uscc: str, founded_on: datetime.date, party_commitment: bool,
              party_members: int = 0, legal_rep_id_number: str = "", on_behalf_of: str = "") -> Organisation:
    """成立登记: the certificate, with its code; the party-building commitment letter is part of it."""
    org = _locked(org, actor)
    ready = [OrgStatus.PREPARING] if org.org_type == OrgType.GROUP else [OrgStatus.NAME_APPROVED]
    if org.org_type == OrgType.GROUP and org.status == OrgStatus.NAME_APPROVED:
        raise TransitionRefused(_("A social group must go through preparation before its establishment."))
    _require(org, ready, _("Establishment"))
    if not party_commitment:
        raise ValidationError({"party_commitment": _("The party-building commitment letter is filed with the "
                                                     "application (三个同步).")})
    org.uscc = validate_uscc(uscc, org.org_type)
    if legal_rep_id_number:
        org.legal_rep_id_number = validate_id_number(legal_rep_id_number)
    org.founded_on, org.party_commitment, org.party_members = founded_on, True, party_members or 0
    return _step(org, actor=actor, to_status=OrgStatus.ACTIVE, on=founded_on, step="establishment",
                 on_behalf_of=on_behalf_of)


CHANGEABLE = [key for key, _label in CHANGEABLE_LABELS]


@transaction.atomic
def apply_for_change(*, actor, org: Organisation, changes: dict, on=None, reason: str = "") -> Organisation:
    """变更登记 applied for: the changes wait for the decision."""
    org = _locked(org, actor)
    _require(org, [OrgStatus.ACTIVE], _("A change of registration"))
    unknown = set(changes) - set(CHANGEABLE)
    if unknown or not changes:
        raise ValidationError({"changes": _("Changeable: %(fields)s.") % {"fields": ", ".join(CHANGEABLE)}})
    org.pending_changes = {k: str(v) for k, v in changes.items()}
    return _step(org, actor=actor, to_status=OrgStatus.CHANGING, on=_today(on), step="change_applied", reason=reason)


@transaction.atomic
def decide_change(*, actor, org: Organisation, approve: bool, on=None, reason: str = "",
                  on_behalf_of: str = "") -> Organisation:
    org = _locked(org, actor)
    _require(org, [OrgStatus.CHANGING], _("A decision on a change"))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why the change is refused.")})
    before = {k: getattr(org, k) for k in org.pending_changes}
    if approve:
        for key, value in org.pending_changes.items():
            setattr(org, key, value)
    org.pending_changes = {}
    step = "change_approved" if approve else "change_refused"
    reason = reason or "; ".join(f"{k}: {before[k]} → {getattr(org, k)}" for k in before)
    return _step(org, actor=actor, to_status=OrgStatus.ACTIVE, on=_today(on), step=step, reason=reason,
                 on_behalf_of=on_behalf_of)


@transaction.atomic
def deregister(*, actor, org: Organisation, on=None, reason: str) -> Organisation:
    """注销登记 after liquidation."""
    org = _locked(org, actor, "delete")
    _require(org, [OrgStatus.ACTIVE], _("Deregistration"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Name the liquidation report or the reason.")})
    return _step(org, actor=actor, to_status=OrgStatus.DEREGISTERED, on=_today(on), step="deregistration",
                 reason=reason)


@transaction.atomic
def revoke(*, actor, org: Organisation, ground: str, on=None, reason: str, on_behalf_of: str = "") -> Organisation:
    """撤销登记: fraud, the zombie rule or serious violations; the organisation goes on the
    serious list (令60: registration revoked)."""
    org = _locked(org, actor, "delete")
    _require(org, [OrgStatus.ACTIVE, OrgStatus.CHANGING], _("Revocation"))
    if ground not in RevocationGround.values:
        raise ValidationError({"ground": _("Choose a ground of revocation.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("State the facts the revocation rests on.")})
    on = _today(on)
    if ground == RevocationGround.ZOMBIE:
        problem = zombie_problem(org, on)
        if problem:
            raise TransitionRefused(problem)
    org = _step(org, actor=actor, to_status=OrgStatus.REVOKED, on=on, step=f"revocation_{ground}", reason=reason,
                on_behalf_of=on_behalf_of)
    for proposal in RevocationProposal.objects.filter(organisation=org, status=ProposalStatus.OPEN):
        proposal.status, proposal.decided_by, proposal.decision_note = ProposalStatus.REVOKED, actor, reason
        proposal.save()
    _list(actor=actor, org=org, reason=ListingReason.REVOKED, on=on, reason_text=reason,
          basis_ref=f"revocation:{on.isoformat()}", on_behalf_of=on_behalf_of)
    return org


def zombie_problem(org, on) -> str | None:
    """Why the zombie rule does not apply to ``org`` on ``on``, or None when it does."""
    if not org.founded_on:
        return _("The organisation has no registration certificate.")
    if org.first_activity_on and org.first_activity_on <= add_months(org.founded_on, rules.rule("zombie_months")):
        return _("The organisation was active within a year of its certificate (%(d)s).") % {"d": org.first_activity_on}
    if on <= add_months(org.founded_on, rules.rule("zombie_months")):
        return _("A year since the certificate has not passed yet.")
    return None


@transaction.atomic
def record_activity(*, actor, org: Organisation, on: datetime.date, what: str) -> Organisation:
    """The organisation's first activity (for the zombie rule); later activities change nothing."""
    org = _locked(org, actor)
    if org.first_activity_on is None or on < org.first_activity_on:
        before = org.first_activity_on
        org.first_activity_on = on
        org.save(update_fields=["first_activity_on", "updated_at"])
        audit.record(actor=actor, action="social_orgs.organisation.activity", target=org, reason=what,
                     changes={"first_activity_on": [before, on]})
    return org


@transaction.atomic
def forward_party_documents(*, actor, org: Organisation, on: datetime.date) -> Organisation:
    """三个同步: the commitment letter and party-member form have gone to the party-building body."""
    org = _locked(org, actor)
    if not org.founded_on:
        raise TransitionRefused(_("The organisation is not registered yet."))
    if on < org.founded_on:
        raise ValidationError({"on": _("The documents are forwarded after registration.")})
    before = org.party_forwarded_on
    org.party_forwarded_on = on
    org.save(update_fields=["party_forwarded_on", "updated_at"])
    audit.record(actor=actor, action="social_orgs.organisation.party_forwarded", target=org,
                 changes={"party_forwarded_on": [before, on]})
    return org


UPDATABLE = ["address", "purpose", "business_scope", "full_time_staff", "party_members", "has_party_org",
             "is_industry_association", "kind"]


@transaction.atomic
def update_organisation(*, actor, org: Organisation, **fields) -> Organisation:
    """Corrections of data that are not registration items (those go through a change)."""
    from core.recorded import update_recorded

    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This is a registration item: apply for a change.")})
    return update_recorded(org, fields, allowed=UPDATABLE, actor=actor, action="social_orgs.organisation.update",
                           exclude=["legal_rep_id_number_index"])


# The registry's items compared on a re-import (a difference is a change of registration, not an
# import); the descriptive ones an import may fill in or correct.
REGISTER_ITEMS = ["name", "org_type", "registration_level", "area", "legal_rep_name", "sponsor_unit", "founded_on"]
IMPORT_UPDATABLE = ["address", "purpose", "business_scope"]


@transaction.atomic
def import_registered(*, actor, uscc: str, name: str, org_type: str, area, registration_level: str,
                      legal_rep_name: str, founded_on: datetime.date, sponsor_unit: str = "",
                      kind: str = OrgKind.ORDINARY, address: str = "", purpose: str = "", business_scope: str = "",
                      source: str = "") -> tuple[Organisation, str]:
    """An organisation of the register (the national system's export) taken into the registry as
    registered: ("created" | "updated" | "unchanged"). The code is checked for the type (the
    allow-list admits legal legacy codes); a code already in the registry is compared: the same
    facts change nothing, new descriptive facts (address, purpose, scope) are written, and a
    different registration item is refused (that is a change of registration, decided on the
    organisation's page). Scope: the area must be the actor's, and so must an existing record."""
    from core.exceptions import OutOfScope
    from core.recorded import create_recorded, update_recorded

    require_in_scope(actor, _perm(Organisation, "add"), area.code)
    code = validate_uscc(uscc, org_type)
    existing = Organisation.objects.select_for_update(of=("self",)).select_related("area").filter(uscc=code).first()
    incoming = {"name": (name or "").strip(), "org_type": org_type, "registration_level": registration_level,
                "area": area, "legal_rep_name": (legal_rep_name or "").strip(), "sponsor_unit": (sponsor_unit or "").strip(),
                "founded_on": founded_on}
    descriptive = {k: (v or "").strip() for k, v in
                   {"address": address, "purpose": purpose, "business_scope": business_scope}.items()}
    if existing is not None:
        if actor is not None and not Organisation.objects.restrict(actor, "change").filter(pk=existing.pk).exists():
            raise OutOfScope(_("No such record."))
        differs = {k: getattr(existing, k) for k, v in incoming.items() if getattr(existing, k) != v}
        if differs:
            field, current = next(iter(differs.items()))
            shown = existing.get_org_type_display() if field == "org_type" else current
            raise ValidationError({field: _("The registry says %(current)s: a registration item changes through a "
                                            "change of registration, not an import.") % {"current": shown}})
        wanted = {k: v for k, v in descriptive.items() if v and getattr(existing, k) != v}
        if not wanted:
            return existing, "unchanged"
        existing = update_recorded(existing, wanted, allowed=IMPORT_UPDATABLE, actor=actor,
                                   action="social_orgs.organisation.import_update", reason=source,
                                   exclude=["legal_rep_id_number_index"])
        return existing, "updated"
    if founded_on is None:
        raise ValidationError({"founded_on": _("A registered organisation has its date of establishment.")})
    if founded_on > timezone.localdate():
        raise ValidationError({"founded_on": _("The date of establishment has not come yet.")})
    org = create_recorded(Organisation, {"uscc": code, "kind": kind, "status": OrgStatus.ACTIVE,
                                         "first_activity_on": None, **incoming, **descriptive},
                          actor=actor, action="social_orgs.organisation.import", reason=source,
                          adjust=lambda o, before: _check_area(o), exclude=["legal_rep_id_number_index"])
    StatusChange.objects.create(organisation=org, from_status="", to_status=OrgStatus.ACTIVE, on=founded_on,
                                step="register_import", reason=source, decided_by=actor)
    return org, "created"


@transaction.atomic
def allow_legacy_code(*, actor, code: str, reason: str) -> UsccAllowance:
    if actor is not None:
        from core.services import require_perm

        require_perm(actor, "social_orgs.add_usccallowance")
    if len((reason or "").strip()) < 4:
        raise ValidationError({"reason": _("Say why this legacy code is legal.")})
    allowance = UsccAllowance(code=(code or "").strip().upper(), reason=reason.strip(), added_by=actor)
    allowance.full_clean()
    allowance.save()
    audit.record(actor=actor, action="social_orgs.usccallowance.add", target=allowance, reason=reason)
    return allowance


# --- annual reports ------------------------------------------------------------------------------
def _report_org(actor, org, action="change"):
    return _locked(org, actor, action)


@transaction.atomic
def file_annual_report(*, actor, org: Organisation, year: int, submitted_on: datetime.date,
                       sponsor_submitted_on: datetime.date | None = None, audit_report: bool = False,
                       work_summary: str = "", charter_party_clause: bool = False) -> AnnualReport:
    """The report of ``year`` reaches the registration authority (and, before, the sponsor)."""
    org = _report_org(actor, org)
    if org.status not in (OrgStatus.ACTIVE, OrgStatus.CHANGING):
        raise TransitionRefused(_("Only a registered organisation files annual reports."))
    if org.org_type == OrgType.FOUNDATION and not audit_report:
        raise ValidationError({"audit_report": _("A foundation files its annual report with an audit report.")})
    if org.founded_on and org.founded_on.year > year:
        raise ValidationError({"year": _("The organisation was not registered in that year.")})
    report, created = AnnualReport.objects.select_for_update().get_or_create(organisation=org, year=year)
    if report.submitted_on:
        raise TransitionRefused(_("The report of this year has been filed already."))
    report.submitted_on, report.sponsor_submitted_on = submitted_on, sponsor_submitted_on
    report.audit_report, report.work_summary, report.charter_party_clause = audit_report, work_summary, charter_party_clause
    report.full_clean()
    report.save()
    if org.first_activity_on is None:
        org.first_activity_on = submitted_on
        org.save(update_fields=["first_activity_on", "updated_at"])
    _sponsor, deadline = rules.report_deadlines(org.org_type, year)
    audit.record(actor=actor, action="social_orgs.annualreport.file", target=report, area=org.area,
                 changes={"submitted_on": [None, submitted_on], "late": [None, submitted_on > deadline]})
    return report


@transaction.atomic
def record_sponsor_opinion(*, actor, report: AnnualReport, opinion: str, note: str = "", on_behalf_of: str) -> AnnualReport:
    _report_org(actor, report.organisation)
    if not (on_behalf_of or "").strip():
        raise ValidationError({"on_behalf_of": _("Name the sponsor unit whose opinion this is.")})
    report.sponsor_opinion, report.sponsor_opinion_note = opinion, note
    report.full_clean()
    report.save()
    audit.record(actor=actor, action="social_orgs.annualreport.sponsor_opinion", target=report,
                 area=report.organisation.area, reason=note,
                 changes={"sponsor_opinion": [None, opinion], "on_behalf_of": [None, on_behalf_of]})
    return report


@transaction.atomic
def grade_report(*, actor, report: AnnualReport, result: str, reason: str = "", on=None) -> AnnualReport:
    _report_org(actor, report.organisation)
    if not report.submitted_on:
        raise TransitionRefused(_("The report has not been filed."))
    if result not in ReportResult.values:
        raise ValidationError({"result": _("Choose passed, basically passed or failed.")})
    if result != ReportResult.PASS and not (reason or "").strip():
        raise ValidationError({"result_reason": _("Give the reasons for a result other than passed.")})
    report.result, report.result_reason, report.graded_on, report.graded_by = result, reason, _today(on), actor
    report.save()
    audit.record(actor=actor, action="social_orgs.annualreport.grade", target=report, area=report.organisation.area,
                 reason=reason, changes={"result": [None, result]})
    return report


# --- credit lists -----------------------------------------------------------------------------------
def _list(*, actor, org, reason, on, reason_text="", basis_ref="", on_behalf_of="") -> CreditListing:
    list_type = list_type_of(reason)
    event = {"on": on.isoformat(), "reason": str(reason), "text": reason_text, "basis": basis_ref}
    listing = CreditListing.objects.select_for_update().filter(
        organisation=org, list_type=list_type, status=ListingStatus.LISTED).first()
    if listing is not None:
        if basis_ref and any(e.get("basis") == basis_ref for e in listing.events):
            return listing  # the same event twice (a timer run again): nothing new
        listing.events = [*listing.events, event]
        listing.clock_from = max(listing.clock_from, on)
        listing.restart_count += 1
        listing.rectified_on, listing.rectification_note = None, ""
        listing.rectifiable = listing.rectifiable or reason not in NOT_RECTIFIABLE
        rules.compute_dates(listing)
        listing.save()
        audit.record(actor=actor, action="social_orgs.creditlisting.restart", target=listing, area=org.area,
                     reason=reason_text, changes={"event": [None, event], "clock_from": [None, listing.clock_from]})
        return listing
    listing = CreditListing(organisation=org, list_type=list_type, reason=reason, reason_text=reason_text,
                            basis_ref=basis_ref, listed_on=on, clock_from=on, events=[event],
                            rectifiable=reason not in NOT_RECTIFIABLE, decided_by=actor, on_behalf_of=on_behalf_of)
    rules.compute_dates(listing)
    listing.full_clean()
    listing.save()
    audit.record(actor=actor, action="social_orgs.creditlisting.enter", target=listing, area=org.area,
                 reason=reason_text, changes={"list_type": [None, list_type], "reason": [None, reason]})
    return listing


@transaction.atomic
def list_organisation(*, actor, org: Organisation, reason: str, on=None, reason_text: str = "", basis_ref: str = "",
                      on_behalf_of: str = "") -> CreditListing:
    """Enter the organisation on the list its ground belongs to; a new event while listed restarts
    the clock (令60)."""
    org = _locked(org, actor)
    if reason not in ListingReason.values:
        raise ValidationError({"reason": _("Choose a listing ground.")})
    if reason in (ListingReason.TWO_YEARS_ABNORMAL, ListingReason.REVOKED):
        raise ValidationError({"reason": _("This ground is entered by the system (escalation or revocation).")})
    if org.status in (OrgStatus.NAME_APPROVED, OrgStatus.PREPARING):
        raise TransitionRefused(_("The organisation is not registered yet."))
    if not (reason_text or "").strip():
        raise ValidationError({"reason_text": _("State the facts of the listing.")})
    return _list(actor=actor, org=org, reason=reason, on=_today(on), reason_text=reason_text, basis_ref=basis_ref,
                 on_behalf_of=on_behalf_of)


@transaction.atomic
def record_penalty(*, actor, org: Organisation, kind: str, decided_on: datetime.date, reference: str,
                   amount: Decimal = Decimal(0)) -> CreditListing:
    """A warning or fine, and the listing it brings: a large fine or the second penalty within the
    window puts the organisation on the serious list, any other on the abnormal list."""
    org = _locked(org, actor)
    amount = Decimal(amount or 0)
    if kind == PenaltyKind.FINE and amount <= 0:
        raise ValidationError({"amount": _("A fine has an amount.")})
    penalty = Penalty(organisation=org, kind=kind, amount=amount if kind == PenaltyKind.FINE else 0,
                      decided_on=decided_on, reference=reference)
    penalty.full_clean()
    penalty.save()
    audit.record(actor=actor, action="social_orgs.penalty.record", target=penalty, area=org.area,
                 changes={"kind": [None, kind], "amount": [None, str(amount)]})
    window_start = add_months(decided_on, -rules.rule("repeat_window_months"))
    recent = org.penalties.filter(decided_on__gt=window_start, decided_on__lte=decided_on).count()
    if kind == PenaltyKind.FINE and amount >= rules.rule("large_fine_yuan"):
        reason = ListingReason.LARGE_FINE
    elif recent >= rules.rule("repeat_count"):
        reason = ListingReason.REPEATED_PENALTIES
    else:
        reason = ListingReason.WARNING_OR_SMALL_FINE
    text = _("%(kind)s %(ref)s of %(d)s") % {"kind": penalty.get_kind_display(), "ref": reference, "d": decided_on}
    return _list(actor=actor, org=org, reason=reason, on=decided_on, reason_text=text, basis_ref=f"penalty:{reference}")


def _locked_listing(listing, actor) -> CreditListing:
    qs = CreditListing.objects.select_for_update(of=("self",)).select_related("organisation__area")
    if actor is not None:
        qs = qs & CreditListing.objects.restrict(actor, "change")
    found = qs.filter(pk=listing.pk).first()
    if found is None:
        from core.exceptions import OutOfScope

        raise OutOfScope(_("No such record."))
    if found.status != ListingStatus.LISTED:
        raise TransitionRefused(_("This listing has ended already."))
    return found


@transaction.atomic
def verify_rectification(*, actor, listing: CreditListing, on=None, note: str) -> CreditListing:
    """The authority has verified the organisation's rectification (on its application): the
    listing must now be removed within the rule's working days."""
    listing = _locked_listing(listing, actor)
    if listing.list_type != ListType.ABNORMAL or not listing.rectifiable:
        raise TransitionRefused(_("This listing has nothing to rectify."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was rectified and how it was verified.")})
    listing.rectified_on, listing.rectification_note = _today(on), note.strip()
    rules.compute_dates(listing)
    listing.save()
    audit.record(actor=actor, action="social_orgs.creditlisting.verify", target=listing,
                 area=listing.organisation.area, reason=note, changes={"exit_due_by": [None, listing.exit_due_by]})
    return listing


def exit_problem(listing: CreditListing, on: datetime.date, reason: str) -> str | None:
    if reason == ExitReason.CORRECTED:
        return None
    if listing.list_type == ListType.SERIOUS:
        if on < listing.earliest_exit_on:
            return _("The serious list is left on application after two clean years: not before %(d)s.") % {
                "d": listing.earliest_exit_on}
        return None
    if not listing.rectifiable:
        if on < listing.auto_exit_on:
            return _("Nothing to rectify: the listing ends automatically on %(d)s.") % {"d": listing.auto_exit_on}
        return None
    if not listing.rectified_on:
        return _("The rectification has not been verified yet.")
    return None


def _exit(listing, *, actor, on, reason, note=""):
    listing.status, listing.exited_on, listing.exit_reason = ListingStatus.EXITED, on, reason
    listing.exit_note, listing.exited_by = note, actor
    listing.save()
    audit.record(actor=actor, action="social_orgs.creditlisting.exit", target=listing, area=listing.organisation.area,
                 reason=note, changes={"status": [ListingStatus.LISTED, ListingStatus.EXITED], "exit_reason": [None, reason]})
    return listing


@transaction.atomic
def remove_listing(*, actor, listing: CreditListing, on=None, note: str = "", correction: bool = False) -> CreditListing:
    """The organisation leaves the list, on application (or because the listing was wrong)."""
    listing = _locked_listing(listing, actor)
    on = _today(on)
    if correction:
        reason = ExitReason.CORRECTED
        if not note.strip():
            raise ValidationError({"note": _("Say why the listing was wrong.")})
    elif listing.list_type == ListType.SERIOUS:
        reason = ExitReason.CLEAN_PERIOD
    else:
        reason = ExitReason.RECTIFIED if listing.rectifiable else ExitReason.AUTOMATIC
    problem = exit_problem(listing, on, reason)
    if problem:
        raise TransitionRefused(problem)
    return _exit(listing, actor=actor, on=on, reason=reason, note=note)


# --- the timers ---------------------------------------------------------------------------------------
def missed_reports(today: datetime.date, *, unlisted: bool = False):
    """(organisation, report year, deadline) whose report to the registration authority is overdue
    today; with ``unlisted``, only those not yet listed for that report. One query per type: the
    deadline depends only on the type and the year."""
    from django.db.models import Exists, OuterRef

    out = []
    for org_type in OrgType.values:
        year = today.year - 1
        _s, deadline = rules.report_deadlines(org_type, year)
        if today <= deadline:
            year -= 1  # this spring's deadline is still open; check the year before
            _s, deadline = rules.report_deadlines(org_type, year)
        orgs = (Organisation.objects.registered().filter(org_type=org_type, founded_on__year__lte=year)
                .exclude(Exists(AnnualReport.objects.filter(organisation=OuterRef("pk"), year=year,
                                                            submitted_on__lte=deadline))))
        if unlisted:
            basis = f"annual-report:{year}"
            if connection.features.supports_json_field_contains:
                orgs = orgs.exclude(Exists(CreditListing.objects.filter(
                    organisation=OuterRef("pk"), events__contains=[{"basis": basis}])))
            else:  # SQLite (make run) has no JSON containment: the listings are few, read them
                orgs = orgs.exclude(pk__in={
                    org_id for org_id, events in CreditListing.objects.values_list("organisation_id", "events")
                    if any(isinstance(e, dict) and e.get("basis") == basis for e in events or ())})
        out.extend((org, year, deadline) for org in orgs.select_related("area").iterator(chunk_size=500))
    return out


@transaction.atomic
def list_missed_report(*, org, year, deadline, today) -> CreditListing:
    return _list(actor=None, org=org, reason=ListingReason.LATE_REPORT, on=today,
                 reason_text=_("The annual work report of %(y)s was not filed by %(d)s.") % {"y": year, "d": deadline},
                 basis_ref=f"annual-report:{year}")


@transaction.atomic
def escalate(*, listing_id: int, today) -> CreditListing | None:
    """Two years on the abnormal list: it moves to the serious list (claimed with a conditional UPDATE)."""
    listing = CreditListing.objects.select_for_update(of=("self",)).select_related("organisation__area").filter(
        pk=listing_id, status=ListingStatus.LISTED, list_type=ListType.ABNORMAL, escalates_on__lte=today).first()
    if listing is None:
        return None
    listing.status, listing.exited_on = ListingStatus.ESCALATED, listing.escalates_on
    listing.save()
    serious = _list(actor=None, org=listing.organisation, reason=ListingReason.TWO_YEARS_ABNORMAL,
                    on=listing.escalates_on, basis_ref=f"escalation:{listing.pk}",
                    reason_text=_("On the abnormal-activities list since %(d)s (%(r)s).")
                    % {"d": listing.listed_on, "r": listing.get_reason_display()})
    listing.escalated_to = serious
    listing.save(update_fields=["escalated_to"])
    audit.record(actor=None, action="social_orgs.creditlisting.escalate", target=listing,
                 area=listing.organisation.area, changes={"escalated_to": [None, serious.pk]})
    return serious


@transaction.atomic
def expire(*, listing_id: int, today) -> CreditListing | None:
    listing = CreditListing.objects.select_for_update(of=("self",)).select_related("organisation__area").filter(
        pk=listing_id, status=ListingStatus.LISTED, auto_exit_on__lte=today).first()
    if listing is None:
        return None
    return _exit(listing, actor=None, on=listing.auto_exit_on, reason=ExitReason.AUTOMATIC)


def zombies(today: datetime.date):
    cutoff = add_months(today, -rules.rule("zombie_months"))
    return Organisation.objects.filter(status=OrgStatus.ACTIVE, founded_on__lt=cutoff, first_activity_on__isnull=True)


@transaction.atomic
def propose_revocation(*, org, today) -> tuple[RevocationProposal, bool]:
    """A case file for the registrar: the system proposes, a person decides."""
    existing = RevocationProposal.objects.filter(organisation=org, ground=RevocationGround.ZOMBIE).first()
    if existing is not None:
        return existing, False
    reports = list(AnnualReport.objects.filter(organisation=org).values("year", "submitted_on"))
    case = {"certificate_on": str(org.founded_on), "first_activity_on": None, "annual_reports": [
        {"year": r["year"], "submitted_on": str(r["submitted_on"])} for r in reports],
        "open_listings": [f"{x.get_list_type_display()}: {x.get_reason_display()} ({x.listed_on})"
                          for x in org.listings.filter(status=ListingStatus.LISTED)],
        "rule": rules.RULES["zombie_months"][3]}
    proposal = RevocationProposal.objects.create(organisation=org, ground=RevocationGround.ZOMBIE, proposed_on=today,
                                                 case_file=case)
    audit.record(actor=None, action="social_orgs.revocationproposal.propose", target=proposal, area=org.area,
                 changes={"ground": [None, RevocationGround.ZOMBIE]})
    return proposal, True


@transaction.atomic
def dismiss_proposal(*, actor, proposal: RevocationProposal, note: str) -> RevocationProposal:
    qs = RevocationProposal.objects.select_for_update()
    if actor is not None:
        qs = qs & RevocationProposal.objects.restrict(actor, "change")
    proposal = qs.filter(pk=proposal.pk, status=ProposalStatus.OPEN).first()
    if proposal is None:
        from core.exceptions import OutOfScope

        raise OutOfScope(_("No such record."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the organisation is not revoked.")})
    proposal.status, proposal.decided_by, proposal.decision_note = ProposalStatus.DISMISSED, actor, note
    proposal.save()
    audit.record(actor=actor, action="social_orgs.revocationproposal.dismiss", target=proposal,
                 area=proposal.organisation.area, reason=note)
    return proposal


def run_timers(today: datetime.date | None = None) -> dict:
    """The nightly credit-list timers, safe to run twice: missed report deadlines list the
    organisation, escalation dates move it, expiries remove it, zombies are proposed for revocation."""
    today = today or timezone.localdate()
    with rules.kept():
        return _run_timers(today)


TIMER_BATCH = 1000  # changes per transaction of the nightly run


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _run_timers(today) -> dict:
    """Set-wise, one transaction per batch of ``TIMER_BATCH`` changes: the rows of a batch are
    locked and re-checked (a concurrent change is simply not due any more), written with bulk
    statements, and each change keeps its own audit event (written in bulk, as ``_list`` and
    ``_exit`` write them one by one). The same decisions as ``list_missed_report``, ``escalate``,
    ``expire`` and ``propose_revocation``."""
    done = {"listed": 0, "escalated": 0, "expired": 0, "proposed": 0}
    missed = missed_reports(today, unlisted=True)
    for batch in _chunks(missed, TIMER_BATCH):
        done["listed"] += _list_missed_batch(batch, today)
    due = list(CreditListing.objects.filter(status=ListingStatus.LISTED, list_type=ListType.ABNORMAL,
                                            escalates_on__lte=today).order_by("pk").values_list("pk", flat=True))
    for batch in _chunks(due, TIMER_BATCH):
        done["escalated"] += _escalate_batch(batch, today)
    due = list(CreditListing.objects.filter(status=ListingStatus.LISTED, auto_exit_on__lte=today)
               .order_by("pk").values_list("pk", flat=True))
    for batch in _chunks(due, TIMER_BATCH):
        done["expired"] += _expire_batch(batch, today)
    from django.db.models import Exists, OuterRef

    new_zombies = zombies(today).exclude(Exists(RevocationProposal.objects.filter(
        organisation=OuterRef("pk"), ground=RevocationGround.ZOMBIE)))
    for batch in _chunks(list(new_zombies.order_by("pk").values_list("pk", flat=True)), TIMER_BATCH):
        done["proposed"] += _propose_batch(batch, today)
    return done


_NO_FK_CHECK = ["organisation", "decided_by", "exited_by", "escalated_to"]
_RESTART_FIELDS = ["events", "clock_from", "restart_count", "rectified_on", "rectification_note", "rectifiable",
                   "escalates_on", "auto_exit_on", "earliest_exit_on", "exit_due_by"]


def _list_many(entries: list[dict]) -> list[CreditListing | None]:
    """``_list`` for many events of the system at once (inside the caller's transaction): each
    entry {org, reason, on, reason_text, basis_ref} enters its organisation on the list, or
    restarts the open listing's clock, or (the same basis already recorded) changes nothing.
    Returns each entry's listing; one audit event per entry that changed something."""
    keys = {(e["org"].pk, list_type_of(e["reason"])) for e in entries}
    open_ = {}
    for listing in CreditListing.objects.select_for_update(of=("self",)).filter(
            organisation_id__in={k[0] for k in keys}, list_type__in={k[1] for k in keys}, status=ListingStatus.LISTED):
        open_[(listing.organisation_id, listing.list_type)] = listing
    created, restarted, events, out = [], {}, [], []
    for e in entries:
        org, reason, on = e["org"], e["reason"], e["on"]
        list_type = list_type_of(reason)
        event = {"on": on.isoformat(), "reason": str(reason), "text": e["reason_text"], "basis": e["basis_ref"]}
        listing = open_.get((org.pk, list_type))
        if listing is not None:
            if e["basis_ref"] and any(x.get("basis") == e["basis_ref"] for x in listing.events):
                out.append(listing)
                continue
            listing.events = [*listing.events, event]
            listing.clock_from = max(listing.clock_from, on)
            listing.restart_count += 1
            listing.rectified_on, listing.rectification_note = None, ""
            listing.rectifiable = listing.rectifiable or reason not in NOT_RECTIFIABLE
            rules.compute_dates(listing)
            if listing.pk is not None:
                restarted[listing.pk] = listing
            events.append(("restart", listing, org, e["reason_text"],
                           {"event": [None, event], "clock_from": [None, listing.clock_from]}))
            out.append(listing)
            continue
        listing = CreditListing(organisation=org, list_type=list_type, reason=reason, reason_text=e["reason_text"],
                                basis_ref=e["basis_ref"], listed_on=on, clock_from=on, events=[event],
                                rectifiable=reason not in NOT_RECTIFIABLE)
        rules.compute_dates(listing)
        # Field validation; the one-open-listing constraint is the database's, under the lock taken above,
        # and the organisation is the row this run read (no existence query per listing).
        listing.full_clean(exclude=_NO_FK_CHECK, validate_unique=False, validate_constraints=False)
        created.append(listing)
        open_[(org.pk, list_type)] = listing
        events.append(("enter", listing, org, e["reason_text"], {"list_type": [None, list_type], "reason": [None, reason]}))
        out.append(listing)
    CreditListing.objects.bulk_create(created)
    CreditListing.objects.bulk_update(list(restarted.values()), _RESTART_FIELDS)
    lists = {value: str(label) for value, label in ListType.choices}  # str(listing) without a lookup per row
    audit.record_many([audit.build(actor=None, action=f"social_orgs.creditlisting.{what}", target=listing,
                                   area=org.area, reason=text, changes=changes,
                                   label=f"{org.name} · {lists[listing.list_type]}")
                       for what, listing, org, text, changes in events])
    return out


@transaction.atomic
def _list_missed_batch(batch: list[tuple], today) -> int:
    text = _("The annual work report of %(y)s was not filed by %(d)s.")
    entries = [{"org": org, "reason": ListingReason.LATE_REPORT, "on": today, "basis_ref": f"annual-report:{year}",
                "reason_text": text % {"y": year, "d": deadline}} for org, year, deadline in batch]
    _list_many(entries)
    return len(entries)


@transaction.atomic
def _escalate_batch(ids: list[int], today) -> int:
    """``escalate`` for a batch: the abnormal listings still due (locked, re-checked) move to the
    serious list."""
    listings = list(CreditListing.objects.select_for_update(of=("self",)).select_related("organisation__area")
                    .filter(pk__in=ids, status=ListingStatus.LISTED, list_type=ListType.ABNORMAL,
                            escalates_on__lte=today).order_by("pk"))
    if not listings:
        return 0
    from django.db.models import F

    for listing in listings:
        listing.status, listing.exited_on = ListingStatus.ESCALATED, listing.escalates_on
    CreditListing.objects.filter(pk__in=[x.pk for x in listings]).update(status=ListingStatus.ESCALATED,
                                                                         exited_on=F("escalates_on"))
    text, reasons = _("On the abnormal-activities list since %(d)s (%(r)s)."), dict(ListingReason.choices)
    serious = _list_many([
        {"org": x.organisation, "reason": ListingReason.TWO_YEARS_ABNORMAL, "on": x.escalates_on,
         "basis_ref": f"escalation:{x.pk}", "reason_text": text % {"d": x.listed_on, "r": reasons[x.reason]}}
        for x in listings])
    for listing, moved_to in zip(listings, serious, strict=True):
        listing.escalated_to = moved_to
    _set_escalated_to([(x.pk, x.escalated_to.pk) for x in listings])
    label = str(ListType.ABNORMAL.label)
    audit.record_many([audit.build(actor=None, action="social_orgs.creditlisting.escalate", target=x,
                                   area=x.organisation.area, changes={"escalated_to": [None, x.escalated_to.pk]},
                                   label=f"{x.organisation.name} · {label}")
                       for x in listings])
    return len(listings)


def _set_escalated_to(pairs: list[tuple[int, int]]) -> None:
    """One UPDATE … FROM (VALUES …) for a batch (``bulk_update``'s CASE per row costs seconds)."""
    if not pairs:
        return
    from django.db import connection

    if connection.vendor != "postgresql":  # SQLite (make run) has no VALUES column aliases; its batches are small
        CreditListing.objects.bulk_update([CreditListing(pk=pk, escalated_to_id=target) for pk, target in pairs],
                                          ["escalated_to"], batch_size=200)
        return
    table = CreditListing._meta.db_table
    values = ", ".join(["(%s, %s)"] * len(pairs))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} AS l SET escalated_to_id = v.target FROM (VALUES {values}) AS v(id, target) "
                       "WHERE l.id = v.id", [n for pair in pairs for n in pair])


@transaction.atomic
def _expire_batch(ids: list[int], today) -> int:
    """``expire`` for a batch: the listings whose automatic exit date has come leave the list."""
    listings = list(CreditListing.objects.select_for_update(of=("self",)).select_related("organisation__area")
                    .filter(pk__in=ids, status=ListingStatus.LISTED, auto_exit_on__lte=today).order_by("pk"))
    from django.db.models import F

    CreditListing.objects.filter(pk__in=[x.pk for x in listings]).update(
        status=ListingStatus.EXITED, exited_on=F("auto_exit_on"), exit_reason=ExitReason.AUTOMATIC, exit_note="",
        exited_by=None)
    lists = {value: str(label) for value, label in ListType.choices}
    audit.record_many([audit.build(actor=None, action="social_orgs.creditlisting.exit", target=x,
                                   area=x.organisation.area, label=f"{x.organisation.name} · {lists[x.list_type]}",
                                   changes={"status": [ListingStatus.LISTED, ListingStatus.EXITED],
                                            "exit_reason": [None, ExitReason.AUTOMATIC]})
                       for x in listings])
    return len(listings)


@transaction.atomic
def _propose_batch(ids: list[int], today) -> int:
    """``propose_revocation`` for a batch of zombies without a proposal (re-checked under lock)."""
    from django.db.models import Exists, OuterRef

    orgs = list(zombies(today).select_for_update(of=("self",)).select_related("area").filter(pk__in=ids)
                .exclude(Exists(RevocationProposal.objects.filter(organisation=OuterRef("pk"),
                                                                  ground=RevocationGround.ZOMBIE))).order_by("pk"))
    if not orgs:
        return 0
    reports, listings = {}, {}
    for r in AnnualReport.objects.filter(organisation__in=orgs).values("organisation_id", "year", "submitted_on"):
        reports.setdefault(r["organisation_id"], []).append({"year": r["year"], "submitted_on": str(r["submitted_on"])})
    for x in CreditListing.objects.filter(organisation__in=orgs, status=ListingStatus.LISTED).order_by("-listed_on", "-id"):
        listings.setdefault(x.organisation_id, []).append(
            f"{x.get_list_type_display()}: {x.get_reason_display()} ({x.listed_on})")
    proposals = RevocationProposal.objects.bulk_create([
        RevocationProposal(organisation=org, ground=RevocationGround.ZOMBIE, proposed_on=today, case_file={
            "certificate_on": str(org.founded_on), "first_activity_on": None,
            "annual_reports": reports.get(org.pk, []), "open_listings": listings.get(org.pk, []),
            "rule": rules.RULES["zombie_months"][3]}) for org in orgs])
    audit.record_many([audit.build(actor=None, action="social_orgs.revocationproposal.propose", target=p,
                                   area=p.organisation.area, changes={"ground": [None, RevocationGround.ZOMBIE]})
                       for p in proposals])
    return len(proposals)


# --- grades, directory, inspections, support, community orgs ----------------------------------------
def evaluation_problem(org: Organisation, on: datetime.date) -> str | None:
    """Why ``org`` may not be evaluated on ``on`` (社会组织评估管理办法, 民政部令第39号 Arts. 6-7), or None."""
    if org.status not in (OrgStatus.ACTIVE, OrgStatus.CHANGING):
        return _("Only a registered organisation is evaluated.")
    if not org.founded_on or on < add_months(org.founded_on, 24):
        return _("An organisation is evaluated after two full years of registration.")
    current = org.evaluations.filter(valid_until__gte=on).order_by("-evaluated_on").first()
    if current is not None:
        return _("Its grade %(g)s is valid until %(d)s.") % {"g": current.get_grade_display(), "d": current.valid_until}
    listing = org.listings.filter(status=ListingStatus.LISTED, listed_on__lte=on).first()
    if listing is not None:
        return _("It is on the %(list)s.") % {"list": listing.get_list_type_display()}
    last_year = on.year - 1
    if org.founded_on.year <= last_year - 1:  # registered for the whole of last year's reporting
        report = org.annual_reports.filter(year=last_year - 1 if on.month < 6 else last_year).first()
        if report is None or not report.submitted_on:
            return _("Its latest annual report was not filed.")
        if report.result == ReportResult.FAIL:
            return _("Its latest annual report failed.")
        basics = org.annual_reports.filter(year__in=[report.year, report.year - 1], result=ReportResult.BASIC).count()
        if basics == 2:
            return _("Its annual reports were only basically passed two years running.")
    if org.penalties.filter(decided_on__year=last_year).exists():
        return _("It was penalised last year.")
    return None


@transaction.atomic
def record_evaluation(*, actor, org: Organisation, grade: int, evaluated_on: datetime.date, score: int = 0) -> Evaluation:
    """A grade 1A–5A after the evaluation, valid five years; eligibility and exclusions checked."""
    org = _locked(org, actor)
    problem = evaluation_problem(org, evaluated_on)
    if problem:
        raise TransitionRefused(problem)
    ev = Evaluation(organisation=org, grade=grade, evaluated_on=evaluated_on, score=score)
    ev.valid_until = evaluated_on
    ev.full_clean()
    ev.save()
    audit.record(actor=actor, action="social_orgs.evaluation.record", target=ev, area=org.area,
                 changes={"grade": [None, grade], "valid_until": [None, ev.valid_until]})
    return ev


def directory_exclusion(org: Organisation, year: int, on: datetime.date) -> str | None:
    """Why ``org`` cannot be in ``year``'s purchase directory on ``on``, or None."""
    if org.status not in (OrgStatus.ACTIVE, OrgStatus.CHANGING):
        return _("not a registered organisation")
    listing = org.listings.filter(status=ListingStatus.LISTED).first()
    if listing is not None:
        return _("on the %(list)s since %(d)s") % {"list": listing.get_list_type_display(), "d": listing.listed_on}
    grade = org.evaluations.filter(evaluated_on__lte=on, valid_until__gte=on).order_by("-grade").first()
    if grade is None or grade.grade < 3:
        return _("no valid grade of 3A or above")
    report_year = year - 1
    if org.founded_on and org.founded_on.year <= report_year:
        _s, deadline = rules.report_deadlines(org.org_type, report_year)
        if not org.annual_reports.filter(year=report_year, submitted_on__lte=deadline).exists():
            return _("the annual report of %(y)s was not filed on time") % {"y": report_year}
    return None


def _directory_entry(actor, org, year, on, reason):
    entry, _c = DirectoryEntry.objects.update_or_create(
        organisation=org, year=year,
        defaults={"included": reason is None, "reason": reason or _("3A or above, not listed, report on time"),
                  "built_on": on})
    return entry


@transaction.atomic
def add_to_directory(*, actor, org: Organisation, year: int, on=None) -> DirectoryEntry:
    """One organisation into the directory by hand: refused where the rule excludes it."""
    org = _locked(org, actor)
    on = _today(on)
    reason = directory_exclusion(org, year, on)
    if reason:
        raise TransitionRefused(_("Not admissible: %(r)s.") % {"r": reason})
    entry = _directory_entry(actor, org, year, on, None)
    audit.record(actor=actor, action="social_orgs.directoryentry.add", target=entry, area=org.area)
    return entry


@transaction.atomic
def rebuild_directory(*, actor, year: int, on=None) -> dict:
    """The year's directory rebuilt by rule over every registered organisation in the actor's
    scope, each exclusion with its reason."""
    on = _today(on)
    orgs = Organisation.objects.filter(status__in=[OrgStatus.ACTIVE, OrgStatus.CHANGING])
    if actor is not None:
        orgs = orgs.restrict(actor, "change")
    counts = {"included": 0, "excluded": 0}
    for org in orgs.iterator(chunk_size=1000):
        entry = _directory_entry(actor, org, year, on, directory_exclusion(org, year, on))
        counts["included" if entry.included else "excluded"] += 1
    audit.record(actor=actor, action="social_orgs.directory.rebuild", label=str(year),
                 changes={"year": [None, year], **{k: [None, v] for k, v in counts.items()}})
    return counts


@transaction.atomic
def record_inspection(*, actor, org: Organisation, kind: str, method: str, inspected_on: datetime.date,
                      inspectors: list[str], findings: str = "", rectification_deadline=None,
                      refund_yuan: Decimal = Decimal(0), published: bool = True) -> Inspection:
    """An inspection's result, entered by the registrar on the inspectors' behalf (they are named)."""
    org = _locked(org, actor)
    names = [n.strip() for n in inspectors if n and n.strip()]
    if len(set(names)) < 2:
        raise ValidationError({"inspectors": _("An inspection is carried out by at least two inspectors.")})
    if kind == InspectionKind.FEE and not org.is_industry_association:
        raise ValidationError({"kind": _("Fee inspections concern industry associations and chambers.")})
    ins = Inspection(organisation=org, kind=kind, method=method, inspected_on=inspected_on,
                     inspectors="、".join(names), findings=findings, rectification_deadline=rectification_deadline,
                     refund_yuan=refund_yuan, published=published)
    ins.full_clean()
    ins.save()
    audit.record(actor=actor, action="social_orgs.inspection.record", target=ins, area=org.area,
                 changes={"kind": [None, kind], "method": [None, method], "inspectors": [None, ins.inspectors]})
    return ins


@transaction.atomic
def open_venture_round(*, actor, area, year: int, title: str, budget: Decimal, max_grant: Decimal):
    from .models import VentureRound

    require_in_scope(actor, _perm(VentureRound, "add"), area.code)
    rnd = VentureRound(area=area, year=year, title=title, budget=Decimal(budget), max_grant=Decimal(max_grant))
    rnd.full_clean()
    rnd.save()
    audit.record(actor=actor, action="social_orgs.ventureround.open", target=rnd,
                 changes={"budget": [None, str(rnd.budget)], "max_grant": [None, str(rnd.max_grant)]})
    return rnd


@transaction.atomic
def record_grant(*, actor, kind: str, area, year: int, title: str, amount: Decimal, granted_on: datetime.date,
                 org: Organisation | None = None, venture_round=None) -> SupportGrant:
    require_in_scope(actor, _perm(SupportGrant, "add"), area.code)
    amount = Decimal(amount)
    if kind == SupportKind.VENTURE:
        if org is None:
            raise ValidationError({"organisation": _("A venture-philanthropy grant goes to an organisation.")})
        if venture_round is None:
            raise ValidationError({"venture_round": _("A venture-philanthropy grant belongs to a round.")})
        from django.db.models import Sum

        from .models import VentureRound

        rnd = VentureRound.objects.select_for_update().get(pk=venture_round.pk)
        if amount > rnd.max_grant:
            raise ValidationError({"amount": _("The round grants at most %(max)s yuan a project.") % {"max": rnd.max_grant}})
        spent = rnd.grants.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if spent + amount > rnd.budget:
            raise ValidationError({"amount": _("Only %(left)s yuan of the round's budget is left.")
                                   % {"left": rnd.budget - spent}})
        if rnd.grants.filter(organisation=org).exists():
            raise ValidationError({"organisation": _("One grant per organisation and round.")})
    if org is not None and org.listings.filter(status=ListingStatus.LISTED, list_type=ListType.SERIOUS).exists():
        raise TransitionRefused(_("An organisation on the serious list receives no grants."))
    grant = SupportGrant(kind=kind, area=area, year=year, title=title, amount=amount, granted_on=granted_on,
                         organisation=org, venture_round=venture_round if kind == SupportKind.VENTURE else None)
    grant.full_clean()
    grant.save()
    audit.record(actor=actor, action="social_orgs.supportgrant.record", target=grant,
                 changes={"kind": [None, kind], "amount": [None, str(amount)]})
    recheck(actor, grant)
    return grant


@transaction.atomic
def file_community_org(*, actor, name: str, area, field: str, mode: str, filed_on: datetime.date,
                       organisation: Organisation | None = None) -> CommunityOrg:
    require_in_scope(actor, _perm(CommunityOrg, "add"), area.code)
    if area.level != AreaLevel.COMMUNITY:
        raise ValidationError({"area": _("A community social organisation's area is the community it serves.")})
    org = CommunityOrg(name=(name or "").strip(), area=area, field=field, mode=mode, filed_on=filed_on,
                       organisation=organisation)
    org.full_clean()
    org.save()
    audit.record(actor=actor, action="social_orgs.communityorg.file", target=org,
                 changes={"mode": [None, mode], "field": [None, field]})
    return org


def bulk_file_community_orgs(rows: list[CommunityOrg]) -> int:
    """The demo's and a street's register import: bulk rows with their audit rows in bulk."""
    created = CommunityOrg.objects.bulk_create(rows, batch_size=2000)
    audit.record_many([audit.build(actor=None, action="social_orgs.communityorg.file", target=o,
                                   changes={"mode": [None, o.mode]}) for o in created])
    return len(created)


@transaction.atomic
def set_credit_rule(*, actor, key: str, value: int, legal_source: str):
    """A rule value changed by the city (a new local rule or amended law), with its source."""
    from core.recorded import update_recorded
    from core.services import require_perm

    from .models import CreditRule

    require_perm(actor, "social_orgs.change_creditrule")
    if not (legal_source or "").strip():
        raise ValidationError({"legal_source": _("Name the legal source of the value.")})
    return update_recorded(CreditRule.objects.get(key=key), {"value": value, "legal_source": legal_source.strip()},
                           allowed=["value", "legal_source"], actor=actor, action="social_orgs.creditrule.change")


# --- random inspections (双随机一公开) -----------------------------------------------------------------
@transaction.atomic
def create_plan(*, actor, area, year: int, level: str, items: list[str], inspectors: list[dict]):
    """Freeze the pools of a regular plan: every organisation registered by the authority of ``area``
    and the inspectors with their declared conflicts (unified social credit codes)."""
    from . import draws
    from .choices import PLAN_RATIO_RULE, PlanLevel
    from .models import InspectionPlan

    require_in_scope(actor, _perm(InspectionPlan, "add"), area.code)
    if level not in PlanLevel.values:
        raise ValidationError({"level": _("Choose the plan's level.")})
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise ValidationError({"items": _("List the inspection items (一单).")})
    orgs = sorted([pk, code] for pk, code in Organisation.objects.filter(
        area=area, status__in=[OrgStatus.ACTIVE, OrgStatus.CHANGING]).values_list("pk", "uscc"))
    pool = sorted(({"name": p["name"].strip(), "conflicts": sorted(set(p.get("conflicts", [])))}
                   for p in inspectors if p.get("name", "").strip()), key=lambda p: p["name"])
    if len({p["name"] for p in pool}) < rules.rule("inspectors_per_task"):
        raise ValidationError({"inspectors": _("The inspector pool needs at least two people.")})
    ratio = rules.rule(PLAN_RATIO_RULE[level])
    plan = InspectionPlan(year=year, level=level, area=area, items=items, min_ratio_pct=ratio, org_pool=orgs,
                          inspector_pool=pool, pools_hash=draws.pools_hash(items, orgs, pool),
                          sample_size=draws.sample_size(len(orgs), ratio))
    plan.full_clean()
    plan.save()
    audit.record(actor=actor, action="social_orgs.inspectionplan.freeze", target=plan,
                 changes={"pools_hash": [None, plan.pools_hash], "sample_size": [None, plan.sample_size]})
    return plan


@transaction.atomic
def draw_plan(*, actor, plan, seed: str):
    """The draw, from the published seed; once drawn it can only be replayed, never redrawn."""
    from . import draws
    from .choices import PlanStatus
    from .models import InspectionPlan

    qs = InspectionPlan.objects.select_for_update(of=("self",))
    if actor is not None:
        qs = qs & InspectionPlan.objects.restrict(actor, "change")
    plan = qs.filter(pk=plan.pk).first()
    if plan is None:
        from core.exceptions import OutOfScope

        raise OutOfScope(_("No such record."))
    if plan.status == PlanStatus.DRAWN:
        raise TransitionRefused(_("This plan has been drawn; anyone may replay the draw, nobody may redo it."))
    if not (seed or "").strip():
        raise ValidationError({"seed": _("Give the published seed.")})
    if draws.pools_hash(plan.items, plan.org_pool, plan.inspector_pool) != plan.pools_hash:
        raise TransitionRefused(_("The frozen pools no longer match their published hash."))
    try:
        result = draws.draw(seed=seed.strip(), pools_hash_=plan.pools_hash, org_pool=plan.org_pool,
                            inspector_pool=plan.inspector_pool, size=plan.sample_size,
                            per_task=rules.rule("inspectors_per_task"))
    except draws.TooFewInspectors as exc:
        raise TransitionRefused(_("Only %(n)s inspectors without a conflict are left for %(code)s.")
                                % {"n": exc.available, "code": exc.uscc})
    plan.seed, plan.draw, plan.status, plan.drawn_at = seed.strip(), result, PlanStatus.DRAWN, timezone.now()
    plan.save(update_fields=["seed", "draw", "status", "drawn_at"])  # the frozen pools are not written again
    audit.record(actor=actor, action="social_orgs.inspectionplan.draw", target=plan,
                 changes={"seed": [None, plan.seed], "drawn": [None, [r["uscc"] for r in result]]})
    return plan


def replay_matches(plan, seed: str) -> bool:
    """Whether re-running the draw from ``seed`` and the published pools gives the published draw."""
    from . import draws

    if draws.pools_hash(plan.items, plan.org_pool, plan.inspector_pool) != plan.pools_hash:
        return False
    return draws.draw(seed=seed, pools_hash_=plan.pools_hash, org_pool=plan.org_pool,
                      inspector_pool=plan.inspector_pool, size=plan.sample_size,
                      per_task=rules.rule("inspectors_per_task")) == plan.draw


# --- the results of a drawn plan (双随机一公开: 结果公开) ---------------------------------------------
def _locked_plan(plan, actor):
    from .models import InspectionPlan

    qs = InspectionPlan.objects.select_for_update(of=("self",)).select_related("area")
    if actor is not None:
        qs = qs & InspectionPlan.objects.restrict(actor, "change")
    found = qs.filter(pk=plan.pk).first()
    if found is None:
        from core.exceptions import OutOfScope

        raise OutOfScope(_("No such record."))
    return found


@transaction.atomic
def record_draw_result(*, actor, plan, organisation: int | Organisation, method: str, inspected_on: datetime.date,
                       findings: str = "", rectification_deadline: datetime.date | None = None,
                       published: bool = True) -> Inspection:
    """The result of inspecting one organisation the draw selected, entered on behalf of the two
    inspectors the draw assigned (they are named on the record; nobody else may be)."""
    from .choices import InspectionMethod, PlanStatus

    plan = _locked_plan(plan, actor)
    if plan.status != PlanStatus.DRAWN:
        raise TransitionRefused(_("The plan has not been drawn yet."))
    org_id = organisation.pk if isinstance(organisation, Organisation) else int(organisation)
    row = next((r for r in plan.draw if r["organisation"] == org_id), None)
    if row is None:
        raise ValidationError({"organisation": _("Only an organisation the draw selected is inspected under this "
                                                 "plan.")})
    if Inspection.objects.filter(plan=plan, organisation_id=org_id).exists():
        raise TransitionRefused(_("The result for this organisation has been recorded already."))
    if method not in InspectionMethod.values:
        raise ValidationError({"method": _("Choose written or on-site.")})
    if plan.drawn_at and inspected_on < timezone.localdate(plan.drawn_at):
        raise ValidationError({"inspected_on": _("An inspection under this plan happens after its draw (%(d)s).")
                               % {"d": timezone.localdate(plan.drawn_at)}})
    findings = (findings or "").strip()
    if rectification_deadline is not None:
        if not findings:
            raise ValidationError({"findings": _("A rectification deadline needs the findings to rectify.")})
        if rectification_deadline <= inspected_on:
            raise ValidationError({"rectification_deadline": _("The rectification deadline comes after the "
                                                               "inspection.")})
    org = Organisation.objects.select_related("area").get(pk=org_id)
    ins = Inspection(organisation=org, plan=plan, kind=InspectionKind.RANDOM, method=method,
                     inspected_on=inspected_on, inspectors="、".join(row["inspectors"]), findings=findings,
                     rectification_deadline=rectification_deadline, published=published)
    ins.full_clean()
    ins.save()
    audit.record(actor=actor, action="social_orgs.inspection.draw_result", target=ins, area=org.area,
                 changes={"plan": [None, plan.pk], "method": [None, method], "inspectors": [None, ins.inspectors],
                          "rectification_deadline": [None, rectification_deadline]})
    return ins


# --- venture-philanthropy projects (公益创投) ---------------------------------------------------------
def _payee(application):
    return application.organisation or application.host


@transaction.atomic
def apply_for_venture(*, actor, venture_round, title: str, requested: Decimal, applied_on: datetime.date,
                      organisation: Organisation | None = None, applicant_name: str = "",
                      host: Organisation | None = None, summary: str = ""):
    """An application to a round: a registered organisation applies itself; an unregistered
    community organisation applies through a registered host, which receives the money."""
    from .models import VentureApplication, VentureRound

    require_in_scope(actor, _perm(VentureApplication, "add"), venture_round.area.code)
    rnd = VentureRound.objects.select_related("area").get(pk=venture_round.pk)
    requested = Decimal(requested)
    applicant_name = (applicant_name or "").strip()
    if organisation is None and host is None:
        raise ValidationError({"organisation": _("Name the registered applicant, or the unregistered community "
                                                 "organisation and its registered host.")})
    if organisation is not None and (host is not None or applicant_name):
        raise ValidationError({"host": _("A registered organisation applies itself, without a host.")})
    if organisation is None and not applicant_name:
        raise ValidationError({"applicant_name": _("Name the unregistered community organisation the host "
                                                   "applies for.")})
    payee = organisation or host
    if payee.status not in (OrgStatus.ACTIVE, OrgStatus.CHANGING):
        field = "organisation" if organisation is not None else "host"
        raise ValidationError({field: _("%(name)s is not a registered organisation.") % {"name": payee.name}})
    if payee.listings.filter(status=ListingStatus.LISTED, list_type=ListType.SERIOUS).exists():
        raise TransitionRefused(_("%(name)s is on the serious list and may not apply or host.") % {"name": payee.name})
    if requested <= 0:
        raise ValidationError({"requested": _("Request an amount above zero.")})
    if requested > rnd.max_grant:
        raise ValidationError({"requested": _("The round grants at most %(max)s yuan a project.")
                               % {"max": rnd.max_grant}})
    application = VentureApplication(venture_round=rnd, area=rnd.area, title=(title or "").strip(),
                                     organisation=organisation, applicant_name=applicant_name, host=host,
                                     requested=requested, applied_on=applied_on, summary=summary)
    application.full_clean()
    application.save()
    audit.record(actor=actor, action="social_orgs.ventureapplication.apply", target=application,
                 changes={"requested": [None, str(requested)], "payee": [None, payee.name]})
    return application


def _locked_application(application, actor):
    from .models import VentureApplication

    qs = VentureApplication.objects.select_for_update(of=("self",)).select_related(
        "venture_round", "area", "organisation__area", "host__area")
    if actor is not None:
        qs = qs & VentureApplication.objects.restrict(actor, "change")
    found = qs.filter(pk=application.pk).first()
    if found is None:
        from core.exceptions import OutOfScope

        raise OutOfScope(_("No such record."))
    return found


@transaction.atomic
def review_application(*, actor, application, score: int, panel: str):
    """The review panel's score (评审), entered on its behalf."""
    from .choices import ApplicationStatus

    application = _locked_application(application, actor)
    if application.status != ApplicationStatus.APPLIED:
        raise TransitionRefused(_("The round has decided on this project already."))
    if score is None or not 0 <= int(score) <= 100:
        raise ValidationError({"review_score": _("A review score is between 0 and 100.")})
    if not (panel or "").strip():
        raise ValidationError({"reviewed_by": _("Name the review panel whose score this is.")})
    before = application.review_score
    application.review_score, application.reviewed_by = int(score), panel.strip()
    application.save(update_fields=["review_score", "reviewed_by"])
    audit.record(actor=actor, action="social_orgs.ventureapplication.review", target=application,
                 changes={"review_score": [before, application.review_score], "reviewed_by": [None, panel]})
    return application


@transaction.atomic
def decide_application(*, actor, application, approve: bool, on: datetime.date, amount: Decimal | None = None,
                       note: str = ""):
    """Grant the project (the round's cap, budget and one grant per payee checked by
    ``record_grant``) or refuse it with the reason."""
    from .choices import ApplicationStatus

    application = _locked_application(application, actor)
    if application.status != ApplicationStatus.APPLIED:
        raise TransitionRefused(_("The round has decided on this project already."))
    rnd = application.venture_round
    if approve:
        if application.review_score is None:
            raise TransitionRefused(_("The project has not been reviewed yet."))
        if application.review_score < rnd.pass_score:
            raise TransitionRefused(_("The review score %(s)s is below the round's %(p)s.")
                                    % {"s": application.review_score, "p": rnd.pass_score})
        amount = Decimal(amount if amount is not None else application.requested)
        if amount <= 0 or amount > application.requested:
            raise ValidationError({"amount": _("The grant is above zero and at most the amount requested (%(r)s).")
                                   % {"r": application.requested}})
        payee = _payee(application)
        area = payee.area if payee.area.code.startswith(rnd.area.prefix) else rnd.area
        application.grant = record_grant(actor=actor, kind=SupportKind.VENTURE, area=area, year=rnd.year,
                                         title=application.title, amount=amount, granted_on=on, org=payee,
                                         venture_round=rnd)
        application.status = ApplicationStatus.APPROVED
    else:
        if not (note or "").strip():
            raise ValidationError({"decision_note": _("Say why the project is not granted.")})
        application.status = ApplicationStatus.REJECTED
    application.decision_note = (note or "").strip()
    application.save(update_fields=["grant", "status", "decision_note"])
    audit.record(actor=actor, action="social_orgs.ventureapplication.decide", target=application, reason=note,
                 changes={"status": [ApplicationStatus.APPLIED, application.status],
                          "amount": [None, str(application.grant.amount) if application.grant_id else None]})
    return application


@transaction.atomic
def pay_tranche(*, actor, application, amount: Decimal, paid_on: datetime.date, note: str = ""):
    """One payment of the grant: the first on signing; a later one only after a mid-term grade other
    than failed; the one that completes the grant only after a final grade other than failed."""
    from django.db.models import Sum

    from .choices import ApplicationStatus, ProjectGrade
    from .models import GrantTranche

    application = _locked_application(application, actor)
    if application.status != ApplicationStatus.APPROVED:
        raise TransitionRefused(_("Only a granted project is paid."))
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Pay an amount above zero.")})
    paid = application.tranches.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    left = application.grant.amount - paid
    if amount > left:
        raise ValidationError({"amount": _("Only %(left)s yuan of the grant is left to pay.") % {"left": left}})
    if paid_on < application.grant.granted_on:
        raise ValidationError({"paid_on": _("A tranche is paid after the grant (%(d)s).")
                               % {"d": application.grant.granted_on}})
    count = application.tranches.count()
    if ProjectGrade.FAIL in (application.midterm_grade, application.final_grade):
        raise TransitionRefused(_("The project failed its evaluation: no further tranche is paid."))
    if count >= 1 and not application.midterm_grade:
        raise TransitionRefused(_("A later tranche is paid after the mid-term evaluation."))
    if amount == left and count >= 1 and not application.final_grade:
        raise TransitionRefused(_("The last tranche is paid after the final evaluation."))
    tranche = GrantTranche(application=application, number=count + 1, amount=amount, paid_on=paid_on,
                           note=(note or "").strip())
    tranche.full_clean()
    tranche.save()
    audit.record(actor=actor, action="social_orgs.granttranche.pay", target=tranche, area=application.area,
                 changes={"amount": [None, str(amount)], "paid": [str(paid), str(paid + amount)]})
    return tranche


@transaction.atomic
def grade_project(*, actor, application, stage: str, grade: str, note: str = ""):
    """The mid-term or the final evaluation (中期评估 / 结项评估); a failed grade needs the reasons
    and stops the payments."""
    from .choices import ApplicationStatus, ProjectGrade

    application = _locked_application(application, actor)
    if application.status != ApplicationStatus.APPROVED:
        raise TransitionRefused(_("Only a granted project is evaluated."))
    if grade not in ProjectGrade.values:
        raise ValidationError({"grade": _("Choose a grade.")})
    if grade == ProjectGrade.FAIL and not (note or "").strip():
        raise ValidationError({"note": _("Give the reasons for a failed grade.")})
    if stage == "midterm":
        if application.midterm_grade:
            raise TransitionRefused(_("The mid-term grade has been recorded already."))
        if not application.tranches.exists():
            raise TransitionRefused(_("The project is evaluated at mid-term after its first tranche."))
        application.midterm_grade, application.midterm_note = grade, (note or "").strip()
    elif stage == "final":
        if application.final_grade:
            raise TransitionRefused(_("The final grade has been recorded already."))
        if not application.midterm_grade:
            raise TransitionRefused(_("The final evaluation follows the mid-term one."))
        application.final_grade, application.final_note = grade, (note or "").strip()
    else:
        raise ValidationError({"stage": _("Choose mid-term or final.")})
    application.save()
    audit.record(actor=actor, action=f"social_orgs.ventureapplication.{stage}", target=application, reason=note,
                 changes={f"{stage}_grade": [None, grade]})
    return application


# --- fee inspections of industry associations (涉企收费检查) -----------------------------------------
FEE_UPDATABLE = ["findings", "violation", "rectification_deadline", "refund_yuan", "rectified_on",
                 "rectification_note", "published"]


def _fee_rules(ins, before=None):
    """A violation needs the findings; a rectification deadline or a verified rectification needs a
    violation; dates follow the inspection."""
    if ins.violation and not (ins.findings or "").strip():
        raise ValidationError({"findings": _("Describe the findings of the violation.")})
    if (ins.rectification_deadline or ins.rectified_on) and not ins.violation:
        raise ValidationError({"violation": _("Name the violation to rectify.")})
    if ins.rectification_deadline and ins.rectification_deadline <= ins.inspected_on:
        raise ValidationError({"rectification_deadline": _("The rectification deadline comes after the "
                                                           "inspection.")})
    if ins.rectified_on:
        if ins.rectified_on < ins.inspected_on:
            raise ValidationError({"rectified_on": _("A rectification is verified after the inspection.")})
        if not (ins.rectification_note or "").strip():
            raise ValidationError({"rectification_note": _("Say what was rectified and how it was verified.")})
    if ins.refund_yuan is not None and ins.refund_yuan < 0:
        raise ValidationError({"refund_yuan": _("A refund is not negative.")})


@transaction.atomic
def record_fee_inspection(*, actor, org: Organisation, method: str, inspected_on: datetime.date,
                          inspectors: list[str], findings: str = "", violation: str = "",
                          rectification_deadline=None, refund_yuan: Decimal = Decimal(0),
                          published: bool = True) -> Inspection:
    """A fee inspection of an industry association or chamber, entered on the inspectors' behalf."""
    org = _locked(org, actor)
    names = [n.strip() for n in inspectors if n and n.strip()]
    if len(set(names)) < 2:
        raise ValidationError({"inspectors": _("An inspection is carried out by at least two inspectors.")})
    if not org.is_industry_association:
        raise ValidationError({"organisation": _("Fee inspections concern industry associations and chambers.")})
    ins = Inspection(organisation=org, kind=InspectionKind.FEE, method=method, inspected_on=inspected_on,
                     inspectors="、".join(names), findings=(findings or "").strip(), violation=violation or "",
                     rectification_deadline=rectification_deadline, refund_yuan=Decimal(refund_yuan or 0),
                     published=published)
    _fee_rules(ins)
    ins.full_clean()
    ins.save()
    audit.record(actor=actor, action="social_orgs.inspection.fee", target=ins, area=org.area,
                 changes={"kind": [None, InspectionKind.FEE], "violation": [None, ins.violation],
                          "inspectors": [None, ins.inspectors], "refund_yuan": [None, str(ins.refund_yuan)]})
    return ins


@transaction.atomic
def update_fee_inspection(*, actor, inspection: Inspection, **values) -> Inspection:
    """Findings, refunds and the rectification of a fee inspection (on the inspectors' behalf)."""
    from core.recorded import update_recorded

    if inspection.kind != InspectionKind.FEE:
        raise TransitionRefused(_("Only a fee inspection is edited here."))
    return update_recorded(inspection, values, allowed=FEE_UPDATABLE, actor=actor,
                           action="social_orgs.inspection.fee_update", adjust=_fee_rules)


# --- welfare-lottery funds (福彩公益金) ----------------------------------------------------------------
def _allocated(fund) -> Decimal:
    from django.db.models import Sum

    return fund.allocations.aggregate(s=Sum("amount"))["s"] or Decimal(0)


@transaction.atomic
def create_lottery_fund(*, actor, area, year: int, amount: Decimal, source_ref: str = "", note: str = ""):
    from core.recorded import create_recorded

    from .models import LotteryFund

    return create_recorded(LotteryFund, {"area": area, "year": year, "amount": Decimal(amount),
                                         "source_ref": source_ref, "note": note},
                           actor=actor, action="social_orgs.lotteryfund.create")


@transaction.atomic
def update_lottery_fund(*, actor, fund, **values):
    """The year's amount (never below what is allocated), its document and remarks."""
    from core.recorded import update_recorded

    def adjust(instance, before):
        allocated = _allocated(instance)
        if instance.amount is not None and instance.amount < allocated:
            raise ValidationError({"amount": _("%(a)s yuan is allocated already: the fund cannot be smaller.")
                                   % {"a": allocated}})

    return update_recorded(fund, values, allowed=["amount", "source_ref", "note"], actor=actor,
                           action="social_orgs.lotteryfund.update", adjust=adjust)


@transaction.atomic
def allocate_lottery_fund(*, actor, fund, title: str, amount: Decimal, granted_on: datetime.date,
                          organisation: Organisation | None = None) -> SupportGrant:
    """An allocation of the year's fund: what it pays for, to whom, within what is left."""
    from .models import LotteryFund

    qs = LotteryFund.objects.select_for_update(of=("self",)).select_related("area")
    if actor is not None:
        qs = qs & LotteryFund.objects.restrict(actor, "change")
    fund = qs.filter(pk=fund.pk).first()
    if fund is None:
        from core.exceptions import OutOfScope

        raise OutOfScope(_("No such record."))
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Allocate an amount above zero.")})
    left = fund.amount - _allocated(fund)
    if amount > left:
        raise ValidationError({"amount": _("Only %(left)s yuan of the fund is left.") % {"left": left}})
    if granted_on.year != fund.year:
        raise ValidationError({"granted_on": _("The fund of %(y)s is allocated in %(y)s.") % {"y": fund.year}})
    if not (title or "").strip():
        raise ValidationError({"title": _("Say what the allocation pays for.")})
    area = fund.area
    if organisation is not None:
        if not organisation.area.code.startswith(fund.area.prefix):
            raise ValidationError({"organisation": _("The organisation is outside the fund's area.")})
        area = organisation.area
    grant = record_grant(actor=actor, kind=SupportKind.LOTTERY, area=area, year=fund.year, title=title.strip(),
                         amount=amount, granted_on=granted_on, org=organisation)
    grant.fund = fund
    grant.save(update_fields=["fund"])
    return grant


# --- incubation centres (孵化基地) ---------------------------------------------------------------------
CENTRE_FIELDS = ["name", "area", "operator", "address", "space_sqm", "opened_on", "services"]


def _centre_rules(centre, before=None):
    if centre.area_id and centre.area.level not in (AreaLevel.CITY, AreaLevel.COUNTY):
        raise ValidationError({"area": _("An incubation centre is the city's or a district/county's.")})
    if centre.operator_id and centre.operator.status not in (OrgStatus.ACTIVE, OrgStatus.CHANGING):
        raise ValidationError({"operator": _("%(name)s is not a registered organisation.")
                               % {"name": centre.operator.name}})


@transaction.atomic
def create_centre(*, actor, **values):
    from core.recorded import create_recorded

    from .models import IncubationCentre

    return create_recorded(IncubationCentre, {k: values.get(k) for k in CENTRE_FIELDS if k in values},
                           actor=actor, action="social_orgs.incubationcentre.create", adjust=_centre_rules)


@transaction.atomic
def update_centre(*, actor, centre, **values):
    from core.recorded import update_recorded

    return update_recorded(centre, values, allowed=CENTRE_FIELDS, actor=actor,
                           action="social_orgs.incubationcentre.update", adjust=_centre_rules)


def _locked_centre(centre, actor):
    from .models import IncubationCentre

    qs = IncubationCentre.objects.select_for_update(of=("self",)).select_related("area")
    if actor is not None:
        qs = qs & IncubationCentre.objects.restrict(actor, "change")
    found = qs.filter(pk=centre.pk).first()
    if found is None:
        from core.exceptions import OutOfScope

        raise OutOfScope(_("No such record."))
    return found


@transaction.atomic
def admit_to_centre(*, actor, centre, started_on: datetime.date, term_until: datetime.date,
                    organisation: Organisation | None = None, applicant_name: str = "", space_sqm: int = 0,
                    services_given: str = ""):
    """An organisation (registered, or being prepared) starts its term at the centre."""
    from django.db.models import Sum

    from .choices import IncubationStatus
    from .models import Incubation

    centre = _locked_centre(centre, actor)
    applicant_name = (applicant_name or "").strip()
    if organisation is None and not applicant_name:
        raise ValidationError({"organisation": _("Name the registered organisation, or the one not yet registered.")})
    if organisation is not None and applicant_name:
        raise ValidationError({"applicant_name": _("A registered organisation is named by its record.")})
    if organisation is not None:
        if organisation.status in (OrgStatus.DEREGISTERED, OrgStatus.REVOKED):
            raise ValidationError({"organisation": _("%(name)s is no longer registered.") % {"name": organisation.name}})
        if Incubation.objects.filter(organisation=organisation, status=IncubationStatus.INCUBATING).exists():
            raise TransitionRefused(_("%(name)s is being incubated already.") % {"name": organisation.name})
    if term_until <= started_on:
        raise ValidationError({"term_until": _("The term ends after it starts.")})
    if started_on < centre.opened_on:
        raise ValidationError({"started_on": _("The centre opened on %(d)s.") % {"d": centre.opened_on}})
    space_sqm = int(space_sqm or 0)
    if centre.space_sqm:
        used = centre.incubations.filter(status=IncubationStatus.INCUBATING).aggregate(s=Sum("space_sqm"))["s"] or 0
        if used + space_sqm > centre.space_sqm:
            raise ValidationError({"space_sqm": _("Only %(left)s m² of the centre's space is free.")
                                   % {"left": centre.space_sqm - used}})
    inc = Incubation(centre=centre, organisation=organisation, applicant_name=applicant_name, started_on=started_on,
                     term_until=term_until, space_sqm=space_sqm, services_given=(services_given or "").strip())
    inc.full_clean()
    inc.save()
    audit.record(actor=actor, action="social_orgs.incubation.admit", target=inc, area=centre.area,
                 changes={"centre": [None, centre.pk], "term_until": [None, term_until], "space_sqm": [None, space_sqm]})
    return inc


@transaction.atomic
def end_incubation(*, actor, incubation, graduated: bool, ended_on: datetime.date, note: str = ""):
    """The term ends: graduated (出壳), or left before; the outcome is said either way."""
    from .choices import IncubationStatus
    from .models import Incubation

    qs = Incubation.objects.select_for_update(of=("self",)).select_related("centre__area")
    if actor is not None:
        qs = qs & Incubation.objects.restrict(actor, "change")
    inc = qs.filter(pk=incubation.pk).first()
    if inc is None:
        from core.exceptions import OutOfScope

        raise OutOfScope(_("No such record."))
    if inc.status != IncubationStatus.INCUBATING:
        raise TransitionRefused(_("This incubation has ended already."))
    if ended_on < inc.started_on:
        raise ValidationError({"ended_on": _("The incubation ends after it started (%(d)s).") % {"d": inc.started_on}})
    if not (note or "").strip():
        raise ValidationError({"note": _("Say how the incubation ended.")})
    inc.status = IncubationStatus.GRADUATED if graduated else IncubationStatus.WITHDRAWN
    inc.ended_on, inc.outcome_note = ended_on, note.strip()
    inc.save(update_fields=["status", "ended_on", "outcome_note"])
    audit.record(actor=actor, action="social_orgs.incubation.end", target=inc, area=inc.centre.area, reason=note,
                 changes={"status": [IncubationStatus.INCUBATING, inc.status], "ended_on": [None, ended_on]})
    return inc
