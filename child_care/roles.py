"""The child-care app's part of the roles map (applied by migration 0002; re-applied by sync_roles).

Least privilege (未成年人网络保护条例 Art. 36): only child directors (village/community) and
supervisors (township) open children's records, within their appointment's area; county, township
and city officers and auditors see counts only (``view_statistics``: the 排查汇总表 and the
indicators). Auditors read who opened a child's record in the audit log (core.view_auditevent).
"""

from core.roles import crud

RECORDS = ["person", "household", "relationship", "categoryrecord", "survey", "visit"]


def _records(actions):
    return [p for m in RECORDS for p in crud("child_care", m, actions)]


COUNTS = ["child_care.view_statistics"]

# Roster comparisons, rescue follow-ups and consents (migration 0004): directors work their village's rows
# and record a station's handover slip; supervisors also upload and compare the school roster.
CARE = (crud("child_care", "rosterentry", "view change") + crud("child_care", "rosterimport", "view")
        + crud("child_care", "rescuecase", "view add change") + crud("child_care", "followup", "view change")
        + crud("child_care", "consent", "view add change") + crud("child_care", "notsameperson", "view"))

ROLE_PERMS = {
    "child_director": _records("view add change") + crud("child_care", "proposal", "view change")
    + crud("child_care", "appointment") + COUNTS + ["child_care.confirm_proposal", "core.reveal_personal_data"]
    + CARE,
    "child_supervisor": _records("view add change") + crud("child_care", "person", "delete")
    + crud("child_care", "proposal", "view change") + crud("child_care", "appointment") + COUNTS
    + ["child_care.confirm_proposal", "child_care.approve_proposal", "child_care.review_report",
       "child_care.submit_report", "core.reveal_personal_data"] + CARE + crud("child_care", "rosterimport", "add change"),
    "city_admin": COUNTS + crud("child_care", "appointment", "view add change delete"),
    "county_officer": COUNTS + crud("child_care", "appointment", "view add change"),
    "township_officer": COUNTS + crud("child_care", "appointment"),
    "auditor": COUNTS + crud("child_care", "appointment"),
}

# Rescue stations (migration 0005). The station's staff (rescue_staff, granted at the station's area) hand
# a returned street minor over and follow the child up; they open no child record: the rescue-case
# querysets (child_care.querysets.StationBoundQuerySet) show them only their own station's cases, whatever
# the children's home areas. The city administrator keeps the list of stations.
ROLE_PERMS_0005 = {
    "rescue_staff": crud("child_care", "rescuecase", "view add") + crud("child_care", "followup", "view change")
    + crud("child_care", "rescuestation") + crud("core", "area"),
    "city_admin": crud("child_care", "rescuestation", "view add change"),
    "county_officer": crud("child_care", "rescuestation"),
    "child_director": crud("child_care", "rescuestation"),
    "child_supervisor": crud("child_care", "rescuestation"),
    "auditor": crud("child_care", "rescuestation"),
}

# Guardianship guidance (监护督促), policy outreach (政策宣讲进村(居)) and trainings (migration 0007). Directors
# and supervisors record the guidance of a child's guardian (a child's record: read-audited) and the
# outreach in their villages; supervisors and the officers organise trainings and mark attendance; county,
# township and city officers and auditors read the outreach and trainings (no child's data) and the counts.
_READ_EVENTS = crud("child_care", "outreach", "view") + crud("child_care", "training", "view") + crud(
    "child_care", "attendance", "view")
_ORGANISE = (crud("child_care", "training", "view add change") + crud("child_care", "attendance", "view add change")
             + crud("child_care", "outreach", "view"))
ROLE_PERMS_0007 = {
    "child_director": crud("child_care", "guidance", "view add change") + crud("child_care", "outreach", "view add change")
    + crud("child_care", "training", "view") + crud("child_care", "attendance", "view"),
    "child_supervisor": crud("child_care", "guidance", "view add change")
    + crud("child_care", "outreach", "view add change") + _ORGANISE,
    "city_admin": _ORGANISE,
    "county_officer": _ORGANISE,
    "township_officer": _ORGANISE,
    "auditor": _READ_EVENTS,
}
