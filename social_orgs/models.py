"""The registry of social organisations (社会组织登记) and its supervision: status history, annual
reports (年度工作报告), penalties, credit lists (社会组织信用信息管理办法, 民政部令第60号), revocation
proposals for "zombie" organisations, grades (等级评估), the purchase directory, inspections and
support funds, and community social organisations (社区社会组织)."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.personal import BlindIndexField, MaskedCopyField, PersonalDataField, PersonalKind

from . import querysets
from .choices import (
    ApplicationStatus,
    CommunityField,
    CommunityOrgMode,
    ExitReason,
    FeeViolation,
    Grade,
    IncubationStatus,
    InspectionKind,
    InspectionMethod,
    ListingReason,
    ListingStatus,
    ListType,
    OrgKind,
    OrgStatus,
    OrgType,
    PenaltyKind,
    PlanLevel,
    PlanStatus,
    ProjectGrade,
    ProposalStatus,
    RegistrationLevel,
    ReportResult,
    RevocationGround,
    SponsorOpinion,
    SupportKind,
)
from .dates import add_months

USER = settings.AUTH_USER_MODEL


class CreditRule(models.Model):
    """A rule value of the credit lists and deadlines, kept as data with its legal source."""

    key = models.CharField(_("rule"), max_length=60, primary_key=True)
    value = models.PositiveIntegerField(_("value"))
    unit = models.CharField(_("unit"), max_length=20)
    description = models.CharField(_("what the rule governs"), max_length=200)
    legal_source = models.CharField(_("legal source"), max_length=300)

    class Meta:
        verbose_name = _("credit-list rule")
        verbose_name_plural = _("credit-list rules")
        ordering = ["key"]

    def __str__(self):
        return f"{self.key} = {self.value} {self.unit}"


class UsccAllowance(models.Model):
    """A legal legacy code that fails the checks (e.g. early pilot codes), accepted with a reason."""

    code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    reason = models.CharField(_("reason"), max_length=300)
    added_by = models.ForeignKey(USER, verbose_name=_("added by"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("allowed legacy code")
        verbose_name_plural = _("allowed legacy codes")

    def __str__(self):
        return self.code


class Organisation(models.Model):
    """A social organisation (社会组织) registered, or being registered, with the bureau."""

    name = models.CharField(_("organisation name"), max_length=100, unique=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    org_type = models.CharField(_("type"), max_length=12, choices=OrgType.choices)
    kind = models.CharField(_("special kind"), max_length=12, choices=OrgKind.choices, default=OrgKind.ORDINARY)
    parent = models.ForeignKey("self", verbose_name=_("branch of"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="branches")
    registration_level = models.CharField(_("registration authority"), max_length=8,
                                          choices=RegistrationLevel.choices)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="social_orgs",
                             help_text=_("The registration authority's area; for a community social "
                                         "organisation, the community it serves."))
    sponsor_unit = models.CharField(_("sponsor unit (业务主管单位)"), max_length=100, blank=True)
    is_industry_association = models.BooleanField(_("industry association or chamber"), default=False)
    legal_rep_name = models.CharField(_("legal representative"), max_length=50)
    legal_rep_id_number = PersonalDataField(verbose_name=_("legal representative's ID number"),
                                            kind=PersonalKind.ID_NUMBER, blank=True, null=True)
    legal_rep_id_number_index = BlindIndexField(source="legal_rep_id_number")
    legal_rep_id_number_masked = MaskedCopyField(source="legal_rep_id_number")
    founded_on = models.DateField(_("establishment registered on"), null=True, blank=True,
                                  help_text=_("The date of the registration certificate."))
    purpose = models.TextField(_("purpose (宗旨)"), blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=OrgStatus.choices,
                              default=OrgStatus.NAME_APPROVED)
    pending_changes = models.JSONField(_("changes applied for"), default=dict, blank=True, editable=False)
    ended_on = models.DateField(_("deregistered or revoked on"), null=True, blank=True, editable=False)
    first_activity_on = models.DateField(_("first activity on"), null=True, blank=True)
    party_commitment = models.BooleanField(_("party-building commitment letter signed"), default=False)
    party_members = models.PositiveIntegerField(_("party members"), default=0)
    has_party_org = models.BooleanField(_("has a party organisation"), default=False)
    party_forwarded_on = models.DateField(_("party-building documents forwarded on"), null=True, blank=True,
                                          help_text=_("The commitment letter and party-member form, sent to the "
                                                      "party-building body within 5 working days of registration."))
    full_time_staff = models.PositiveIntegerField(_("full-time staff"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = querysets.OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("social organisation")
        verbose_name_plural = _("social organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~models.Q(uscc=""), name="so_org_unique_uscc"),
            models.CheckConstraint(condition=~models.Q(status="active") | ~models.Q(uscc=""),
                                   name="so_org_active_has_uscc"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("social_orgs:org-detail", args=[self.pk])


class StatusChange(models.Model):
    """One step of an organisation's life, with who decided and on whose behalf."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="status_changes")
    from_status = models.CharField(_("previous status"), max_length=14, choices=OrgStatus.choices, blank=True)
    to_status = models.CharField(_("new status"), max_length=14, choices=OrgStatus.choices)
    on = models.DateField(_("date"))
    step = models.CharField(_("lifecycle step"), max_length=40)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    on_behalf_of = models.CharField(_("decided by (on whose behalf)"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.OrgRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.organisation} · {self.step} · {self.on}"


class AnnualReport(models.Model):
    """The annual work report (年度工作报告) of ``year``, filed in the following spring."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("report year"))
    sponsor_submitted_on = models.DateField(_("filed with the sponsor on"), null=True, blank=True)
    sponsor_opinion = models.CharField(_("sponsor's opinion"), max_length=10, choices=SponsorOpinion.choices,
                                       blank=True)
    sponsor_opinion_note = models.TextField(_("sponsor's remarks"), blank=True)
    submitted_on = models.DateField(_("filed with the registration authority on"), null=True, blank=True)
    audit_report = models.BooleanField(_("audit report attached"), default=False)
    work_summary = models.TextField(_("work summary"), blank=True)
    charter_party_clause = models.BooleanField(_("charter carries the party-building clause"), default=False)
    result = models.CharField(_("result"), max_length=6, choices=ReportResult.choices, blank=True)
    result_reason = models.TextField(_("reasons for the result"), blank=True)
    graded_on = models.DateField(_("graded on"), null=True, blank=True)
    graded_by = models.ForeignKey(USER, verbose_name=_("graded by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.OrgRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="so_report_one_per_year")]

    def __str__(self):
        return f"{self.organisation} · {self.year}"


class Penalty(models.Model):
    """An administrative penalty (行政处罚): a warning or a fine; feeds the credit lists."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="penalties")
    kind = models.CharField(_("penalty"), max_length=8, choices=PenaltyKind.choices)
    amount = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, default=0)
    decided_on = models.DateField(_("decided on"))
    reference = models.CharField(_("decision number"), max_length=60)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.OrgRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        ordering = ["-decided_on"]

    def __str__(self):
        return f"{self.organisation} · {self.reference}"


class CreditListing(models.Model):
    """An organisation's entry on the abnormal-activities or the serious list, with its clock.

    ``clock_from`` is the last event's date: a new event while listed restarts it. The dates the
    rules compute (escalation, automatic exit, earliest exit) are stored so lists and the nightly
    timers read them off an index; ``social_orgs.rules`` computes them."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="listings")
    list_type = models.CharField(_("list"), max_length=10, choices=ListType.choices)
    reason = models.CharField(_("ground"), max_length=24, choices=ListingReason.choices)
    reason_text = models.TextField(_("facts"), blank=True)
    basis_ref = models.CharField(_("basis"), max_length=80, blank=True,
                                 help_text=_("The decision, report year or letter numbers the listing rests on."))
    listed_on = models.DateField(_("listed on"))
    clock_from = models.DateField(_("clock runs from"))
    events = models.JSONField(_("events"), default=list, blank=True, editable=False)
    restart_count = models.PositiveSmallIntegerField(_("restarts"), default=0, editable=False)
    rectifiable = models.BooleanField(_("rectifiable"), default=True, editable=False)
    escalates_on = models.DateField(_("moves to the serious list on"), null=True, blank=True, editable=False)
    auto_exit_on = models.DateField(_("leaves automatically on"), null=True, blank=True, editable=False)
    earliest_exit_on = models.DateField(_("earliest exit on application"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    on_behalf_of = models.CharField(_("decided by (on whose behalf)"), max_length=100, blank=True)
    rectified_on = models.DateField(_("rectification verified on"), null=True, blank=True)
    rectification_note = models.TextField(_("rectification"), blank=True)
    exit_due_by = models.DateField(_("must leave the list by"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ListingStatus.choices,
                              default=ListingStatus.LISTED)
    exited_on = models.DateField(_("left on"), null=True, blank=True)
    exit_reason = models.CharField(_("why it left"), max_length=14, choices=ExitReason.choices, blank=True)
    exit_note = models.TextField(_("exit remarks"), blank=True)
    exited_by = models.ForeignKey(USER, verbose_name=_("exit recorded by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    escalated_to = models.ForeignKey("self", verbose_name=_("moved to"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit-list entry")
        verbose_name_plural = _("credit-list entries")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "list_type"], condition=models.Q(status="listed"),
                                    name="so_listing_one_open_per_list"),
        ]
        indexes = [models.Index(fields=["status", "list_type"], name="so_listing_status_list")]

    def __str__(self):
        return f"{self.organisation} · {self.get_list_type_display()}"

    def get_absolute_url(self):
        return reverse("social_orgs:listing-detail", args=[self.pk])


class RevocationProposal(models.Model):
    """A case prepared by the system for a registrar: revoke a "zombie" organisation (社团条例
    Art. 29: no activity within one year of receiving the certificate). A person decides."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="revocation_proposals")
    ground = models.CharField(_("ground"), max_length=18, choices=RevocationGround.choices)
    proposed_on = models.DateField(_("proposed on"))
    case_file = models.JSONField(_("case file"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.OPEN)
    decided_by = models.ForeignKey(USER, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField(_("decision"), blank=True)

    objects = querysets.OrgRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("revocation proposal")
        verbose_name_plural = _("revocation proposals")
        constraints = [models.UniqueConstraint(fields=["organisation", "ground"], condition=models.Q(status="open"),
                                               name="so_proposal_one_open")]

    def __str__(self):
        return f"{self.organisation} · {self.get_ground_display()}"


class Evaluation(models.Model):
    """A grade 1A–5A (社会组织评估, 民政部令第39号), valid five years."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="evaluations")
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    evaluated_on = models.DateField(_("evaluated on"))
    valid_until = models.DateField(_("valid until"), editable=False)

    objects = querysets.OrgRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-evaluated_on"]

    def __str__(self):
        return f"{self.organisation} · {self.get_grade_display()}"

    def save(self, *args, **kwargs):
        self.valid_until = add_months(self.evaluated_on, 60) - datetime.timedelta(days=1)
        super().save(*args, **kwargs)


class DirectoryEntry(models.Model):
    """One organisation's line in the year's purchase directory (承接政府职能转移和购买服务资质目录):
    included, or excluded with the reason."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="directory_entries")
    year = models.PositiveSmallIntegerField(_("year"))
    included = models.BooleanField(_("included"))
    reason = models.CharField(_("reason"), max_length=300)
    built_on = models.DateField(_("built on"))

    objects = querysets.OrgRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        ordering = ["-year", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="so_directory_one_per_year")]

    def __str__(self):
        return f"{self.organisation} · {self.year}"


class Inspection(models.Model):
    """A random inspection (双随机一公开) or a fee inspection of an industry association."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="inspections")
    kind = models.CharField(_("kind"), max_length=8, choices=InspectionKind.choices)
    method = models.CharField(_("inspection method"), max_length=8, choices=InspectionMethod.choices)
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=200,
                                  help_text=_("At least two, named as on their notice."))
    findings = models.TextField(_("inspection findings"), blank=True)
    rectification_deadline = models.DateField(_("rectify by"), null=True, blank=True)
    refund_yuan = models.DecimalField(_("fees refunded (yuan)"), max_digits=12, decimal_places=2, default=0)
    violation = models.CharField(_("violation found"), max_length=18, choices=FeeViolation.choices, blank=True,
                                 help_text=_("Fee inspections: the listed violation type found, if any."))
    rectified_on = models.DateField(_("rectification verified on"), null=True, blank=True)
    rectification_note = models.TextField(_("rectification"), blank=True)
    published = models.BooleanField(_("result published"), default=False)
    plan = models.ForeignKey("InspectionPlan", verbose_name=_("random-inspection plan"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="inspections")

    objects = querysets.OrgRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on"]
        constraints = [models.UniqueConstraint(fields=["plan", "organisation"], condition=models.Q(plan__isnull=False),
                                               name="so_inspection_one_per_drawn_org")]

    def __str__(self):
        return f"{self.organisation} · {self.inspected_on}"

    def get_absolute_url(self):
        if self.kind == InspectionKind.FEE:
            return reverse("social_orgs:fee-detail", args=[self.pk])
        return reverse("social_orgs:org-detail", args=[self.organisation_id])


class VentureRound(models.Model):
    """A venture-philanthropy round (公益创投): its budget and the cap of one grant."""

    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2)
    max_grant = models.DecimalField(_("largest grant (yuan)"), max_digits=12, decimal_places=2)
    pass_score = models.PositiveSmallIntegerField(_("lowest review score granted"), default=60,
                                                  validators=[MaxValueValidator(100)])

    objects = querysets.AreaRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("venture-philanthropy round")
        verbose_name_plural = _("venture-philanthropy rounds")
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=models.Q(max_grant__gt=0, budget__gte=models.F("max_grant")),
                                              name="so_round_cap_within_budget")]

    def __str__(self):
        return f"{self.year} {self.title}"


class SupportGrant(models.Model):
    """Money the bureau gives: a venture-philanthropy grant or welfare-lottery funds."""

    kind = models.CharField(_("kind"), max_length=8, choices=SupportKind.choices)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="grants")
    venture_round = models.ForeignKey(VentureRound, verbose_name=_("venture-philanthropy round"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="grants")
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("what it pays for"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    granted_on = models.DateField(_("granted on"))
    fund = models.ForeignKey("LotteryFund", verbose_name=_("welfare-lottery fund"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="allocations")

    objects = querysets.AreaRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("support grant")
        verbose_name_plural = _("support grants")
        ordering = ["-granted_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="so_grant_positive"),
            models.UniqueConstraint(fields=["venture_round", "organisation"], name="so_grant_one_per_round"),
        ]

    def __str__(self):
        return self.title


class CommunityOrg(models.Model):
    """A community social organisation (社区社会组织): registered, filed with the street, or guided
    by the community; counted against the city averages (≥10 urban, ≥5 rural, 民发〔2017〕191号)."""

    name = models.CharField(_("organisation name"), max_length=100)
    area = models.ForeignKey("core.Area", verbose_name=_("community served"), on_delete=models.PROTECT,
                             related_name="community_orgs")
    field = models.CharField(_("focus field"), max_length=12, choices=CommunityField.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=CommunityOrgMode.choices)
    organisation = models.ForeignKey(Organisation, verbose_name=_("registered as"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    filed_on = models.DateField(_("filed on"))

    objects = querysets.AreaRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("community social organisation")
        verbose_name_plural = _("community social organisations")
        ordering = ["area__code", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="so_community_org_unique_name")]

    def __str__(self):
        return self.name


class InspectionPlan(models.Model):
    """A regular random-inspection plan (双随机一公开): the item list and the pools of organisations
    and inspectors are frozen and their hashes published before the draw; the draw is a function
    of the published seed and those hashes, so anyone can replay it (``social_orgs.draws``)."""

    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=PlanLevel.choices)
    area = models.ForeignKey("core.Area", verbose_name=_("registration authority's area"), on_delete=models.PROTECT,
                             related_name="+")
    items = models.JSONField(_("inspection items"), default=list)
    min_ratio_pct = models.PositiveSmallIntegerField(_("minimum ratio (%)"))
    org_pool = models.JSONField(_("organisation pool"), default=list, editable=False)
    inspector_pool = models.JSONField(_("inspector pool"), default=list, editable=False)
    pools_hash = models.CharField(_("hash of the pools and items"), max_length=64, editable=False)
    sample_size = models.PositiveIntegerField(_("organisations to draw"), editable=False)
    seed = models.CharField(_("published seed"), max_length=200, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    draw = models.JSONField(_("draw"), default=list, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.FROZEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.AreaRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("random-inspection plan")
        verbose_name_plural = _("random-inspection plans")
        ordering = ["-year", "area__code"]
        constraints = [models.UniqueConstraint(fields=["year", "level", "area"], name="so_plan_one_per_year_level")]

    def __str__(self):
        return f"{self.year} · {self.area} · {self.get_level_display()}"

    def get_absolute_url(self):
        return reverse("social_orgs:public-draw", args=[self.pk])


class VentureApplication(models.Model):
    """A project applied for in a venture-philanthropy round (公益创投): by a registered organisation,
    or by an unregistered community social organisation through a registered host (依托单位) that
    receives and answers for the money; reviewed with a score, granted in tranches, graded at
    mid-term and at the end."""

    venture_round = models.ForeignKey(VentureRound, verbose_name=_("venture-philanthropy round"),
                                      on_delete=models.PROTECT, related_name="applications")
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("project"), max_length=100)
    organisation = models.ForeignKey(Organisation, verbose_name=_("applicant (registered)"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="venture_applications")
    applicant_name = models.CharField(_("applicant (unregistered community organisation)"), max_length=100,
                                      blank=True)
    host = models.ForeignKey(Organisation, verbose_name=_("host organisation (依托单位)"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="hosted_applications")
    requested = models.DecimalField(_("requested (yuan)"), max_digits=12, decimal_places=2)
    summary = models.TextField(_("project summary"), blank=True)
    applied_on = models.DateField(_("applied on"))
    review_score = models.PositiveSmallIntegerField(_("review score"), null=True, blank=True,
                                                    validators=[MaxValueValidator(100)])
    reviewed_by = models.CharField(_("review panel"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.APPLIED)
    decision_note = models.TextField(_("decision"), blank=True)
    grant = models.OneToOneField(SupportGrant, verbose_name=_("grant"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="application")
    midterm_grade = models.CharField(_("mid-term grade"), max_length=10, choices=ProjectGrade.choices, blank=True)
    midterm_note = models.TextField(_("mid-term remarks"), blank=True)
    final_grade = models.CharField(_("final grade"), max_length=10, choices=ProjectGrade.choices, blank=True)
    final_note = models.TextField(_("final remarks"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.AreaRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("venture-philanthropy project")
        verbose_name_plural = _("venture-philanthropy projects")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(requested__gt=0), name="so_application_requested_positive"),
            models.CheckConstraint(condition=models.Q(organisation__isnull=False, host__isnull=True)
                                   | models.Q(organisation__isnull=True, host__isnull=False),
                                   name="so_application_applicant_or_host"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("social_orgs:venture-detail", args=[self.pk])

    @property
    def applicant(self) -> str:
        return self.organisation.name if self.organisation_id else self.applicant_name


class GrantTranche(models.Model):
    """One payment of a venture-philanthropy grant."""

    application = models.ForeignKey(VentureApplication, verbose_name=_("venture-philanthropy project"),
                                    on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tranche"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    note = models.CharField(_("remarks"), max_length=200, blank=True)

    objects = querysets.VentureRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant tranche")
        verbose_name_plural = _("grant tranches")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="so_tranche_unique_number"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="so_tranche_positive"),
        ]

    def __str__(self):
        return f"{self.application} · {self.number}"


class LotteryFund(models.Model):
    """A year's welfare-lottery public-welfare funds (福彩公益金) put into supporting social
    organisations (400,000 yuan a year in the city); its allocations are ``SupportGrant`` rows of
    kind "lottery" that say what each paid for."""

    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    source_ref = models.CharField(_("budget document"), max_length=100, blank=True,
                                  help_text=_("The document that sets the year's amount."))
    note = models.TextField(_("remarks"), blank=True)

    objects = querysets.AreaRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("welfare-lottery fund")
        verbose_name_plural = _("welfare-lottery funds")
        ordering = ["-year", "area__code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="so_lottery_one_per_area_year"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="so_lottery_positive"),
        ]

    def __str__(self):
        return f"{self.year} · {self.area}"

    def get_absolute_url(self):
        return reverse("social_orgs:lottery-detail", args=[self.pk])


class IncubationCentre(models.Model):
    """A social-organisation incubation centre (孵化基地): the city's service centre or a county's."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    operator = models.ForeignKey(Organisation, verbose_name=_("operated by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="operated_centres")
    address = models.CharField(_("address"), max_length=200, blank=True)
    space_sqm = models.PositiveIntegerField(_("space (m²)"), default=0)
    opened_on = models.DateField(_("opened on"))
    services = models.TextField(_("services offered"), blank=True)

    objects = querysets.AreaRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubation centre")
        verbose_name_plural = _("incubation centres")
        ordering = ["area__code", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("social_orgs:centre-detail", args=[self.pk])


class Incubation(models.Model):
    """An organisation incubated at a centre for a term: the space and services given, and how it
    ended (graduated, or left before)."""

    centre = models.ForeignKey(IncubationCentre, verbose_name=_("incubation centre"), on_delete=models.PROTECT,
                               related_name="incubations")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation (registered)"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="incubations")
    applicant_name = models.CharField(_("organisation (not yet registered)"), max_length=100, blank=True)
    started_on = models.DateField(_("incubated from"))
    term_until = models.DateField(_("term ends on"))
    space_sqm = models.PositiveIntegerField(_("space given (m²)"), default=0)
    services_given = models.TextField(_("services given"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=IncubationStatus.choices,
                              default=IncubationStatus.INCUBATING)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)

    objects = querysets.IncubationQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubation")
        verbose_name_plural = _("incubations")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(organisation__isnull=True, applicant_name=""),
                                   name="so_incubation_names_someone"),
            models.CheckConstraint(condition=models.Q(term_until__gt=models.F("started_on")),
                                   name="so_incubation_term_after_start"),
        ]

    def __str__(self):
        return self.organisation.name if self.organisation_id else self.applicant_name

    def get_absolute_url(self):
        return reverse("social_orgs:centre-detail", args=[self.centre_id])
