"""Community consultation (社区协商): matters through the 六事 mechanism and 四议两公开.

One matter (一事一档) carries its whole case file: supports, the two committees' answer,
meetings with attendance, minutes and ballots, the 四议两公开 steps, publications with proof of
posting, the implementation project with tasks, and the public evaluation. Every change goes
through ``governance.services``; these models only hold what the database can check.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AreaLevel
from core.models import Area
from core.validators import DOCUMENT_TYPES, IMAGE_TYPES, FileTypeValidator, RandomName

from . import querysets
from .choices import (
    AttendanceBasis,
    AttendanceMethod,
    BallotMethod,
    BodyKind,
    Capacity,
    Channel,
    DisputeOutcome,
    DisputeType,
    MemberRole,
    Origin,
    ParticipantCategory,
    PassBasis,
    PointsSubject,
    PublicationChannel,
    PublicationKind,
    Stage,
    StepKind,
    StepStatus,
    Track,
)
from .choices import CadreRating as CadreRatingChoice

USER = settings.AUTH_USER_MODEL
EFFECTIVE_DAYS = 90  # a dispute is effectively resolved when not reopened within these days


class Category(models.Model):
    """A kind of matter (内容分类化): how fast the two committees must answer, and whether it is a
    major matter (重大事项) that must go through 四议两公开."""

    scope_field = None  # city-wide reference data: written by a city-level holder only

    name = models.CharField(_("name"), max_length=50, unique=True)
    response_days = models.PositiveSmallIntegerField(_("days to answer"), default=7)
    is_major = models.BooleanField(_("major matter"), default=False)
    major_amount = models.DecimalField(_("major above amount (yuan)"), max_digits=12, decimal_places=2, null=True,
                                       blank=True)
    publication_days = models.PositiveSmallIntegerField(
        _("days to publish a resolution"), default=5, help_text=_("0 means immediately (the same day)."))

    class Meta:
        verbose_name = _("matter category")
        verbose_name_plural = _("matter categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def is_major_for(self, amount) -> bool:
        return self.is_major or (self.major_amount is not None and amount is not None and amount >= self.major_amount)


class QuorumRule(models.Model):
    """Quorum and majority of a body as data (defaults: 《村民委员会组织法》 §22, §26), per province.

    A meeting is quorate when present/eligible reaches attendance_num/attendance_den (strictly
    more when ``attendance_strict``), or, where set, when present households reach the household
    ratio. A motion passes when "for" reaches pass_num/pass_den of those present (or of all who
    should attend).
    """

    scope_field = None  # city-wide reference data: written by a city-level holder only

    body_kind = models.CharField(_("body"), max_length=30, choices=BodyKind.choices)
    province = models.CharField(_("province code"), max_length=2, blank=True,
                                help_text=_("Empty for the national default."))
    notice_days = models.PositiveSmallIntegerField(_("days of notice"), default=0)
    attendance_basis = models.CharField(_("attendance counted over"), max_length=10, choices=AttendanceBasis.choices,
                                        default=AttendanceBasis.MEMBERS)
    attendance_num = models.PositiveSmallIntegerField(_("attendance numerator"), default=1)
    attendance_den = models.PositiveSmallIntegerField(_("attendance denominator"), default=2)
    attendance_strict = models.BooleanField(_("attendance must exceed the ratio"), default=True)
    household_num = models.PositiveSmallIntegerField(_("household numerator"), null=True, blank=True)
    household_den = models.PositiveSmallIntegerField(_("household denominator"), null=True, blank=True)
    household_strict = models.BooleanField(_("households must exceed the ratio"), default=False)
    pass_basis = models.CharField(_("majority counted over"), max_length=10, choices=PassBasis.choices,
                                  default=PassBasis.PRESENT)
    pass_num = models.PositiveSmallIntegerField(_("majority numerator"), default=1)
    pass_den = models.PositiveSmallIntegerField(_("majority denominator"), default=2)
    pass_strict = models.BooleanField(_("majority must exceed the ratio"), default=True)
    source = models.CharField(_("legal source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quorum rule")
        verbose_name_plural = _("quorum rules")
        ordering = ["body_kind", "province"]
        constraints = [
            models.UniqueConstraint(fields=["body_kind", "province"], name="governance_quorum_one_per_province"),
            models.CheckConstraint(condition=models.Q(attendance_den__gt=0, pass_den__gt=0),
                                   name="governance_quorum_denominators_positive"),
        ]

    def __str__(self):
        return f"{self.get_body_kind_display()} {self.province or '*'}"

    @staticmethod
    def _reaches(count, total, num, den, strict) -> bool:
        if total <= 0:
            return False
        return count * den > num * total if strict else count * den >= num * total

    def quorate(self, *, present, eligible, households_present=0, households_eligible=0) -> bool:
        if self._reaches(present, eligible, self.attendance_num, self.attendance_den, self.attendance_strict):
            return True
        return bool(self.household_num and self.household_den and self._reaches(
            households_present, households_eligible, self.household_num, self.household_den, self.household_strict))

    def carried(self, *, votes_for, present, eligible) -> bool:
        base = present if self.pass_basis == PassBasis.PRESENT else eligible
        return self._reaches(votes_for, base, self.pass_num, self.pass_den, self.pass_strict)


class CommunitySetting(models.Model):
    """Per community/village: the roster sizes meetings snapshot, and 一肩挑."""

    area = models.OneToOneField(Area, verbose_name=_("community/village"), on_delete=models.PROTECT,
                                related_name="governance_setting")
    adults = models.PositiveIntegerField(_("adult residents"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    representatives = models.PositiveIntegerField(_("representatives"), default=0)
    party_members = models.PositiveIntegerField(_("party members"), default=0)
    committee_members = models.PositiveIntegerField(
        _("members of the two committees"), default=0,
        help_text=_("Empty (0) counts the members recorded on the two committees."))
    secretary_is_director = models.BooleanField(_("secretary is also director (一肩挑)"), default=False)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("community setting")
        verbose_name_plural = _("community settings")

    def __str__(self):
        return str(self.area)


class BodyMember(models.Model):
    """A member of a community body with a term (two committees, supervision committee).

    A staff user linked here may act in that capacity for matters of the community.
    """

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT,
                             related_name="+")
    capacity = models.CharField(_("body"), max_length=30, choices=Capacity.choices)
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    user = models.ForeignKey(USER, verbose_name=_("portal account"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="governance_seats")
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    relative_of = models.ForeignKey("self", verbose_name=_("close relative of"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="relatives")

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("body member")
        verbose_name_plural = _("body members")
        ordering = ["area", "capacity", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_capacity_display()})"

    def active_on(self, day) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class Matter(models.Model):
    """One matter of consultation (一事一档), from 百姓点事 to 公众评事."""

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT,
                             related_name="governance_matters")
    ref = models.CharField(_("reference"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    location = models.CharField(_("location in the community"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount involved (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.RESIDENT)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.IN_PERSON)
    raised_by_name = models.CharField(_("raised by"), max_length=50, blank=True,
                                      help_text=_("The resident's name; never shown on public pages."))
    entered_by = models.ForeignKey(USER, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    track = models.CharField(_("track"), max_length=20, choices=Track.choices, default=Track.CONSULTATION)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.RAISED, db_index=True)
    stage_changed_at = models.DateTimeField(_("stage changed"), default=timezone.now)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    response_due = models.DateField(_("answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_reason = models.TextField(_("answer reason"), blank=True)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="merged_matters")
    referred_to = models.CharField(_("referred to"), max_length=100, blank=True)

    objects = querysets.MatterQuerySet.as_manager()
    # A matter lies at its community: a grid worker's grant covers the matters of the grid's community
    # (they raise 百姓点事 there and follow them), and no other community's (core.scope._reach).
    grants_reach_up_to = AreaLevel.COMMUNITY

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["stage", "response_due"], name="governance_matter_due")]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def get_absolute_url(self):
        return reverse("governance:matter-detail", args=[self.pk])

    def get_public_url(self):
        return reverse("governance:public-matter", args=[self.area.code, self.ref])

    @property
    def is_major(self) -> bool:
        return self.track == Track.FOUR_DELIBERATIONS

    @property
    def is_overdue(self) -> bool:
        return self.stage == Stage.RAISED and self.response_due < timezone.localdate()

    @property
    def answered_on_time(self):
        if self.answered_at is None:
            return None
        return timezone.localdate(self.answered_at) <= self.response_due


class Support(models.Model):
    """A resident's support of a matter (附议), by name."""

    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="supports")
    name = models.CharField(_("resident"), max_length=50)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = querysets.MatterChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["matter", "name"], name="governance_support_once")]

    def __str__(self):
        return self.name


class DecisionStep(models.Model):
    """One of the six ordered steps of 四议两公开 of a major matter."""

    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    status = models.CharField(_("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING)
    merged_reason = models.TextField(_("reason for merging"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = querysets.MatterChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision step")
        verbose_name_plural = _("decision steps")
        ordering = ["matter", "order"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "kind"], name="governance_step_once"),
            models.CheckConstraint(condition=~models.Q(status="merged") | ~models.Q(merged_reason=""),
                                   name="governance_step_merge_needs_reason"),
        ]

    def __str__(self):
        return f"{self.order}. {self.get_kind_display()}"

    @property
    def done(self) -> bool:
        return self.status in (StepStatus.PASSED, StepStatus.MERGED)


class Meeting(models.Model):
    """A meeting on a matter: a deliberation (居民议事) or one of the 四议 steps."""

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="meetings")
    step = models.ForeignKey(DecisionStep, verbose_name=_("decision step"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="meetings")
    body_kind = models.CharField(_("body"), max_length=30, choices=BodyKind.choices)
    quorum_rule = models.ForeignKey(QuorumRule, verbose_name=_("quorum rule"), on_delete=models.PROTECT)
    scheduled_at = models.DateTimeField(_("time"))
    location = models.CharField(_("place"), max_length=100)
    agenda = models.TextField(_("agenda"))
    notice_sent_at = models.DateTimeField(_("notice sent"), default=timezone.now)
    eligible = models.PositiveIntegerField(_("should attend"))
    eligible_households = models.PositiveIntegerField(_("households that should attend"), default=0)
    roster_eligible = models.PositiveIntegerField(_("on the roster"), null=True, blank=True,
                                                  help_text=_("The roster's count when the notice went out."))
    eligible_reason = models.TextField(_("reason for a number other than the roster's"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["scheduled_at", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(eligible__gt=0),
                                              name="governance_meeting_has_roster")]

    def __str__(self):
        return f"{self.get_body_kind_display()} {timezone.localtime(self.scheduled_at):%Y-%m-%d %H:%M}"

    @property
    def present(self) -> int:
        return self.participants.count()


class Participant(models.Model):
    """Someone at a meeting, by participant category (五化); signed in or entered by staff."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="participants")
    name = models.CharField(_("name"), max_length=50)
    category = models.CharField(_("participant category"), max_length=20, choices=ParticipantCategory.choices)
    household = models.CharField(_("household"), max_length=50, blank=True)
    method = models.CharField(_("attendance"), max_length=15, choices=AttendanceMethod.choices,
                              default=AttendanceMethod.STAFF_ENTRY)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = querysets.MeetingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["meeting", "name"], name="governance_participant_once")]

    def __str__(self):
        return self.name


class Minutes(models.Model):
    """Structured minutes (协商记录): speakers and their opinions, consensus, dissent; locked once signed."""

    meeting = models.OneToOneField(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                   related_name="minutes")
    speakers = models.JSONField(_("speakers"), default=list, blank=True,
                                help_text=_("A list of {name, category, opinion}."))
    consensus = models.TextField(_("consensus"), blank=True)
    dissent = models.TextField(_("dissent"), blank=True)
    signed_by = models.CharField(_("signed by"), max_length=200, blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)

    objects = querysets.MeetingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return str(self.meeting)


class Ballot(models.Model):
    """A vote on a motion at a meeting, counted against the meeting's quorum rule when closed.

    Counts of a secret ballot are hidden until it closes. Corrections after closing are
    appended as ``BallotCorrection`` rows, never written over the original count.
    """

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="ballots")
    motion = models.TextField(_("motion"))
    method = models.CharField(_("method"), max_length=15, choices=BallotMethod.choices,
                              default=BallotMethod.SHOW_OF_HANDS)
    votes_for = models.PositiveIntegerField(_("for"), default=0)
    votes_against = models.PositiveIntegerField(_("against"), default=0)
    abstentions = models.PositiveIntegerField(_("abstain"), default=0)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    present = models.PositiveIntegerField(_("present at close"), null=True, blank=True)
    quorate = models.BooleanField(_("quorate"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    objects = querysets.MeetingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["opened_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(passed__isnull=True) | models.Q(passed=False) | models.Q(quorate=True),
            name="governance_ballot_no_pass_without_quorum")]

    def __str__(self):
        return self.motion[:60]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def results_visible(self) -> bool:
        return self.method != BallotMethod.SECRET or self.closed_at is not None

    def effective_counts(self):
        latest = self.corrections.order_by("-created_at", "-id").first()
        if latest is None:
            return self.votes_for, self.votes_against, self.abstentions
        return latest.votes_for, latest.votes_against, latest.abstentions


class BallotCorrection(models.Model):
    """A recount or correction of a closed ballot, appended with its reason (never an edit)."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.PROTECT, related_name="corrections")
    votes_for = models.PositiveIntegerField(_("for"))
    votes_against = models.PositiveIntegerField(_("against"))
    abstentions = models.PositiveIntegerField(_("abstain"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = querysets.BallotChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("ballot correction")
        verbose_name_plural = _("ballot corrections")

    def __str__(self):
        return self.reason[:60]


class Publication(models.Model):
    """A publication (公开) of a resolution or an implementation result, with proof of posting and
    the supervision committee's countersignature. It counts once countersigned."""

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT,
                               related_name="publications")
    kind = models.CharField(_("publication"), max_length=15, choices=PublicationKind.choices)
    content = models.TextField(_("content"))
    channel = models.CharField(_("channel"), max_length=20, choices=PublicationChannel.choices,
                               default=PublicationChannel.BULLETIN_BOARD)
    due_on = models.DateField(_("due"))
    posted_at = models.DateTimeField(_("posted"))
    photo = models.FileField(_("photo of the posting"), upload_to=RandomName("governance/publications"), blank=True,
                             validators=[FileTypeValidator(IMAGE_TYPES)])
    photo_taken_at = models.DateTimeField(_("photo taken"))
    countersigned_by = models.ForeignKey(BodyMember, verbose_name=_("countersigned by"), on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+")
    countersigned_at = models.DateTimeField(_("countersigned"), null=True, blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["posted_at", "id"]

    def __str__(self):
        return f"{self.matter.ref} {self.get_kind_display()}"

    @property
    def is_late(self) -> bool:
        return timezone.localdate(self.posted_at) > self.due_on


class Project(models.Model):
    """The decision turned into a project (成果项目化) carried out by several parties (多元办事)."""

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT, related_name="+")
    matter = models.OneToOneField(Matter, verbose_name=_("matter"), on_delete=models.PROTECT,
                                  related_name="project")
    title = models.CharField(_("title"), max_length=200)
    lead_body = models.CharField(_("lead body"), max_length=100)
    partners = models.JSONField(_("partners"), default=list, blank=True,
                                help_text=_("A list of {name, category, role}."))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return self.title

    def progress(self) -> Decimal:
        """Percentage done, weighted by task weight."""
        total = done = 0
        for task in self.tasks.all():
            total += task.weight
            if task.done_at:
                done += task.weight
        return (Decimal(done * 100) / total).quantize(Decimal("0.1")) if total else Decimal(0)


class Task(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    assignee = models.CharField(_("assignee"), max_length=100)
    due_on = models.DateField(_("due"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])
    is_rectification = models.BooleanField(_("rectification (整改)"), default=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    objects = querysets.ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(done_at__isnull=True) | ~models.Q(evidence=""),
                                              name="governance_task_done_needs_evidence")]

    def __str__(self):
        return self.title


class Milestone(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="milestones")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    objects = querysets.ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "id"]

    def __str__(self):
        return self.title


class EvaluationRound(models.Model):
    """Public evaluation (公众评事): satisfaction 1–5, results hidden until the round closes."""

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT,
                               related_name="evaluation_rounds")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    threshold = models.DecimalField(_("satisfaction needed"), max_digits=3, decimal_places=2, default=Decimal("3.5"),
                                    validators=[MinValueValidator(1), MaxValueValidator(5)])
    min_responses = models.PositiveIntegerField(_("responses needed"), default=5)
    grids = models.ManyToManyField(Area, verbose_name=_("grids"), blank=True, related_name="+",
                                   help_text=_("The grids the matter affects; empty: the whole community."))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    responses_count = models.PositiveIntegerField(_("responses"), null=True, blank=True)
    satisfaction = models.DecimalField(_("satisfaction"), max_digits=3, decimal_places=2, null=True, blank=True)
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["opened_at", "id"]

    def __str__(self):
        return f"{self.matter.ref} {timezone.localtime(self.opened_at):%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class EvaluationResponse(models.Model):
    round = models.ForeignKey(EvaluationRound, verbose_name=_("evaluation round"), on_delete=models.CASCADE,
                              related_name="responses")
    respondent = models.CharField(_("respondent"), max_length=50)
    grid = models.ForeignKey(Area, verbose_name=_("grid"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", help_text=_("Where the respondent lives."))
    score = models.PositiveSmallIntegerField(_("satisfaction"), validators=[MinValueValidator(1),
                                                                             MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = querysets.RoundChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")
        constraints = [
            models.UniqueConstraint(fields=["round", "respondent"], name="governance_response_once"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="governance_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.round} {self.score}"


class Objection(models.Model):
    """The supervision committee objects to a step of a matter; a response is due."""

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="objections")
    member = models.ForeignKey(BodyMember, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("objection"))
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    response_due = models.DateField(_("response due"))
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_at", "id"]

    def __str__(self):
        return self.text[:60]


class PointsEntry(models.Model):
    """Append-only points ledger (推进积分化); corrections are reversing entries."""

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(_("subject type"), max_length=15, choices=PointsSubject.choices)
    subject = models.CharField(_("subject"), max_length=100)
    points = models.IntegerField(_("points"))
    event = models.CharField(_("event"), max_length=40)
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="points")
    dispute = models.ForeignKey("Dispute", verbose_name=_("dispute"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="points")
    reverses = models.OneToOneField("self", verbose_name=_("reverses"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="reversed_by")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A dispute earns its points once (the award is idempotent); a reversal is not an award.
            models.UniqueConstraint(fields=["dispute", "event"], name="governance_points_once_per_dispute",
                                    condition=models.Q(dispute__isnull=False, reverses__isnull=True)),
        ]

    def __str__(self):
        return f"{self.subject} {self.points:+d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Points entries are append-only.")
        super().save(*args, **kwargs)


class Dispute(models.Model):
    """A dispute (矛盾纠纷) brought to consultation or mediation. "Effectively resolved" means
    resolved and not reopened within 90 days."""

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT, related_name="+")
    parties = models.TextField(_("parties"))
    dispute_type = models.CharField(_("type"), max_length=15, choices=DisputeType.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.IN_PERSON)
    mediator = models.CharField(_("mediator"), max_length=50)
    received_on = models.DateField(_("received"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=DisputeOutcome.choices,
                               default=DisputeOutcome.PENDING)
    resolved_on = models.DateField(_("resolved"), null=True, blank=True)
    agreement = models.TextField(_("agreement"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    reopened_on = models.DateField(_("reopened"), null=True, blank=True)
    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="disputes")

    objects = querysets.AreaBoundQuerySet.as_manager()
    grants_reach_up_to = AreaLevel.COMMUNITY  # as for matters: a grid worker registers disputes of their community

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=~models.Q(outcome="resolved") | models.Q(resolved_on__isnull=False),
            name="governance_dispute_resolved_has_date")]

    def __str__(self):
        return f"{self.get_dispute_type_display()} {self.received_on}"

    def get_absolute_url(self):
        return reverse("governance:dispute-detail", args=[self.pk])

    def clean(self):
        """Dates that can be true: a dispute is not received in the future, nor resolved before it was
        received (every write's ``full_clean`` checks this: page, API and import alike)."""
        errors = {}
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = _("A dispute cannot be received in the future.")
        if self.received_on and self.resolved_on and self.resolved_on < self.received_on:
            errors["resolved_on"] = _("A dispute is resolved on or after the day it was received.")
        if errors:
            raise ValidationError(errors)

    @property
    def effectively_resolved(self) -> bool:
        """A reopening on or before ``resolved_on`` preceded the latest resolution, which counts
        afresh (a reopened dispute resolved again records its new resolution date)."""
        if self.outcome != DisputeOutcome.RESOLVED or self.resolved_on is None:
            return False
        return (self.reopened_on is None or self.reopened_on <= self.resolved_on
                or (self.reopened_on - self.resolved_on).days > EFFECTIVE_DAYS)


class CadreReview(models.Model):
    """A yearly report (述职) of a committee member and its ratings (评议) by rater groups.

    Two consecutive years rated 不称职 raise a finding (《村民委员会组织法》§33).
    """

    area = models.ForeignKey(Area, verbose_name=_("community/village"), on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(BodyMember, verbose_name=_("reviewed member"), on_delete=models.PROTECT,
                               related_name="reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    report = models.TextField(_("report"))
    verdict = models.CharField(_("verdict"), max_length=15, choices=CadreRatingChoice.choices, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)

    objects = querysets.AreaBoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre review")
        verbose_name_plural = _("cadre reviews")
        ordering = ["-year", "member"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="governance_review_once_a_year")]

    def __str__(self):
        return f"{self.member.name} {self.year}"


class CadreRatingCount(models.Model):
    """The ratings one rater group gave (e.g. party members, representatives, township)."""

    review = models.ForeignKey(CadreReview, verbose_name=_("cadre review"), on_delete=models.CASCADE,
                               related_name="ratings")
    rater_group = models.CharField(_("rater group"), max_length=50)
    competent = models.PositiveIntegerField(_("competent"), default=0)
    basically = models.PositiveIntegerField(_("basically competent"), default=0)
    incompetent = models.PositiveIntegerField(_("incompetent"), default=0)

    objects = querysets.ReviewChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre rating")
        verbose_name_plural = _("cadre ratings")
        constraints = [models.UniqueConstraint(fields=["review", "rater_group"], name="governance_rating_per_group")]

    def __str__(self):
        return f"{self.review} {self.rater_group}"


class Attachment(models.Model):
    """A file attached to a matter (photo of the problem, signed attendance sheet, …). Staff only:
    attachments may show residents, so the public case file does not list them."""

    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT,
                               related_name="attachments")
    title = models.CharField(_("title"), max_length=100)
    # Served only by the scoped, audited download view, never under MEDIA_URL.
    file = models.FileField(_("file"), upload_to=RandomName("governance/attachments"),
                            validators=[FileTypeValidator(DOCUMENT_TYPES)])
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = querysets.MatterChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title
