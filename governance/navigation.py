from django.utils.translation import gettext_lazy as _

from core.navigation import NavEntry

ENTRIES = [
    NavEntry(_("Matters"), "governance:matter-list", "governance.view_matter", 30),
    NavEntry(_("Disputes"), "governance:dispute-list", "governance.view_dispute", 31),
]
