from django.conf import settings

from .navigation import Menu, navigation_for


def portal(request):
    user = getattr(request, "user", None)
    nav = navigation_for(user) if user is not None and user.is_authenticated else Menu()
    match = getattr(request, "resolver_match", None)
    return {
        "nav": nav,
        # The menu's HTML for this page, kept per process (core.navigation.Menu.html).
        "nav_html": nav.html(match.url_name if match else None),
        "portal_debug": settings.DEBUG,
    }
