from django.utils.translation import gettext_lazy as _

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(_("Matters"), "governance:matter-list", "governance.view_matter", 30),
    NavEntry(_("Disputes"), "governance:dispute-list", "governance.view_dispute", 31),
    NavEntry(_("Community bodies"), "governance:member-list", "governance.view_bodymember", 32),
    NavEntry(_("Cadre reviews"), "governance:cadrereview-list", "governance.view_cadrereview", 33),
    NavEntry(_("Points"), "governance:points-list", "governance.view_pointsentry", 34),
    NavEntry(_("Community settings"), "governance:setting-list", "governance.view_communitysetting", 35),
]
