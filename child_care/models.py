"""The registry of minors and the "three left-behind" (domain.md §5).

People (children, left-behind women and elderly, guardians) are linked by relationships; what a
person *is* (left-behind, in difficulty, …) is a dated ``CategoryRecord`` that is never edited, only
ended, so the registry and its summary can be rebuilt as of any past day. Status rules open
``Proposal`` rows; a child director confirms and a supervisor approves. Every read of a person's
record is audited (core.readaudit).
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.personal import BlindIndexField, MaskedCopyField, PersonalDataField, PersonalKind
from core.personal import age_on as id_age_on

from . import querysets
from .choices import (
    Boarding,
    Bucket,
    Category,
    ConsentPurpose,
    Decision,
    DifficultyKind,
    Education,
    Enrolment,
    FollowUpParty,
    GuardianshipQuality,
    Health,
    Hukou,
    MatchMethod,
    ParentSituation,
    PersonKind,
    ProposalAction,
    ProposalRule,
    ProposalStatus,
    Relation,
    ReportStage,
    RescueStatus,
    RiskTier,
    RosterStatus,
    StaffPost,
    TrainingLevel,
    VisitStatus,
)

USER = settings.AUTH_USER_MODEL


def masked_name(name: str) -> str:
    """张** : enough for a clerk who knows the family, nothing for a log reader."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


class Household(models.Model):
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    label = models.CharField(_("household"), max_length=100, help_text=_("e.g. the head of household's family name"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.AreaBoundQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["-id"]

    def __str__(self):
        return f"{masked_name(self.label)} #{self.pk}"


class Person(models.Model):
    """One person of the registry. Birth date and sex are derived from the ID number, never typed."""

    kind = models.CharField(_("kind"), max_length=10, choices=PersonKind.choices, default=PersonKind.CHILD)
    name = models.CharField(_("name"), max_length=50)
    id_number = PersonalDataField(kind=PersonalKind.ID_NUMBER)
    id_number_index = BlindIndexField(source="id_number")
    id_number_masked = MaskedCopyField(source="id_number")
    phone = PersonalDataField(kind=PersonalKind.PHONE, null=True, blank=True)
    phone_masked = MaskedCopyField(source="phone")
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("sex"), max_length=6, editable=False)
    hukou = models.CharField(_("household registration"), max_length=5, choices=Hukou.choices, blank=True)
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="members")
    address = models.CharField(_("address"), max_length=200, blank=True)
    risk_tier = models.CharField(_("risk tier"), max_length=6, choices=RiskTier.choices, default=RiskTier.LOW)
    director = models.ForeignKey(USER, verbose_name=_("child director"), on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    report_stage = models.CharField(_("reporting stage"), max_length=10, choices=ReportStage.choices,
                                    default=ReportStage.ENTERED)
    entered_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("deleted by"))
    deleted_reason = models.TextField(_("reason for deletion"), blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = querysets.PersonQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("registered person")
        verbose_name_plural = _("registered people")
        ordering = ["-id"]
        indexes = [models.Index(fields=["kind", "area"], name="child_care_person_kind_area")]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], condition=models.Q(deleted_at__isnull=True),
                                    name="child_care_person_one_live_row_per_id"),
        ]
        permissions = [
            ("view_statistics", "Can see child-care counts"),
            ("confirm_proposal", "Can confirm a status proposal (child director)"),
            ("approve_proposal", "Can approve a status proposal (supervisor)"),
            ("review_report", "Can review an entry"),
            ("submit_report", "Can submit an entry"),
        ]

    def __str__(self):
        return f"{masked_name(self.name)} #{self.pk}"

    def get_absolute_url(self):
        return reverse("child_care:person-detail", args=[self.pk])

    def age_on(self, day: datetime.date) -> int:
        """Full years on ``day`` (core's rule: the birthday itself counts)."""
        return id_age_on(self.id_number.reveal_unchecked(), day) if self.id_number else 0

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Relationship(models.Model):
    """A child's parent, guardian or relative, as a person of the registry (受委托监护人 included)."""

    child = models.ForeignKey(Person, verbose_name=_("child"), on_delete=models.CASCADE, related_name="relatives")
    relative = models.ForeignKey(Person, verbose_name=_("relative"), on_delete=models.PROTECT,
                                 related_name="relationships")
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    situation = models.CharField(_("situation"), max_length=10, choices=ParentSituation.choices,
                                 default=ParentSituation.AT_HOME)
    work_place = models.CharField(_("place of work"), max_length=100, blank=True)
    entrusted_guardian = models.BooleanField(_("entrusted guardian"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.RelationshipQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        ordering = ["child", "relation", "id"]
        constraints = [models.UniqueConstraint(fields=["child", "relative"], name="child_care_relationship_unique")]

    def __str__(self):
        return f"{self.child} — {self.get_relation_display()}"


class CategoryRecord(models.Model):
    """A person's category over [starts_on, ends_on): never edited, only ended (once)."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="categories")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    difficulty_kind = models.CharField(_("kind of difficulty"), max_length=10, choices=DifficultyKind.choices,
                                       blank=True)
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True,
                               help_text=_("The first day the category no longer holds."))
    start_reason = models.TextField(_("reason for the start"))
    end_reason = models.TextField(_("reason for the end"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ended_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # When the registry learnt of the start and of the end (transaction time): a summary as of a past
    # day reads only what was recorded by then, so later entries and corrections never change it.
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    ended_at = models.DateTimeField(_("end recorded"), null=True, blank=True, editable=False)

    objects = querysets.CategoryRecordQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("category record")
        verbose_name_plural = _("category records")
        ordering = ["person", "category", "starts_on"]
        indexes = [models.Index(fields=["category", "starts_on", "ends_on"], name="child_care_cat_dates")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=models.F("starts_on")),
                                   name="child_care_category_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_category_display()} {self.starts_on}–{self.ends_on or ''}"


class Survey(models.Model):
    """What a survey (摸底排查) found on a day: the 排查汇总表's dimensions. A new survey is a new row;
    an empty answer is "not collected" (未采集)."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="surveys")
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    surveyed_on = models.DateField(_("surveyed on"))
    education = models.CharField(_("education"), max_length=12, choices=Education.choices, blank=True)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, blank=True)
    boarding = models.CharField(_("boarding"), max_length=10, choices=Boarding.choices, blank=True)
    guardianship = models.CharField(_("guardianship"), max_length=6, choices=GuardianshipQuality.choices, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    objects = querysets.AreaBoundQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["person", "-surveyed_on", "-id"]

    def __str__(self):
        return f"{self.person} {self.surveyed_on}"


class Proposal(models.Model):
    """A status change a rule (or a person) proposes; the child director confirms, the supervisor approves."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="proposals")
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    record = models.ForeignKey(CategoryRecord, verbose_name=_("category record"), on_delete=models.CASCADE,
                               null=True, blank=True, related_name="proposals")
    action = models.CharField(_("action"), max_length=6, choices=ProposalAction.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    rule = models.CharField(_("rule"), max_length=24, choices=ProposalRule.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.PROPOSED)
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    confirmed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("status proposal")
        verbose_name_plural = _("status proposals")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "rule", "category"],
                                    condition=models.Q(status__in=["proposed", "confirmed"]),
                                    name="child_care_one_open_proposal_per_rule"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_rule_display()}"

    def get_absolute_url(self):
        return reverse("child_care:proposal-list") + f"?person={self.person_id}"


class Visit(models.Model):
    """A home visit, planned with a due date from the child's risk tier, then recorded."""

    person = models.ForeignKey(Person, verbose_name=_("child"), on_delete=models.CASCADE, related_name="visits")
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    visitor = models.ForeignKey(USER, verbose_name=_("visitor"), on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    done_on = models.DateField(_("visited on"), null=True, blank=True)
    life = models.TextField(_("life"), blank=True)
    study = models.TextField(_("study"), blank=True)
    safety = models.TextField(_("safety"), blank=True)
    guardianship = models.TextField(_("guardianship"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.VisitQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["visitor", "status", "due_on"], name="child_care_visit_due")]

    def __str__(self):
        return f"{self.person} {self.due_on}"

    def get_absolute_url(self):
        return reverse("child_care:visit-record", args=[self.pk])


class Appointment(models.Model):
    """A supervisor's (乡镇) or child director's (村/居) appointment, with its term and training."""

    post = models.CharField(_("post"), max_length=10, choices=StaffPost.choices)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    user = models.ForeignKey(USER, verbose_name=_("account"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="child_care_appointments")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    trained_on = models.DateField(_("trained on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["area__code", "post"]

    def __str__(self):
        return f"{self.get_post_display()} {self.name}"


# --- school-roster reconciliation (学籍比对) ----------------------------------------------------------
class RosterImport(models.Model):
    """One education-bureau enrolment roster, staged (rows read and checked) then compared with the registry."""


    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=RosterStatus.choices, default=RosterStatus.STAGED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    errors = models.JSONField(_("bad rows"), default=list, blank=True)
    counts = models.JSONField(_("result"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(USER, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    reconciled_at = models.DateTimeField(_("compared"), null=True, blank=True)
    # The upload on core's staged import (child_care.imports.RosterImporter) this roster came from.
    staged_import = models.OneToOneField("core.StagedImport", verbose_name=_("data import"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="school_roster")

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("school roster")
        verbose_name_plural = _("school rosters")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.filename} #{self.pk}"

    def get_absolute_url(self):
        return reverse("child_care:roster-entries") + f"?roster={self.pk}"


class RosterEntry(models.Model):
    """A roster row (or, bucket "not in school", a registry child no row matched) and what the comparison found."""


    roster = models.ForeignKey(RosterImport, verbose_name=_("school roster"), on_delete=models.CASCADE,
                               related_name="entries")
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    name = models.CharField(_("name"), max_length=50, blank=True)
    id_number = PersonalDataField(kind=PersonalKind.ID_NUMBER, null=True, blank=True)
    id_number_index = BlindIndexField(source="id_number")
    id_number_masked = MaskedCopyField(source="id_number")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, blank=True)
    school = models.CharField(_("school"), max_length=100, blank=True)
    enrolment = models.CharField(_("enrolment"), max_length=12, choices=Enrolment.choices, blank=True)
    roster_left_behind = models.BooleanField(_("left-behind per the school"), null=True)
    person = models.ForeignKey(Person, verbose_name=_("registered person"), on_delete=models.CASCADE, null=True,
                               blank=True, related_name="roster_entries")
    match = models.CharField(_("matched on"), max_length=6, choices=MatchMethod.choices, default=MatchMethod.NONE)
    name_score = models.PositiveSmallIntegerField(_("name similarity"), null=True, blank=True)
    bucket = models.CharField(_("result"), max_length=14, choices=Bucket.choices, blank=True)
    differences = models.JSONField(_("differences"), default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(USER, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("roster comparison")
        verbose_name_plural = _("roster comparisons")
        ordering = ["roster", "bucket", "line", "id"]
        indexes = [models.Index(fields=["roster", "bucket", "decision"], name="child_care_roster_bucket")]

    def __str__(self):
        return f"{masked_name(self.name or (self.person.name if self.person_id else ''))} #{self.pk}"

    def get_absolute_url(self):
        return reverse("child_care:roster-entries") + f"?roster={self.roster_id}"


class NotSamePerson(models.Model):
    """"This roster child is not that registered person": remembered so the next roster does not ask again.
    ``fingerprint`` is a keyed hash of the roster side (ID number, else name + birth date + sex)."""

    person = models.ForeignKey(Person, verbose_name=_("registered person"), on_delete=models.CASCADE,
                               related_name="+")
    fingerprint = models.CharField(max_length=64)
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("decided"), auto_now_add=True)

    objects = querysets.PersonBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("not-the-same-person decision")
        verbose_name_plural = _("not-the-same-person decisions")
        constraints = [models.UniqueConstraint(fields=["person", "fingerprint"], name="child_care_not_same_once")]

    def __str__(self):
        return f"{self.person} ≠ #{self.pk}"


# --- rescue-station follow-up (救助站跟踪回访) -------------------------------------------------------
class RescueStation(models.Model):
    """A rescue-management station (救助管理站): an organisation at a county or the city. Its staff hold the
    rescue-station role at the station's area and see only the cases their station handed over."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("rescue station")
        verbose_name_plural = _("rescue stations")
        ordering = ["area__code", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from core.choices import AreaLevel

        if self.area_id and self.area.level not in (AreaLevel.CITY, AreaLevel.COUNTY):
            raise ValidationError({"area": _("A rescue station belongs to the city or a district/county.")})


class RescueCase(models.Model):
    """A returned street minor handed from the rescue station to the home village's child director."""


    person = models.ForeignKey(Person, verbose_name=_("child"), on_delete=models.PROTECT, related_name="rescues")
    area = models.ForeignKey("core.Area", verbose_name=_("home village/community"), on_delete=models.PROTECT,
                             related_name="+")
    station = models.CharField(_("rescue station"), max_length=100)
    # The station as an organisation, when its own staff handed the child over (a director recording a
    # paper slip names it in ``station`` only); its staff see the cases whose station this is.
    rescue_station = models.ForeignKey(RescueStation, verbose_name=_("handed over by station"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="cases")
    found_on = models.DateField(_("found on"))
    found_place = models.CharField(_("where found"), max_length=200, blank=True)
    circumstances = models.TextField(_("circumstances"), blank=True)
    repeat = models.BooleanField(_("found again (屡救屡返)"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=RescueStatus.choices,
                              default=RescueStatus.HANDED_OVER)
    handed_over_by = models.ForeignKey(USER, verbose_name=_("handed over by"), on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="+")
    handed_over_at = models.DateTimeField(_("handed over"), default=timezone.now)
    accepted_by = models.ForeignKey(USER, verbose_name=_("accepted by"), on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    receipt = models.CharField(_("acceptance receipt"), max_length=40, blank=True)

    objects = querysets.RescueCaseQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("rescue follow-up case")
        verbose_name_plural = _("rescue follow-up cases")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.person} {self.found_on}"

    def get_absolute_url(self):
        return reverse("child_care:rescue-detail", args=[self.pk])


class FollowUp(models.Model):
    """One scheduled follow-up of a rescue case with the family, the school or the village committee."""


    case = models.ForeignKey(RescueCase, verbose_name=_("rescue follow-up case"), on_delete=models.CASCADE,
                             related_name="follow_ups")
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    party = models.CharField(_("with"), max_length=8, choices=FollowUpParty.choices)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = querysets.FollowUpQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.case} {self.get_party_display()} {self.due_on}"

    def get_absolute_url(self):
        return reverse("child_care:rescue-detail", args=[self.case_id])


# --- consent ----------------------------------------------------------------------------------------
class Consent(models.Model):
    """A guardian's consent to a use of the child's data, with its expiry; withdrawn, never deleted."""


    person = models.ForeignKey(Person, verbose_name=_("child"), on_delete=models.CASCADE, related_name="consents")
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    guardian = models.ForeignKey(Person, verbose_name=_("guardian who consented"), on_delete=models.PROTECT,
                                 related_name="+")
    purpose = models.CharField(_("purpose"), max_length=10, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = querysets.AreaBoundQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["expires_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_on__gt=models.F("given_on")),
                                   name="child_care_consent_expires_after_given"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_purpose_display()}"

    def get_absolute_url(self):
        return reverse("child_care:consent-list") + f"?person={self.person_id}"

    def in_force_on(self, day) -> bool:
        return self.given_on <= day < self.expires_on and (self.withdrawn_on is None or day < self.withdrawn_on)


# --- guardianship supervision and guidance (监护督促) ---------------------------------------------------
class Guidance(models.Model):
    """The village committee's supervision and guidance of a child's guardian (监护督促): who urged or guided
    which linked guardian, when, about what, and when to follow up. Read-audited like the child's visits."""

    person = models.ForeignKey(Person, verbose_name=_("child"), on_delete=models.CASCADE, related_name="guidances")
    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    guardian = models.ForeignKey(Relationship, verbose_name=_("guardian addressed"), on_delete=models.PROTECT,
                                 related_name="guidances")
    member = models.CharField(_("village committee member"), max_length=50)
    done_on = models.DateField(_("guided on"))
    content = models.TextField(_("what was urged or guided"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = querysets.GuidanceQuerySet.as_manager()
    read_audited = True

    class Meta:
        verbose_name = _("guardianship guidance")
        verbose_name_plural = _("guardianship guidance")
        ordering = ["-done_on", "-id"]

    def __str__(self):
        return f"{self.person} {self.done_on}"

    def get_absolute_url(self):
        return reverse("child_care:guidance-list") + f"?person={self.person_id}"


# --- policy outreach (政策宣讲进村(居)) -----------------------------------------------------------------
class Outreach(models.Model):
    """A policy-outreach event in a village/community, with the number reached in each of its four audiences
    (children, guardians and parents, left-behind women, village/community cadres)."""

    area = models.ForeignKey("core.Area", verbose_name=_("village/community"), on_delete=models.PROTECT,
                             related_name="+")
    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    children = models.PositiveIntegerField(_("children reached"), default=0)
    guardians = models.PositiveIntegerField(_("guardians and parents reached"), default=0)
    women = models.PositiveIntegerField(_("left-behind women reached"), default=0)
    cadres = models.PositiveIntegerField(_("village/community cadres reached"), default=0)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy outreach")
        verbose_name_plural = _("policy outreach")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.topic} {self.held_on}"

    def get_absolute_url(self):
        return reverse("child_care:outreach-list")

    @property
    def reached(self):
        return self.children + self.guardians + self.women + self.cadres


# --- training events (业务培训) -------------------------------------------------------------------------
class Training(models.Model):
    """A training of child directors and supervisors, with its attendees (appointments) marked."""

    held_on = models.DateField(_("held on"))
    topic = models.CharField(_("topic"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=TrainingLevel.choices)
    organiser = models.CharField(_("organiser"), max_length=100)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.topic} {self.held_on}"

    def get_absolute_url(self):
        return reverse("child_care:training-attendance", args=[self.pk])


class Attendance(models.Model):
    training = models.ForeignKey(Training, verbose_name=_("training"), on_delete=models.CASCADE,
                                 related_name="attendances")
    appointment = models.ForeignKey(Appointment, verbose_name=_("appointment"), on_delete=models.CASCADE,
                                    related_name="attendances")
    attended = models.BooleanField(_("attended"), default=False)

    objects = querysets.AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        ordering = ["training", "appointment__name"]
        constraints = [models.UniqueConstraint(fields=["training", "appointment"], name="child_care_attend_once")]

    def __str__(self):
        return f"{self.training} {self.appointment}"
