"""The grids app's part of the roles map (applied by migration 0002; re-applied by
core.roles.sync_all_roles). Districts and streets run posts, pilots, routing and workers; the
community worker keeps the community's files and handles its incidents; the grid worker patrols
and files incidents of their grid; auditors read. Checklist, categories and pay rules are
reference data the city changes."""

from core.roles import crud

MODELS = ["gridprofile", "communityworker", "gradechange", "assessment", "postquota", "pilot", "gridassignment",
          "patrolplan", "patrolvisit", "handlingunit", "routingrule", "incident", "incidentevent"]
REFERENCE = ["payrule", "checklistitem", "incidentcategory", "serviceitem", "workitem", "certificatetype"]
# One window, burden reduction, certificates (migration 0004): the community keeps its window, its
# certificates and seal log and decides the tasks pushed to it; districts and the city record tasks and
# decide admission requests.
COMMUNITY_DESK = ["windowrequest", "certificate", "sealuse", "communitytask"]
BURDEN = ["admissionrequest", "communitytask"]


def perms(actions, models=MODELS):
    return [p for m in models for p in crud("grids", m, actions)]


ROLE_PERMS_2 = {
    "city_admin": perms("view add change", COMMUNITY_DESK + BURDEN),
    # The officers above a community hold at least a community worker's rights (core.grants' ceiling:
    # nobody grants a role whose rights they do not hold), so they can appoint community workers.
    "county_officer": perms("view add change", COMMUNITY_DESK) + perms("view add change", BURDEN),
    "township_officer": perms("view add change", COMMUNITY_DESK) + perms("view", ["admissionrequest"]),
    "community_worker": perms("view add change", ["windowrequest", "certificate", "sealuse"])
    + perms("view change", ["communitytask"]) + perms("view", ["admissionrequest"]),
    "auditor": perms("view", COMMUNITY_DESK + BURDEN),
}

ROLE_PERMS = {
    "city_admin": perms("view add change delete") + perms("view add change", REFERENCE),
    "county_officer": perms("view add change") + perms("view", REFERENCE),
    "township_officer": perms("view add change") + perms("view", REFERENCE),
    "community_worker": perms("view add change", ["gridprofile", "gridassignment", "patrolplan", "patrolvisit",
                                                  "incident", "incidentevent", "assessment"])
    + perms("view", ["communityworker", "gradechange", "postquota", "pilot", "handlingunit", "routingrule"])
    + perms("view", REFERENCE),
    "grid_worker": perms("view", ["gridprofile", "patrolplan", "handlingunit", "incidentevent"])
    + perms("view add", ["patrolvisit"]) + perms("view add change", ["incident"]) + perms("view", REFERENCE),
    "auditor": perms("view") + perms("view", REFERENCE),
}

for _role, _perms in ROLE_PERMS_2.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] + _perms

# The register of assessments of communities (migration 0008): districts, streets and communities record
# the assessments they receive, the community refuses a department's own one without approval; auditors read.
ASSESSMENTS = ["communityassessment"]
ROLE_PERMS_ASSESSMENTS = {
    "city_admin": perms("view add change", ASSESSMENTS),
    "county_officer": perms("view add change", ASSESSMENTS),
    "township_officer": perms("view add change", ASSESSMENTS),
    "community_worker": perms("view add change", ASSESSMENTS),
    "auditor": perms("view", ASSESSMENTS),
}
for _role, _perms in ROLE_PERMS_ASSESSMENTS.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] + _perms
