"""The social-organisations app's part of the roles map (applied by migration 0002; re-applied by
core.roles.sync_all_roles).

The social-organisation registrar (登记管理机关) runs the registry and enters the sponsor units'
opinions and the inspectors' findings on their behalf (recorded as such); district officers do
the same for their district's registrations; streets and communities file and see community
social organisations; auditors read. Rule values and the legacy-code allow-list are city-wide
reference data only the city administrator and the registrar change."""

from core.roles import crud

ALL = "view add change delete"
MODELS = ["organisation", "statuschange", "annualreport", "penalty", "creditlisting", "revocationproposal",
          "evaluation", "directoryentry", "inspection", "supportgrant", "communityorg", "inspectionplan", "ventureround",
          "ventureapplication", "granttranche", "lotteryfund", "incubationcentre", "incubation"]
REFERENCE = ["creditrule", "usccallowance"]


def _all(actions):
    return [p for m in MODELS for p in crud("social_orgs", m, actions)]


def _ref(actions):
    return [p for m in REFERENCE for p in crud("social_orgs", m, actions)]


ROLE_PERMS = {
    "city_admin": _all(ALL) + _ref(ALL),
    "org_registrar": _all(ALL) + _ref("view add change"),
    "county_officer": _all(ALL) + _ref("view"),
    "township_officer": _all("view") + crud("social_orgs", "communityorg", "view add change") + _ref("view"),
    "community_worker": crud("social_orgs", "organisation") + crud("social_orgs", "communityorg", "view add change"),
    "auditor": _all("view") + _ref("view"),
}


def existing(apps, role_perms: dict) -> dict:
    """``role_perms`` without the permissions of models a migration's state does not have yet (a
    data migration applies the current map: an earlier one must skip the later models)."""
    names = {m._meta.model_name for m in apps.get_app_config("social_orgs").get_models()}
    return {role: [p for p in perms if not p.startswith("social_orgs.") or p.split(".", 1)[1].split("_", 1)[1] in names]
            for role, perms in role_perms.items()}
