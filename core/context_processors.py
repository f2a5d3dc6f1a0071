from django.conf import settings

from .navigation import navigation_for


def portal(request):
    user = getattr(request, "user", None)
    return {
        "nav": navigation_for(user) if user is not None and user.is_authenticated else [],
        "portal_debug": settings.DEBUG,
    }
