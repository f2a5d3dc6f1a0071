from django.utils.translation import gettext_lazy as _

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(_("My visits"), "child_care:my-visits", "child_care.view_visit", 50),
    NavEntry(_("Children and left-behind"), "child_care:person-list", "child_care.view_person", 51),
    NavEntry(_("Status proposals"), "child_care:proposal-list", "child_care.view_proposal", 52),
    NavEntry(_("Left-behind summary"), "child_care:summary", "child_care.view_statistics", 53),
    NavEntry(_("School-roster comparison"), "child_care:roster-list", "child_care.view_rosterimport", 54),
    NavEntry(_("Rescue follow-up"), "child_care:rescue-list", "child_care.view_rescuecase", 55),
    NavEntry(_("Consents"), "child_care:consent-list", "child_care.view_consent", 56),
    NavEntry(_("Guardianship guidance"), "child_care:guidance-list", "child_care.view_guidance", 57),
    NavEntry(_("Policy outreach"), "child_care:outreach-list", "child_care.view_outreach", 58),
    NavEntry(_("Trainings"), "child_care:training-list", "child_care.view_training", 59),
]
