"""The governance app's part of the roles map (applied by migrations 0003-0005; re-applied by
core.roles.sync_all_roles). Community workers enter and move matters of their community, the
two committees' and the supervision committee's own acts are further limited to their members by
the services; street/district officers and the city see and may correct; auditors read."""

from core.roles import crud

MODELS = ["matter", "support", "decisionstep", "meeting", "participant", "minutes", "ballot", "ballotcorrection",
          "publication", "project", "task", "milestone", "evaluationround", "evaluationresponse", "objection",
          "pointsentry", "dispute", "bodymember", "communitysetting", "cadrereview", "cadreratingcount"]
REFERENCE = ["category", "quorumrule"]


def perms(actions, models=MODELS):
    return [p for m in models for p in crud("governance", m, actions)]


ATTACHMENT = {
    "city_admin": "view add change delete", "county_officer": "view add", "township_officer": "view add",
    "community_worker": "view add", "auditor": "view",
}

ROLE_PERMS = {
    "city_admin": perms("view add change delete") + perms("view add change", REFERENCE),
    "county_officer": perms("view add change") + perms("view", REFERENCE),
    "township_officer": perms("view add change") + perms("view", REFERENCE),
    "community_worker": perms("view add change") + perms("view", REFERENCE),
    "grid_worker": crud("governance", "matter", "view add") + crud("governance", "dispute", "view add")
    + perms("view", REFERENCE),
    "auditor": perms("view") + perms("view", REFERENCE),
}
for _role, _actions in ATTACHMENT.items():
    ROLE_PERMS[_role] = ROLE_PERMS[_role] + crud("governance", "attachment", _actions)
