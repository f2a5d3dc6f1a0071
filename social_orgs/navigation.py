from django.utils.translation import gettext_lazy as _

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(_("Social organisations"), "social_orgs:org-list", "social_orgs.view_organisation", 50),
    NavEntry(_("Credit lists"), "social_orgs:listing-list", "social_orgs.view_creditlisting", 51),
    NavEntry(_("Random inspections"), "social_orgs:plan-list", "social_orgs.view_inspectionplan", 52),
    NavEntry(_("Venture philanthropy"), "social_orgs:venture-list", "social_orgs.view_ventureapplication", 53),
    NavEntry(_("Fee inspections"), "social_orgs:fee-list", "social_orgs.view_inspection", 54),
    NavEntry(_("Welfare-lottery funds"), "social_orgs:lottery-list", "social_orgs.view_lotteryfund", 55),
    NavEntry(_("Incubation centres"), "social_orgs:centre-list", "social_orgs.view_incubationcentre", 56),
]
