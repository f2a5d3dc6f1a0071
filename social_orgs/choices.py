"""Choices of the social-organisations app (社会组织)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    """The three registered types; the USCC's second character says which (5 = civil affairs)."""

    GROUP = "group", _("Social group (社会团体)")
    SERVICE = "service", _("Social service agency (社会服务机构/民办非企业单位)")
    FOUNDATION = "foundation", _("Foundation (基金会)")


# GB 32100-2015 position 2 under registering department 5 (民政).
USCC_CATEGORY = {OrgType.GROUP: "1", OrgType.SERVICE: "2", OrgType.FOUNDATION: "3"}


class OrgKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    HUB = "hub", _("Hub organisation (枢纽型)")
    SOCIAL_WORK = "social_work", _("Private social-work service agency (民办社工机构)")
    COMMUNITY = "community", _("Community social organisation (社区社会组织)")


class RegistrationLevel(models.TextChoices):
    CITY = "city", _("City civil affairs bureau")
    COUNTY = "county", _("District/county civil affairs bureau")


class OrgStatus(models.TextChoices):
    NAME_APPROVED = "name_approved", _("Name approved")
    PREPARING = "preparing", _("In preparation")
    ACTIVE = "active", _("Registered, active")
    CHANGING = "changing", _("Change of registration pending")
    DEREGISTERED = "deregistered", _("Deregistered")
    REVOKED = "revoked", _("Registration revoked")


OPEN_STATUSES = [OrgStatus.ACTIVE, OrgStatus.CHANGING]
ENDED_STATUSES = [OrgStatus.DEREGISTERED, OrgStatus.REVOKED]


class RevocationGround(models.TextChoices):
    FRAUD = "fraud", _("Registration obtained by fraud")
    ZOMBIE = "zombie", _("No activity within one year of receiving the certificate")
    SERIOUS_VIOLATION = "serious_violation", _("Serious violation of the regulations")


class ReportResult(models.TextChoices):
    PASS = "pass", _("Passed (合格)")
    BASIC = "basic", _("Basically passed (基本合格)")
    FAIL = "fail", _("Failed (不合格)")


class SponsorOpinion(models.TextChoices):
    AGREE = "agree", _("Agrees")
    DISAGREE = "disagree", _("Does not agree")


class ListType(models.TextChoices):
    ABNORMAL = "abnormal", _("Abnormal-activities list (活动异常名录)")
    SERIOUS = "serious", _("Serious illegal and dishonest list (严重违法失信名单)")


class ListingReason(models.TextChoices):
    """Entry grounds of 社会组织信用信息管理办法 (民政部令第60号)."""

    LATE_REPORT = "late_report", _("Annual work report not filed on time or not as required")
    NO_PARTY_ORG = "no_party_org", _("No party organisation set up as required")
    RECTIFICATION_NOT_DONE = "rectification_not_done", _("Rectification after an inspection not done")
    WARNING_OR_SMALL_FINE = "warning_or_small_fine", _("A warning or a fine under 50,000 yuan")
    UNREACHABLE = "unreachable", _("Unreachable: two registered letters returned")
    OTHER_ABNORMAL = "other_abnormal", _("Other ground for the abnormal list")
    TWO_YEARS_ABNORMAL = "two_years_abnormal", _("Two years on the abnormal-activities list")
    LARGE_FINE = "large_fine", _("A fine of 50,000 yuan or more")
    REPEATED_PENALTIES = "repeated_penalties", _("Two warnings or small fines within three years")
    COURT_DEFAULTER = "court_defaulter", _("Listed by a court as a dishonest judgment debtor (失信被执行人)")
    REVOKED = "revoked", _("Registration revoked")
    SUSPENDED = "suspended", _("Ordered to stop activities for a period")
    OTHER_SERIOUS = "other_serious", _("Other ground for the serious list")


SERIOUS_REASONS = {ListingReason.TWO_YEARS_ABNORMAL, ListingReason.LARGE_FINE, ListingReason.REPEATED_PENALTIES,
                   ListingReason.COURT_DEFAULTER, ListingReason.REVOKED, ListingReason.SUSPENDED,
                   ListingReason.OTHER_SERIOUS}
# Abnormal-list grounds with nothing the organisation can rectify: they leave automatically.
NOT_RECTIFIABLE = {ListingReason.WARNING_OR_SMALL_FINE}

# What the organisation must do to put each rectifiable ground right (shown on its page).
REMEDY = {
    ListingReason.LATE_REPORT: _("file the missing annual work report"),
    ListingReason.NO_PARTY_ORG: _("set up the party organisation (or have it confirmed as not required)"),
    ListingReason.RECTIFICATION_NOT_DONE: _("complete the rectification the inspection ordered"),
    ListingReason.UNREACHABLE: _("register a reachable address and contact with the registration authority"),
    ListingReason.OTHER_ABNORMAL: _("remedy the recorded ground"),
}


def list_type_of(reason: str) -> str:
    return ListType.SERIOUS if reason in SERIOUS_REASONS else ListType.ABNORMAL


class ListingStatus(models.TextChoices):
    LISTED = "listed", _("Listed")
    EXITED = "exited", _("Left the list")
    ESCALATED = "escalated", _("Moved to the serious list")


class ExitReason(models.TextChoices):
    RECTIFIED = "rectified", _("Rectified and verified, on application")
    AUTOMATIC = "automatic", _("Automatically, six months after listing (nothing to rectify)")
    CLEAN_PERIOD = "clean_period", _("Two years without a new event, on application")
    CORRECTED = "corrected", _("Listing found wrong on objection")


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Awaiting a registrar's decision")
    REVOKED = "revoked", _("Revoked")
    DISMISSED = "dismissed", _("Not revoked")


class Grade(models.IntegerChoices):
    A1 = 1, "1A"
    A2 = 2, "2A"
    A3 = 3, "3A"
    A4 = 4, "4A"
    A5 = 5, "5A"


class InspectionKind(models.TextChoices):
    RANDOM = "random", _("Random inspection (双随机一公开)")
    FEE = "fee", _("Fee inspection of an industry association or chamber")


class InspectionMethod(models.TextChoices):
    WRITTEN = "written", _("Written")
    ON_SITE = "on_site", _("On site")


class SupportKind(models.TextChoices):
    VENTURE = "venture", _("Venture-philanthropy grant (公益创投)")
    LOTTERY = "lottery", _("Welfare-lottery funds (福彩公益金)")


class CommunityOrgMode(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    FILED = "filed", _("Filed with the street/township")
    GUIDED = "guided", _("Guided by the community")


class CommunityField(models.TextChoices):
    """The source's eight focus fields of community social organisations."""

    MEDIATION = "mediation", _("Dispute mediation (纠纷调解)")
    PREVENTION = "prevention", _("Mass prevention (群防群治)")
    ELDERLY = "elderly", _("Health and elderly care (健康养老)")
    CHARITY = "charity", _("Charity (公益慈善)")
    DISASTER = "disaster", _("Disaster prevention (防灾减灾)")
    CULTURE = "culture", _("Culture and sports (文体娱乐)")
    NEIGHBOURS = "neighbours", _("Neighbourly help (邻里互助)")
    INTEGRATION = "integration", _("Resident integration (居民融入)")


CHANGEABLE_LABELS = [
    ("name", _("Organisation name")),
    ("address", _("Address")),
    ("legal_rep_name", _("Legal representative")),
    ("sponsor_unit", _("Sponsor unit (业务主管单位)")),
    ("purpose", _("Purpose (宗旨)")),
    ("business_scope", _("Business scope")),
]


class PlanLevel(models.TextChoices):
    """Levels of a regular random-inspection plan and their minimum ratio (民发〔2017〕45号 Art. 5)."""

    COUNTY = "county", _("District/county")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")


PLAN_RATIO_RULE = {PlanLevel.COUNTY: "random_ratio_county_pct", PlanLevel.CITY: "random_ratio_city_pct",
                   PlanLevel.PROVINCE: "random_ratio_province_pct"}


class PlanStatus(models.TextChoices):
    FROZEN = "frozen", _("Pools frozen, awaiting the draw")
    DRAWN = "drawn", _("Drawn")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied, awaiting review")
    APPROVED = "approved", _("Granted")
    REJECTED = "rejected", _("Not granted")


class ProjectGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Good (良好)")
    PASS = "pass", _("Passed (合格)")
    FAIL = "fail", _("Failed (不合格)")


class FeeViolation(models.TextChoices):
    """The violation types a fee inspection of an industry association or chamber checks (行业协会商会
    涉企收费检查: 国办发〔2020〕21号 and the 民政部 special-action lists)."""

    FORCED_MEMBERSHIP = "forced_membership", _("Forcing enterprises to join or pay dues (强制入会收费)")
    FORCED_SERVICE = "forced_service", _("Forcing paid services, training or publications (强制服务收费)")
    ADMINISTRATIVE_POWER = "admin_power", _("Charging through administrative powers (利用行政资源收费)")
    DUES_ABOVE_STANDARD = "dues_above", _("Dues above the standard adopted by the assembly (超标准收取会费)")
    APPRAISAL_FEES = "appraisal", _("Charging for appraisals, rankings or commendations (违规评比表彰收费)")
    OTHER = "other", _("Other improper charge")


class IncubationStatus(models.TextChoices):
    INCUBATING = "incubating", _("Incubating")
    GRADUATED = "graduated", _("Graduated")
    WITHDRAWN = "withdrawn", _("Left before graduating")
