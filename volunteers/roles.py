"""The volunteers app's part of the roles map (applied by migration 0002; re-applied by
core.roles.sync_all_roles). The volunteer-service officer and the district run the registry;
streets and communities record and approve; grid workers register volunteers and run shifts;
auditors read. Star thresholds are reference data only the city changes."""

from core.roles import crud

ALL = "view add change delete"
MODELS = ["volunteer", "team", "teammembership", "activity", "shift", "signup", "servicehourrecord",
          "correctionrequest", "trainingsession", "trainingattendance", "socialworker", "certificate", "importjob"]


def _all(actions):
    return [p for m in MODELS for p in crud("volunteers", m, actions)]


# Residents' own registrations (migration 0009): the volunteer officers of the area decide them;
# the street and the community see what waits; auditors read.
APPLICATION_PERMS = {
    "city_admin": crud("volunteers", "volunteerapplication", "view change"),
    "volunteer_officer": crud("volunteers", "volunteerapplication", "view change"),
    "county_officer": crud("volunteers", "volunteerapplication", "view change"),
    "township_officer": crud("volunteers", "volunteerapplication"),
    "community_worker": crud("volunteers", "volunteerapplication"),
    "auditor": crud("volunteers", "volunteerapplication"),
}

ROLE_PERMS = {
    "city_admin": _all(ALL) + crud("volunteers", "starlevel", ALL),
    "volunteer_officer": _all(ALL) + crud("volunteers", "starlevel"),
    "county_officer": _all(ALL) + crud("volunteers", "starlevel"),
    "township_officer": _all("view add change") + crud("volunteers", "starlevel"),
    "community_worker": _all("view add change") + crud("volunteers", "starlevel"),
    "grid_worker": crud("volunteers", "volunteer") + crud("volunteers", "activity") + crud("volunteers", "shift"),
    "auditor": _all("view") + crud("volunteers", "starlevel"),
}
for _role, _perms in APPLICATION_PERMS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] + _perms
