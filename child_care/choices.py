"""Choices of the child-care app (domain.md §5; reference/child_care.md §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonKind(models.TextChoices):
    CHILD = "child", _("Child")
    WOMAN = "woman", _("Left-behind woman")
    ELDERLY = "elderly", _("Left-behind elderly person")
    GUARDIAN = "guardian", _("Guardian or family member")


class Hukou(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")
    OTHER = "other", _("Other")


class Relation(models.TextChoices):
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    GRANDPARENT = "grandparent", _("Grandparent")
    RELATIVE = "relative", _("Relative or friend")
    OTHER = "other", _("Other")


class ParentSituation(models.TextChoices):
    """Where a parent is, for the left-behind rule (民发〔2016〕42号)."""

    AT_HOME = "at_home", _("At home, able to care")
    AWAY = "away", _("Away working")
    UNABLE = "unable", _("At home, unable to care (serious illness or disability)")
    DECEASED = "deceased", _("Deceased")


class Category(models.TextChoices):
    LEFT_BEHIND = "left_behind", _("Left-behind child")
    DIFFICULTY = "difficulty", _("Child in difficulty")
    STREET_MINOR = "street_minor", _("Street minor returned home")
    KEY_ASSISTANCE = "key_assistance", _("Key assistance")
    LEFT_BEHIND_WOMAN = "left_behind_woman", _("Left-behind woman")
    LEFT_BEHIND_ELDERLY = "left_behind_elderly", _("Left-behind elderly person")


CHILD_CATEGORIES = {Category.LEFT_BEHIND, Category.DIFFICULTY, Category.STREET_MINOR, Category.KEY_ASSISTANCE}


class DifficultyKind(models.TextChoices):
    """The five categories of children in difficulty (困境儿童)."""

    ORPHAN = "orphan", _("Orphan")
    OWN = "own", _("Own difficulty (illness, disability)")
    FAMILY = "family", _("Family difficulty (poverty)")
    SAFETY = "safety", _("Safety difficulty (abuse, neglect)")
    TEMPORARY = "temporary", _("Temporary difficulty")


class RiskTier(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# Days between visits by risk tier: high monthly, medium quarterly, low twice a year.
VISIT_CADENCE_DAYS = {RiskTier.HIGH: 30, RiskTier.MEDIUM: 90, RiskTier.LOW: 180}


class ReportStage(models.TextChoices):
    """信息报送: entered by the child director, reviewed and submitted by the supervisor."""

    ENTERED = "entered", _("Entered")
    REVIEWED = "reviewed", _("Reviewed")
    SUBMITTED = "submitted", _("Submitted")


class ProposalRule(models.TextChoices):
    TURNED_16 = "turned_16", _("Turned 16")
    TURNED_18 = "turned_18", _("Turned 18")
    PARENT_RETURNED = "parent_returned", _("A parent returned")
    HUKOU_CHANGED = "hukou_changed", _("Household registration changed")
    LEFT_BEHIND_ELIGIBLE = "left_behind_eligible", _("Meets the left-behind definition")
    SCHOOL_EXIT = "school_exit", _("The school roster says the child left school")
    ROSTER_LEFT_BEHIND = "roster_left_behind", _("The school roster flags the child left-behind")
    ROSTER_NOT_LEFT_BEHIND = "roster_not_left_behind", _("The school roster says the child is not left-behind")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed by the child director")
    APPROVED = "approved", _("Approved by the supervisor")
    REJECTED = "rejected", _("Rejected")


class ProposalAction(models.TextChoices):
    END = "end", _("End the category")
    START = "start", _("Start the category")
    REVIEW = "review", _("Check the record (no category change)")


class Education(models.TextChoices):
    PRESCHOOL = "preschool", _("Pre-school age")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    VOCATIONAL = "vocational", _("Vocational or higher")
    OTHER = "other", _("Other")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    WEAK = "weak", _("Fair or weak")
    SERIOUS = "serious", _("Serious illness")
    CHRONIC = "chronic", _("Chronic illness")
    DISABLED = "disabled", _("Disability")
    OTHER = "other", _("Other")


class Boarding(models.TextChoices):
    BOARDING = "boarding", _("Boarding")
    DAY = "day", _("Not boarding")


class GuardianshipQuality(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class StaffPost(models.TextChoices):
    SUPERVISOR = "supervisor", _("Child-care supervisor")
    DIRECTOR = "director", _("Child director")


# --- school-roster reconciliation (学籍比对) ----------------------------------------------------------
class Enrolment(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    SUSPENDED = "suspended", _("Suspended")
    TRANSFERRED = "transferred", _("Transferred out")
    GRADUATED = "graduated", _("Graduated")


# The roster's 当前状态 as the education bureau writes it.
ENROLMENT_WORDS = {"在读": Enrolment.ENROLLED, "在校": Enrolment.ENROLLED, "退学": Enrolment.DROPPED_OUT,
                   "辍学": Enrolment.DROPPED_OUT, "休学": Enrolment.SUSPENDED, "转出": Enrolment.TRANSFERRED,
                   "毕业": Enrolment.GRADUATED}
SCHOOL_LEFT = {Enrolment.DROPPED_OUT, Enrolment.SUSPENDED}  # 控辍保学 alerts
SCHOOL_EXITS = {Enrolment.DROPPED_OUT, Enrolment.SUSPENDED, Enrolment.TRANSFERRED, Enrolment.GRADUATED}
SCHOOL_AGE = (6, 15)  # compulsory education: from 6 to 15 full years


class RosterStatus(models.TextChoices):
    STAGED = "staged", _("Staged: rows read, not yet compared")
    RECONCILED = "reconciled", _("Compared with the registry")


class Bucket(models.TextChoices):
    CONSISTENT = "consistent", _("Consistent")
    CONFLICT = "conflict", _("Conflicting")
    NOT_IN_SCHOOL = "not_in_school", _("In our registry, not in the school roster")
    UNKNOWN = "unknown", _("Flagged left-behind by the school, unknown to us")


class MatchMethod(models.TextChoices):
    ID = "id", _("ID number")
    NAME = "name", _("Name, birth date and sex (to confirm)")
    NONE = "none", _("No match")


class Decision(models.TextChoices):
    OPEN = "open", _("To decide")
    SAME = "same", _("Same person: differences proposed")
    NOT_SAME = "not_same", _("Not the same person")
    DISMISSED = "dismissed", _("Checked, nothing to change")


# --- rescue-station follow-up (救助站跟踪回访) -------------------------------------------------------
class RescueStatus(models.TextChoices):
    HANDED_OVER = "handed_over", _("Handed over, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted by the child director")
    CLOSED = "closed", _("Closed")


class FollowUpParty(models.TextChoices):
    FAMILY = "family", _("Family")
    SCHOOL = "school", _("School")
    VILLAGE = "village", _("Village committee")


# Days after acceptance: the family at 1, 3, 6 and 12 months; school and village committee at 1 month.
FOLLOW_UP_PLAN = [(30, FollowUpParty.FAMILY), (30, FollowUpParty.SCHOOL), (30, FollowUpParty.VILLAGE),
                  (90, FollowUpParty.FAMILY), (180, FollowUpParty.FAMILY), (365, FollowUpParty.FAMILY)]


# --- consent (PIPL Art. 31: a guardian's consent for a child under 14) --------------------------------
class ConsentPurpose(models.TextChoices):
    REGISTRY = "registry", _("Keeping the child's record in the registry")
    SHARING = "sharing", _("Sharing with school, health or police services")
    PHOTO = "photo", _("Photos and case publicity")


# --- outreach and training (政策宣讲进村(居), 业务培训) ------------------------------------------------
class TrainingLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("District/county")
    TOWNSHIP = "township", _("Township/street")
