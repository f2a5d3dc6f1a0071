"""The reports app's part of the roles map: everyone with an area sees indicator values within it;
administrators start aggregation runs; auditors follow them."""

from core.roles import crud

VIEW_VALUES = crud("reports", "indicatorvalue")

ROLE_PERMS = {
    "city_admin": VIEW_VALUES + crud("reports", "reportrun", "view add"),
    "auditor": VIEW_VALUES + crud("reports", "reportrun"),
    **dict.fromkeys(
        ["county_officer", "township_officer", "community_worker", "grid_worker", "org_registrar",
         "volunteer_officer", "child_supervisor", "child_director"],
        VIEW_VALUES,
    ),
}
