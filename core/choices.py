"""Choices shared by the whole portal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("District/county")
    TOWNSHIP = "township", _("Street/township")
    COMMUNITY = "community", _("Community/village")
    GRID = "grid", _("Grid")


# Order of the hierarchy and the significant prefix of a code at each level.
LEVEL_ORDER = [AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.COMMUNITY, AreaLevel.GRID]
LEVEL_PREFIX = {
    AreaLevel.CITY: 4,
    AreaLevel.COUNTY: 6,
    AreaLevel.TOWNSHIP: 9,
    AreaLevel.COMMUNITY: 12,
    AreaLevel.GRID: 15,
}


class AreaKind(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class Role(models.TextChoices):
    """Staff roles. Each is a Django group of the same name with model permissions."""

    CITY_ADMIN = "city_admin", _("City administrator")
    COUNTY_OFFICER = "county_officer", _("District/county officer")
    TOWNSHIP_OFFICER = "township_officer", _("Street/township officer")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    GRID_WORKER = "grid_worker", _("Grid worker")
    ORG_REGISTRAR = "org_registrar", _("Social-organisation registrar")
    VOLUNTEER_OFFICER = "volunteer_officer", _("Volunteer-service officer")
    CHILD_SUPERVISOR = "child_supervisor", _("Child-care supervisor")
    CHILD_DIRECTOR = "child_director", _("Child director")
    # Staff of a rescue-management station (救助管理站), granted at the station's area (a county or the
    # city): they hand returned street minors over and follow them up, and see only their station's cases.
    RESCUE_STAFF = "rescue_staff", _("Rescue-station staff")
    AUDITOR = "auditor", _("Auditor")


# Roles whose holders must sign in with a second factor (besides superusers).
SECOND_FACTOR_ROLES = {Role.CITY_ADMIN, Role.AUDITOR}


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Warning")
    SERIOUS = "serious", _("Serious")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


# Roles whose holders use the Django admin (it is still restricted to their areas).
ADMIN_SITE_ROLES = {Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.AUDITOR}
