"""Choices of community consultation (社区协商): stages, tracks, bodies, participants, ballots."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where a matter stands in the 六事 mechanism, plus the ways it can leave it early."""

    RAISED = "raised", _("Raised by residents")  # 百姓点事
    ACCEPTED = "accepted", _("Put on the agenda by the two committees")  # 两委提事
    DELIBERATING = "deliberating", _("Residents deliberating")  # 居民议事
    DECIDED = "decided", _("Decided by the meeting")  # 与会决事
    IMPLEMENTING = "implementing", _("Being carried out")  # 多元办事
    EVALUATING = "evaluating", _("Public evaluation")  # 公众评事
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged into another matter")
    REFERRED = "referred", _("Referred elsewhere")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STAGES = [Stage.RAISED, Stage.ACCEPTED, Stage.DELIBERATING, Stage.DECIDED, Stage.IMPLEMENTING, Stage.EVALUATING]
ENDED_STAGES = [Stage.CLOSED, Stage.DECLINED, Stage.MERGED, Stage.REFERRED, Stage.WITHDRAWN]


class Origin(models.TextChoices):
    RESIDENT = "resident", _("Raised by a resident")
    COMMITTEE = "committee", _("Proposed by the two committees")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person at the service window")
    PHONE = "phone", _("Telephone")
    ONLINE = "online", _("Online")
    GRID = "grid", _("Grid worker's visit")
    HOTLINE = "hotline_12345", _("12345 hotline")
    MEETING = "meeting", _("At a meeting")


class Track(models.TextChoices):
    CONSULTATION = "consultation", _("Community consultation")
    FOUR_DELIBERATIONS = "four_deliberations", _("Four deliberations and two publications")  # 四议两公开


class BodyKind(models.TextChoices):
    PARTY_ORG = "party_org", _("Party organisation")  # 村(社区)党组织
    TWO_COMMITTEES = "two_committees", _("Two committees")  # 两委
    PARTY_MEMBERS_ASSEMBLY = "party_members_assembly", _("Party members' meeting")  # 党员大会
    VILLAGERS_ASSEMBLY = "villagers_assembly", _("Villagers' meeting")  # 村民会议
    VILLAGER_REPRESENTATIVES = "villager_representatives", _("Villagers' representatives' meeting")  # 村民代表会议
    RESIDENTS_ASSEMBLY = "residents_assembly", _("Residents' meeting")  # 居民会议
    RESIDENT_REPRESENTATIVES = "resident_representatives", _("Residents' representatives' meeting")
    CONSULTATION_COUNCIL = "consultation_council", _("Consultation council")  # 居民议事会
    SUPERVISION_COMMITTEE = "supervision_committee", _("Affairs supervision committee")  # 村(居)务监督委员会


class Capacity(models.TextChoices):
    """Bodies whose members act on matters through the portal."""

    TWO_COMMITTEES = "two_committees", _("Member of the two committees")
    SUPERVISION_COMMITTEE = "supervision_committee", _("Member of the supervision committee")


class MemberRole(models.TextChoices):
    SECRETARY = "secretary", _("Party secretary")
    DIRECTOR = "director", _("Committee director")
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")


class ParticipantCategory(models.TextChoices):
    """The 五化 "diverse participants" (协商主体多元化)."""

    RESIDENT = "resident", _("Resident")
    PARTY_MEMBER = "party_member", _("Party member")
    REPRESENTATIVE = "representative", _("Residents' representative")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY_COMPANY = "property_company", _("Property company")
    STATIONED_UNIT = "stationed_unit", _("Unit stationed in the community")
    SOCIAL_ORG = "social_org", _("Social organisation")
    COMMITTEE = "committee", _("Two committees")
    SUPERVISION = "supervision", _("Supervision committee")
    OTHER = "other", _("Other stakeholder")


class AttendanceMethod(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    STAFF_ENTRY = "staff_entry", _("Entered by staff")


class BallotMethod(models.TextChoices):
    SHOW_OF_HANDS = "show_of_hands", _("Show of hands")
    SECRET = "secret", _("Secret ballot")
    ROLL_CALL = "roll_call", _("Roll call")


class AttendanceBasis(models.TextChoices):
    MEMBERS = "members", _("Members of the body")
    HOUSEHOLDS = "households", _("Households")


class PassBasis(models.TextChoices):
    PRESENT = "present", _("Those present")
    MEMBERS = "members", _("All who should attend")


class StepKind(models.TextChoices):
    """The six steps of 四议两公开, in order."""

    PARTY_PROPOSAL = "party_proposal", _("Party organisation proposes")  # 党组织提议
    COMMITTEES_DISCUSS = "committees_discuss", _("Two committees discuss")  # 两委会商议
    PARTY_MEMBERS_REVIEW = "party_members_review", _("Party members' meeting reviews")  # 党员大会审议
    ASSEMBLY_RESOLVES = "assembly_resolves", _("Villagers' or residents' meeting resolves")  # 村(居)民(代表)会议决议
    RESOLUTION_PUBLISHED = "resolution_published", _("Resolution published")  # 决议公开
    RESULT_PUBLISHED = "result_published", _("Implementation result published")  # 实施结果公开


STEP_ORDER = list(StepKind.values)
DELIBERATION_STEPS = STEP_ORDER[:4]


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    MERGED = "merged", _("Merged with the next step")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class PublicationKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    RESULT = "result", _("Implementation result")


class PublicationChannel(models.TextChoices):
    BULLETIN_BOARD = "bulletin_board", _("Affairs bulletin board")
    WECHAT_GROUP = "wechat_group", _("WeChat group")
    PORTAL = "portal", _("Portal")


class DisputeType(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Neighbours")
    FAMILY = "family", _("Marriage and family")
    PROPERTY = "property", _("Property management")
    LAND = "land", _("Land and contracting")
    LABOUR = "labour", _("Wages and labour")
    OTHER = "other", _("Other")


class DisputeOutcome(models.TextChoices):
    PENDING = "pending", _("Being mediated")
    RESOLVED = "resolved", _("Resolved")
    PARTIAL = "partial", _("Partly resolved")
    FAILED = "failed", _("Not resolved")
    REFERRED = "referred", _("Referred")


class PointsSubject(models.TextChoices):
    PERSON = "person", _("Person")
    BODY = "body", _("Body")
    ORGANISATION = "organisation", _("Organisation")


class CadreRating(models.TextChoices):
    COMPETENT = "competent", _("Competent")  # 称职
    BASICALLY = "basically", _("Basically competent")  # 基本称职
    INCOMPETENT = "incompetent", _("Incompetent")  # 不称职
