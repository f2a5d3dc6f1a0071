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


ROLE_PERMS = {
    "city_admin": _all(ALL) + crud("volunteers", "starlevel", ALL),
    "volunteer_officer": _all(ALL) + crud("volunteers", "starlevel"),
    "county_officer": _all(ALL) + crud("volunteers", "starlevel"),
    "township_officer": _all("view add change") + crud("volunteers", "starlevel"),
    "community_worker": _all("view add change") + crud("volunteers", "starlevel"),
    "grid_worker": crud("volunteers", "volunteer") + crud("volunteers", "activity") + crud("volunteers", "shift"),
    "auditor": _all("view") + crud("volunteers", "starlevel"),
}
