"""Volunteers (志愿者), their teams, activities and shifts, the service-hours ledger
(志愿服务记录), star levels, certificates (志愿服务记录证明), training and social-work
professionals (社会工作专业人才)."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import Sex
from core.personal import BlindIndexField, MaskedCopyField, PersonalDataField, PersonalKind

from . import querysets
from .choices import (
    ApplicationStatus,
    CertificateStatus,
    CorrectionStatus,
    ImportKind,
    ImportStatus,
    JoinMode,
    MemberRole,
    MembershipStatus,
    RecordSource,
    RecordStatus,
    SignUpStatus,
    SocialWorkLevel,
    TrainingTopic,
    VolunteerStatus,
)

GENESIS = "0" * 64


def import_storage():
    """Uploaded import files live under var/imports/ (never under static or media), encrypted."""
    from core.imports.storage import EncryptedFileSystemStorage

    return EncryptedFileSystemStorage(location=settings.VAR_DIR / "imports")  # encrypted at rest


class StarLevel(models.Model):
    """A star threshold (星级) of approved cumulative hours, kept as data with its legal source."""

    level = models.PositiveSmallIntegerField(_("stars"), primary_key=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    min_hours = models.DecimalField(_("minimum approved hours"), max_digits=8, decimal_places=2)
    legal_source = models.CharField(_("legal source"), max_length=300)

    class Meta:
        verbose_name = _("star level")
        verbose_name_plural = _("star levels")
        ordering = ["level"]

    def __str__(self):
        return f"{'★' * self.level} ≥ {self.min_hours:g} h"


class Volunteer(models.Model):
    """A real-name registered volunteer (实名注册志愿者). Birth date and sex come from the ID number."""

    name = models.CharField(_("name"), max_length=50)
    id_number = PersonalDataField(verbose_name=_("resident ID number"), kind=PersonalKind.ID_NUMBER)
    # Unique through a constraint, not unique=True: on PostgreSQL a unique or indexed varchar
    # field also gets a second "_like" index for LIKE queries, which a hash never needs and which
    # costs on every one of a million inserted rows.
    id_number_index = BlindIndexField(source="id_number", db_index=False)
    phone = PersonalDataField(verbose_name=_("phone"), kind=PersonalKind.PHONE, blank=True, null=True)
    phone_index = BlindIndexField(source="phone", db_index=False)  # compared on re-import, never searched
    # What lists show, so that a page of a million-row list decrypts nothing.
    id_number_masked = MaskedCopyField(source="id_number")
    phone_masked = MaskedCopyField(source="phone")
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, editable=False)
    # Indexed by (area, -id) below, which also serves every lookup by area alone.
    area = models.ForeignKey("core.Area", verbose_name=_("home community"), on_delete=models.PROTECT,
                             related_name="volunteers", db_index=False)
    registered_on = models.DateField(_("registration date"))
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    service_fields = models.CharField(_("service fields"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=VolunteerStatus.choices,
                              default=VolunteerStatus.ACTIVE)
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    guardian_consent_on = models.DateField(_("guardian consent recorded on"), null=True, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="volunteer")
    approved_hours = models.DecimalField(_("approved hours"), max_digits=9, decimal_places=2, default=Decimal(0),
                                         editable=False)
    star_level = models.PositiveSmallIntegerField(_("stars"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = querysets.VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        # Few indexes on purpose: every one of them costs on a million-row import.
        indexes = [models.Index(fields=["area", "-id"], name="vol_volunteer_area_id")]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="vol_volunteer_one_per_person"),
            models.CheckConstraint(condition=models.Q(star_level__lte=5), name="vol_volunteer_star_0_5"),
            models.CheckConstraint(condition=models.Q(approved_hours__gte=0), name="vol_volunteer_hours_not_negative"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:volunteer-detail", args=[self.pk])

    @property
    def stars(self) -> str:
        return "★" * self.star_level


class Team(models.Model):
    """A volunteer team or service organisation (志愿服务队伍/组织), attached to an area and
    possibly to a registered social organisation (社会组织, by its USCC)."""

    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="volunteer_teams")
    organisation_name = models.CharField(_("social organisation"), max_length=100, blank=True)
    organisation_uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    join_mode = models.CharField(_("join mode"), max_length=10, choices=JoinMode.choices, default=JoinMode.APPROVAL)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="vol_team_unique_name_in_area")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:team-detail", args=[self.pk])


class TeamMembership(models.Model):
    """A volunteer's membership of a team, or a staff user's role in it (manager, recorder)."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, null=True,
                                  blank=True, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff user"), on_delete=models.CASCADE,
                             null=True, blank=True, related_name="team_memberships")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=MembershipStatus.choices,
                              default=MembershipStatus.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(volunteer__isnull=True, user__isnull=False)
                | models.Q(volunteer__isnull=False, user__isnull=True),
                name="vol_membership_volunteer_xor_user",
            ),
            models.UniqueConstraint(fields=["team", "volunteer"], name="vol_membership_unique_volunteer"),
            models.UniqueConstraint(fields=["team", "user"], name="vol_membership_unique_user"),
        ]

    def __str__(self):
        who = self.volunteer or self.user
        return f"{self.team} · {who} ({self.get_role_display()})"


class Activity(models.Model):
    """A volunteer activity or project (志愿服务活动/项目) organised by a team."""

    team = models.ForeignKey(Team, verbose_name=_("organising team"), on_delete=models.PROTECT,
                             related_name="activities")
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="volunteer_activities")
    title = models.CharField(_("title"), max_length=200)
    service_field = models.CharField(_("service field"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = querysets.ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("volunteers:activity-detail", args=[self.pk])


class Shift(models.Model):
    """A time slot of an activity at a place, with a quota and a check-in code."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="shifts")
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    quota = models.PositiveIntegerField(_("quota"), validators=[MinValueValidator(1), MaxValueValidator(5000)])
    checkin_code = models.CharField(_("check-in code"), max_length=8, unique=True, editable=False)

    objects = querysets.ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="vol_shift_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.activity} · {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("volunteers:shift-detail", args=[self.pk])

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A shift must end after it starts.")})

    @property
    def duration_hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds() / 3600).quantize(Decimal("0.01"))


class SignUp(models.Model):
    """A volunteer's place on a shift: signed up or waitlisted, then checked in/out or no-show."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE,
                                  related_name="signups")
    status = models.CharField(_("status"), max_length=12, choices=SignUpStatus.choices,
                              default=SignUpStatus.SIGNED_UP)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)

    objects = querysets.SignUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["shift", "volunteer"], name="vol_signup_once_per_shift")]

    def __str__(self):
        return f"{self.volunteer} · {self.shift}"


class ServiceHourRecord(models.Model):
    """One entry of the service-hours ledger (志愿服务记录).

    Recorded by the organising team (谁组织谁记录), approved by its manager; an approved record is
    never edited: it is reversed by a negative record and re-entered. Each team's approved records
    form a hash chain (``chain_seq``, ``prev_hash``, ``record_hash``) so tampering is detectable.
    """

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="hour_records")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="hour_records")
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="volunteer_hour_records")
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="hour_records")
    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="hour_records")
    service_date = models.DateField(_("service date"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2,
                                help_text=_("Actual service only, travel excluded."))
    description = models.CharField(_("service content"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RecordSource.choices, default=RecordSource.MANUAL)
    status = models.CharField(_("status"), max_length=10, choices=RecordStatus.choices,
                              default=RecordStatus.SUBMITTED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    reverses = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversal")
    external_ref = models.CharField(_("record number in the source system"), max_length=64, blank=True)
    chain_seq = models.PositiveIntegerField(_("chain position"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    record_hash = models.CharField(_("record hash"), max_length=64, blank=True, editable=False)
    # The import that entered it: its manager approves an import's pending records in one step.
    import_job = models.ForeignKey("ImportJob", verbose_name=_("import"), null=True, blank=True, editable=False,
                                   on_delete=models.PROTECT, related_name="hour_records")

    objects = querysets.HourRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service-hour record")
        verbose_name_plural = _("service-hour records")
        ordering = ["-service_date", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "service_date"], name="vol_hours_volunteer_date"),
            models.Index(fields=["team", "status"], name="vol_hours_team_status"),
            models.Index(fields=["status", "recorded_at"], name="vol_hours_status_recorded"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["team", "chain_seq"], name="vol_hours_unique_chain_seq"),
            models.UniqueConstraint(fields=["team", "external_ref"], condition=~models.Q(external_ref=""),
                                    name="vol_hours_unique_external_ref"),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) | models.Q(source=RecordSource.REVERSAL, hours__lt=0),
                name="vol_hours_positive_unless_reversal",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.service_date} · {self.hours:g} h"

    def save(self, *args, **kwargs):
        # An approved record is final: it is reversed and re-entered, never edited (the database
        # refuses it too on PostgreSQL, see migration 0003).
        if getattr(self, "_approved_in_db", False):
            raise ValidationError(_("An approved record cannot be edited; reverse it and enter it again."))
        super().save(*args, **kwargs)
        self._approved_in_db = self.status == RecordStatus.APPROVED

    def delete(self, *args, **kwargs):
        if getattr(self, "_approved_in_db", False):
            raise ValidationError(_("An approved record cannot be deleted; reverse it instead."))
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._approved_in_db = instance.__dict__.get("status") == RecordStatus.APPROVED
        return instance

    def chain_payload(self) -> str:
        """The facts the chain vouches for, in a canonical text form."""
        return json.dumps({
            "id": self.pk, "volunteer": self.volunteer_id, "team": self.team_id, "activity": self.activity_id,
            "shift": self.shift_id, "date": self.service_date.isoformat(), "hours": f"{Decimal(self.hours):.2f}",
            "reverses": self.reverses_id, "approved_by": self.approved_by_id,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None, "seq": self.chain_seq,
        }, sort_keys=True, separators=(",", ":"))

    def compute_hash(self, prev_hash: str) -> str:
        return hashlib.sha256((prev_hash + self.chain_payload()).encode()).hexdigest()


class CorrectionRequest(models.Model):
    """A volunteer's request to correct a record; the team must answer it."""

    record = models.ForeignKey(ServiceHourRecord, verbose_name=_("record"), on_delete=models.PROTECT,
                               related_name="corrections")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="correction_requests")
    requested_hours = models.DecimalField(_("hours asked for"), max_digits=6, decimal_places=2,
                                          validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=CorrectionStatus.choices,
                              default=CorrectionStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    objects = querysets.CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.record} → {self.requested_hours:g} h"

    @property
    def area(self):
        return self.record.area


class TrainingSession(models.Model):
    """A training session (培训) for volunteers, often held jointly with the civilisation office (文明办)."""

    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="volunteer_trainings")
    held_on = models.DateField(_("held on"))
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    with_civilisation_office = models.BooleanField(_("jointly with the civilisation office"), default=False)

    objects = querysets.TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.title} ({self.held_on})"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(TrainingSession, verbose_name=_("training session"), on_delete=models.CASCADE,
                                related_name="attendances")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE,
                                  related_name="trainings")

    objects = querysets.AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendances")
        constraints = [models.UniqueConstraint(fields=["session", "volunteer"], name="vol_attendance_once")]

    def __str__(self):
        return f"{self.volunteer} · {self.session}"


class SocialWorker(models.Model):
    """A social-work professional (社会工作专业人才) holding the national qualification."""

    name = models.CharField(_("name"), max_length=50)
    id_number = PersonalDataField(verbose_name=_("resident ID number"), kind=PersonalKind.ID_NUMBER)
    id_number_index = BlindIndexField(source="id_number", unique=True)
    level = models.CharField(_("qualification"), max_length=15, choices=SocialWorkLevel.choices)
    certificate_no = models.CharField(_("certificate number"), max_length=40, unique=True)
    certified_year = models.PositiveSmallIntegerField(_("year obtained"),
                                                      validators=[MinValueValidator(2008), MaxValueValidator(2100)])
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="social_workers")

    objects = querysets.SocialWorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("social-work professional")
        verbose_name_plural = _("social-work professionals")
        ordering = ["-id"]

    def __str__(self):
        return self.name


class Certificate(models.Model):
    """A service-hour certificate (志愿服务记录证明) issued by the team that recorded the hours
    (谁记录谁证明); its public code leads to a verification page."""

    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    verify_code = models.CharField(_("verification code"), max_length=16, unique=True)
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="certificates")
    team = models.ForeignKey(Team, verbose_name=_("issuing team"), on_delete=models.PROTECT,
                             related_name="certificates")
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="volunteer_certificates")
    hours = models.DecimalField(_("hours certified"), max_digits=9, decimal_places=2)
    records = models.PositiveIntegerField(_("records"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    chain_head = models.CharField(_("ledger chain head"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=CertificateStatus.choices,
                              default=CertificateStatus.ISSUED)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    objects = querysets.CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("service-hour certificate")
        verbose_name_plural = _("service-hour certificates")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number

    def get_verify_url(self):
        return reverse("volunteers:certificate-verify", args=[self.verify_code])


class ImportJob(models.Model):
    """A file import run in the background; progress and the per-row error report are kept here."""

    kind = models.CharField(_("kind"), max_length=15, choices=ImportKind.choices)
    area = models.ForeignKey("core.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="volunteer_imports")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True)
    file = models.FileField(_("file"), upload_to="volunteers/", storage=import_storage)
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    processed = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Handed to the task queue (None: waiting to be queued; the sweep retries), and why it was not.
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    queue_error = models.CharField(_("queueing error"), max_length=500, blank=True)
    # The worker running it: when it claimed the job and when it last reported progress. A claim
    # whose heartbeat is older than PORTAL_IMPORT_STALE_SECONDS belongs to a dead worker.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    objects = querysets.ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer import")
        verbose_name_plural = _("volunteer imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("volunteers:import-detail", args=[self.pk])

    @property
    def waiting_to_be_queued(self) -> bool:
        return self.status == ImportStatus.QUEUED and self.queued_at is None


class VolunteerApplication(models.Model):
    """A resident's own registration as a volunteer (自愿注册), waiting for the area's volunteer officer.

    What the national registry asks (《志愿服务条例》 Art. 7, 中国志愿服务网 实名注册): real name, ID
    number, phone, the community served, service intentions, and consent to the use of the personal
    data. The same ID number may apply twice (no existence oracle: the public answer never tells);
    the officer sees the clash when reviewing."""

    name = models.CharField(_("name"), max_length=50)
    id_number = PersonalDataField(verbose_name=_("resident ID number"), kind=PersonalKind.ID_NUMBER)
    id_number_index = BlindIndexField(source="id_number", db_index=True)
    phone = PersonalDataField(verbose_name=_("phone"), kind=PersonalKind.PHONE)
    area = models.ForeignKey("core.Area", verbose_name=_("community served"), on_delete=models.PROTECT,
                             related_name="volunteer_applications")
    service_fields = models.CharField(_("service intentions"), max_length=200)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    guardian_consent = models.BooleanField(_("guardian consents"), default=False)
    data_consent_at = models.DateTimeField(_("consent to the use of personal data given"))
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="applications")
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = querysets.ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer self-registration")
        verbose_name_plural = _("volunteer self-registrations")
        ordering = ["-id"]
        indexes = [models.Index(fields=["area", "status"], name="vol_application_area_status")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:application-decide", args=[self.pk])
