from django.utils.translation import gettext_lazy as _

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(_("Volunteers"), "volunteers:volunteer-list", "volunteers.view_volunteer", 40),
    NavEntry(_("Volunteer teams"), "volunteers:team-list", "volunteers.view_team", 41),
    NavEntry(_("Volunteer imports"), "volunteers:import-start", "volunteers.add_importjob", 42),
]
ENTRIES += [
    NavEntry(_("Volunteer training"), "volunteers:training-list", "volunteers.view_trainingsession", 43),
    NavEntry(_("Social-work professionals"), "volunteers:socialworker-list", "volunteers.view_socialworker", 44),
]
ENTRIES += [
    NavEntry(_("Volunteer self-registrations"), "volunteers:application-list",
             "volunteers.view_volunteerapplication", 45),
]
