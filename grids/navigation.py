from django.utils.translation import gettext_lazy as _

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(_("Grids"), "grids:profile-list", "grids.view_gridprofile", 50),
    NavEntry(_("Incidents"), "grids:incident-list", "grids.view_incident", 51),
    NavEntry(_("Community workers"), "grids:worker-list", "grids.view_communityworker", 52),
    NavEntry(_("Post quotas"), "grids:quota-list", "grids.view_postquota", 53),
]

ENTRIES += [
    NavEntry(_("One window"), "grids:window-list", "grids.view_windowrequest", 54),
    NavEntry(_("Certificates"), "grids:certificate-list", "grids.view_certificate", 55),
    NavEntry(_("Community tasks"), "grids:task-list", "grids.view_communitytask", 56),
    NavEntry(_("Admission requests"), "grids:admission-list", "grids.view_admissionrequest", 57),
]

ENTRIES += [NavEntry(_("Assessments of communities"), "grids:assessment-list", "grids.view_communityassessment", 58)]
